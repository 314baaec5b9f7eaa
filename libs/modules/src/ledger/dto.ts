import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageOf, PageQueryDto } from '../common/paging.dto';

/** Entries newest first, a page at a time (`limit`, `after`). */
export class LedgerQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;

  /** Entries that credited this agency. */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

const ACCOUNT_KINDS = ['treasury', 'agency'] as const;
const SIGNED_RIALS = '^-?(0|[1-9][0-9]*)$';

export class LedgerOrganizationView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** One account: the PBO treasury, or an agency that received money. */
export class BalanceView {
  id: string;
  @ApiProperty({ enum: ACCOUNT_KINDS })
  kind: 'treasury' | 'agency';
  @ApiProperty({ type: String, pattern: SIGNED_RIALS, example: '-50000000000', description: "Credits minus debits in whole rials; the treasury's is negative as it pays out." })
  balanceRials: string;
  // A nullable reference: oneOf keeps the $ref whole (allOf with a sibling type would not admit null).
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(LedgerOrganizationView) }], nullable: true, description: 'The agency; null for the treasury.' })
  organization: LedgerOrganizationView | null;
}

/** One side of an entry: a debit or a credit of one account. */
export class LedgerPostingView {
  accountId: string;
  @ApiProperty({ enum: ACCOUNT_KINDS })
  kind: 'treasury' | 'agency';
  @ApiProperty({ type: String, nullable: true, description: 'The agency; null for the treasury.' })
  organizationId: string | null;
  @ApiProperty({ type: String, pattern: '^(0|[1-9][0-9]*)$', example: '50000000000', description: 'Whole rials' })
  debitRials: string;
  @ApiProperty({ type: String, pattern: '^(0|[1-9][0-9]*)$', example: '0', description: 'Whole rials' })
  creditRials: string;
}

/** The release of one tranche: the treasury's debit and the receiving agencies' credits. */
export class LedgerEntryView {
  id: string;
  /** Unique per release: the same release is never written twice. */
  businessKey: string;
  trancheId: string;
  trancheNumber: number;
  projectId: string;
  projectCode: string;
  @ApiProperty({ type: String, pattern: '^(0|[1-9][0-9]*)$', example: '50000000000', description: 'Whole rials released' })
  amountRials: string;
  @ApiProperty({ type: String, nullable: true, description: 'The PBO officer whose approval released the money.' })
  approvedBy: string | null;
  createdAt: Date;
  @ApiProperty({ type: () => [LedgerPostingView] })
  postings: LedgerPostingView[];
}

/** A page of ledger entries: pass `next` as `after` for the following one. */
export class LedgerEntryPageView extends PageOf(LedgerEntryView) {}
