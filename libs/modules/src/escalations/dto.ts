import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { COMMITTEE_CASE_DECISIONS, type CommitteeCaseDecision } from '@pelekan/core';
import { IsInstant } from '../common/validation';

export class CaseQueryDto {
  @IsOptional()
  @IsIn(['live', 'open', 'awaiting_revision', 'resolved'])
  status?: 'live' | 'open' | 'awaiting_revision' | 'resolved';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  level?: number;

  @IsOptional()
  @IsUUID()
  projectId?: string;
}

export class CaseDecisionDto {
  /** extend_due_date, require_revision, hold_tranches or accept_justification. */
  @IsIn(COMMITTEE_CASE_DECISIONS)
  action: CommitteeCaseDecision;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(3, 2000)
  reason: string;

  /** The new due date, for extend_due_date (UTC instant in ISO 8601). */
  @ValidateIf((o: CaseDecisionDto) => o.action === 'extend_due_date' || o.newDueAt !== undefined)
  @IsInstant('The new due date; required to extend')
  newDueAt?: string;
}

export class CaseResponseDto {
  /** The agency's account of why the item is stalled and what it is doing. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(3, 4000)
  note: string;
}

export class LiftHoldDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(3, 2000)
  reason: string;
}
