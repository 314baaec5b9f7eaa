import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PageOf, PageQueryDto } from '../common/paging.dto';
import { DecisionAppealSummary } from './trust.dto';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import {
  DECLARATION_STATUSES,
  type DeclarationStatus,
  VERIFICATION_DECISIONS,
  VERIFICATION_OUTCOMES,
  type VerificationDecisionKind,
  type VerificationOutcome,
} from '@pelekan/core';

export class DeclareProgressDto {
  /** Whole percent 0..100 the owner agency claims for the item. */
  @IsInt()
  @Min(0)
  @Max(100)
  percent: number;

  @IsString()
  @Length(1, 4000)
  note: string;

  /** Ids of evidence files uploaded beforehand with POST /evidence; at least one. */
  @ArrayMinSize(1, { message: 'evidenceIds must name at least one evidence file' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds: string[];
}

export class DecideDeclarationDto {
  /** accept the declared percent, accept a lower one, or reject. */
  @IsIn(VERIFICATION_DECISIONS)
  decision: VerificationDecisionKind;

  /** Required for accept_lower: the percent actually verified, below the declared one. */
  @ValidateIf((o) => o.decision === 'accept_lower' || o.verifiedPercent !== undefined)
  @IsInt()
  @Min(0)
  @Max(100)
  verifiedPercent?: number;

  /** Required for accept_lower and reject. */
  @ValidateIf((o) => o.decision !== 'accept' || o.reason !== undefined)
  @IsString()
  @Length(1, 4000)
  reason?: string;
}

export class RevokeDecisionDto {
  @IsString()
  @Length(1, 4000)
  reason: string;
}

/** Oldest first, a page at a time (`limit`, `after`). */
export class QueueQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

/** An uploaded evidence file's metadata; its content is at GET /evidence/{id}/content. */
export class EvidenceFileView {
  id: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  sizeBytes: number;
  /** The type read from the bytes, not the one the upload claimed. */
  contentType: string;
  filename: string;
  uploadedBy: string;
  @ApiProperty({ type: String, nullable: true, description: 'The uploading agency.' })
  organizationId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The declaration the file backs, once cited (one only).' })
  declarationId: string | null;
  createdAt: Date;
}

/** Evidence as listed with a declaration. */
export class EvidenceSummaryView {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** The committee's ruling on a declaration, as shown with it. */
export class DeclarationDecisionView {
  id: string;
  @ApiProperty({ enum: VERIFICATION_OUTCOMES })
  outcome: VerificationOutcome;
  @ApiProperty({ type: Number, nullable: true, description: 'The percent verified; null for a rejection.' })
  verifiedPercent: number | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  decidedBy: string;
  decidedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  revokedAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  revokedBy: string | null;
  @ApiProperty({ type: String, nullable: true })
  revokeReason: string | null;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(DecisionAppealSummary) }], nullable: true, description: 'The appeal filed against it, if any.' })
  appeal?: DecisionAppealSummary | null;
  @ApiProperty({ type: Date, nullable: true, description: 'Until when its agency may appeal it; null if it may not be appealed.' })
  appealableUntil?: Date | null;
}

/** A ruling with what it is about (the answer to a revocation). */
export class VerificationDecisionView extends DeclarationDecisionView {
  declarationId: string;
  itemId: string;
}

/** An owner agency's claim of progress on an item, with its evidence and the committee's ruling. */
export class DeclarationView {
  id: string;
  itemId: string;
  percent: number;
  note: string;
  declaredBy: string;
  declaredAt: Date;
  @ApiProperty({ enum: DECLARATION_STATUSES })
  status: DeclarationStatus;
  itemCode: string;
  itemTitleFa: string;
  itemTitleEn: string;
  projectId: string;
  ownerAgencyId: string;
  /** The item's verified percent now. */
  currentVerifiedPercent: number;
  @ApiProperty({ type: () => [EvidenceSummaryView] })
  evidence: EvidenceSummaryView[];
  // A nullable reference: oneOf keeps the $ref whole (allOf with a sibling type would not admit null).
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(DeclarationDecisionView) }], nullable: true, description: 'Null until the committee rules.' })
  decision: DeclarationDecisionView | null;
  /** In a committee member's queue only: whether the member is not independent of the item and may not decide it. */
  conflictOfInterest?: boolean;
}

/** A page of the verification queue: pass `next` as `after` for the following one. */
export class DeclarationPageView extends PageOf(DeclarationView) {}
