import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import {
  REMAINDER_DECISIONS,
  TRANCHE_DECISIONS,
  TRANCHE_STATES,
  type ReleaseRuleJson,
  type RemainderDecisionKind,
  type TrancheDecisionAction,
  type TrancheState,
} from '@pelekan/core';
import { PageQueryDto } from '../common/paging.dto';
import { IsRials } from '../common/validation';

export class CreateTrancheDto {
  /** Items of this project the tranche pays for. */
  @ArrayMinSize(1, { message: 'fundedItemIds must name at least one item' })
  @ArrayMaxSize(2000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  fundedItemIds: string[];

  @IsOptional()
  @IsRials("Amount in whole rials; defaults to the sum of the funded items' budgets")
  amountRials?: string;

  /**
   * Items (of this or another project) that gate the tranche in addition to the funded items'
   * predecessors, which always gate it.
   */
  @IsOptional()
  @ArrayMaxSize(2000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  additionalGateItemIds?: string[];

  @IsOptional()
  @IsString()
  @Length(1, 300)
  title?: string;

  /**
   * How the tranche pays (core release-rule.ts), checked field by field: `{"kind": "all_or_nothing"}` (the
   * default), `{"kind": "pro_rata", "minInstallmentRials": "…"}` or `{"kind": "banded", "bands": [{"fromPercent",
   * "payPercent"}, …]}` (bands from the highest down; a banded rule needs `dueAt`).
   */
  @IsOptional()
  @IsObject({ message: 'releaseRule must be an object with a kind' })
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  releaseRule?: ReleaseRuleJson;

  /** When what is not released lapses (ISO 8601, in the future); required for a banded rule. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an instant in ISO 8601' })
  dueAt?: string;
}

/** A PBO decision on a lapsed tranche's remainder. */
export class RemainderDecisionDto {
  @IsIn(REMAINDER_DECISIONS)
  @ApiProperty({ enum: REMAINDER_DECISIONS })
  action: RemainderDecisionKind;

  /** carry_forward: the open tranche of the same project that receives the remainder. */
  @ValidateIf((d: RemainderDecisionDto) => d.action === 'carry_forward' || d.targetTrancheId !== undefined)
  @IsUUID('all', { message: 'targetTrancheId must name a tranche (a uuid) to carry the remainder into' })
  targetTrancheId?: string;

  /** extend: the new due date (ISO 8601, later than now). */
  @ValidateIf((d: RemainderDecisionDto) => d.action === 'extend' || d.dueAt !== undefined)
  @IsISO8601({ strict: true }, { message: 'dueAt must be an instant in ISO 8601' })
  dueAt?: string;

  @IsString()
  @Length(1, 4000)
  reason: string;
}

export class TrancheDecisionDto {
  @IsIn(TRANCHE_DECISIONS)
  action: TrancheDecisionAction;

  /** Required to hold or reject. */
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  reason?: string;
}

/** The pipeline, newest first, a page at a time (`limit`, `after`), by state, project and portfolio. */
export class TrancheQueryDto extends PageQueryDto {
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
