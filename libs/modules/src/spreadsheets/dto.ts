import { TRANCHE_STATES, type TrancheState } from '@pelekan/core';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

/** GET /api/tranches's filters, for the whole pipeline as one workbook. */
export class TranchesExportQueryDto {
  @IsOptional()
  @IsIn(TRANCHE_STATES)
  state?: TrancheState;

  @IsOptional()
  @IsUUID()
  projectId?: string;

  /** Tranches of the projects of this portfolio. */
  @IsOptional()
  @IsUUID()
  portfolioId?: string;
}

/** GET /api/ledger/entries's filters, for every entry as one workbook. */
export class LedgerExportQueryDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;

  /** Entries that credited this agency (an agency always sees its own). */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}
