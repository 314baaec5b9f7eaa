import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TRANCHE_DECISIONS, TRANCHE_STATES, type TrancheDecisionAction, type TrancheState } from '@pelekan/core';
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
