import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import {
  COMMITTEE_CASE_DECISIONS,
  type CommitteeCaseDecision,
  ESCALATED_PARTIES,
  type EscalatedParty,
  ESCALATION_LEVELS,
  STALL_REASONS,
  type StallReason,
} from '@pelekan/core';
import { PageOf, PageQueryDto } from '../common/paging.dto';
import { IsInstant } from '../common/validation';

/** Highest level first, then oldest, a page at a time (`limit`, `after`). */
export class CaseQueryDto extends PageQueryDto {
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

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

export const CASE_STATUSES = ['open', 'awaiting_revision', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_RESOLUTIONS = ['moved', 'extended', 'justified', 'revision_approved', 'item_removed'] as const;
export type CaseResolution = (typeof CASE_RESOLUTIONS)[number];
const EVENT_KINDS = ['opened', 'climbed', 'resolved', 'decided', 'responded'] as const;

export class CaseItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  declaredPercent: number;
  /** The due date: the committee's extension, else the planned end. */
  dueAt: Date;
  ownerAgencyId: string;
}

export class CaseProjectView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

export class CaseAgencyView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** An escalation case, with its item, project and the item's owner agency. */
export class CaseView {
  id: string;
  itemId: string;
  projectId: string;
  @ApiProperty({ enum: STALL_REASONS, description: 'Why the item was stalled when the case opened' })
  reason: StallReason;
  @ApiProperty({ enum: ESCALATED_PARTIES, description: 'Who is escalated: the owner agency, or the committee for a declaration left unverified' })
  party: EscalatedParty;
  @ApiProperty({ type: Number, minimum: 1, maximum: 4, description: '1 focal point, 2 head of agency, 3 committee agenda, 4 IT Executive Council' })
  level: number;
  @ApiProperty({ enum: CASE_STATUSES })
  status: CaseStatus;
  openedAt: Date;
  levelChangedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  resolvedAt: Date | null;
  @ApiProperty({ enum: CASE_RESOLUTIONS, nullable: true })
  resolution: CaseResolution | null;
  @ApiProperty({ type: String, nullable: true, description: "The owner agency's answer" })
  agencyResponse: string | null;
  @ApiProperty({ type: Date, nullable: true })
  agencyRespondedAt: Date | null;
  item: CaseItemView;
  project: CaseProjectView;
  ownerAgency: CaseAgencyView;
}

export class LevelNameView {
  @ApiProperty({ type: Number, minimum: 1, maximum: 4 })
  level: number;
  @ApiProperty({ enum: ESCALATION_LEVELS.map((l) => l.key) })
  key: string;
  fa: string;
  en: string;
}

export class CaseEventView {
  at: Date;
  @ApiProperty({ enum: EVENT_KINDS })
  kind: string;
  level: number;
  @ApiProperty({ type: String, nullable: true, description: 'The stall reason, resolution, answer or decision reason' })
  reason: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'For a decision: which one, and what it changed' })
  detail: Record<string, unknown>;
  // Inline, not a $ref: a nullable $ref (allOf) does not admit null in the contract checker.
  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'Who acted; null for the sweep',
    required: ['id', 'username', 'displayName'],
    properties: { id: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' } },
  })
  actor: { id: string; username: string; displayName: string } | null;
}

export class CaseHoldView {
  id: string;
  reason: string;
  placedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  liftedAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  liftReason: string | null;
}

/** A page of escalation cases: pass `next` as `after` for the following one. */
export class CasePageView extends PageOf(CaseView) {}

/** A case with its history and the holds placed for it. */
export class CaseDetailView extends CaseView {
  levelName: LevelNameView;
  events: CaseEventView[];
  holds: CaseHoldView[];
}

export class SweepRunView {
  id: string;
  runKey: string;
  /** The instant the sweep judged "now" by. */
  at: Date;
  periodSeconds: number;
  startedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  finishedAt: Date | null;
  examined: number;
  stalled: number;
  opened: number;
  climbed: number;
  resolved: number;
  notified: number;
}

export class SweepsView {
  /** ESCALATION_PERIOD as configured. */
  period: string;
  @ApiProperty({ type: Date, nullable: true })
  lastSweepAt: Date | null;
  /** The last sweep is older than a period and a half, or there has been none. */
  sweepOverdue: boolean;
  runs: SweepRunView[];
}

export class SweepTriggeredView {
  triggered: boolean;
  /** The id of the Temporal schedule that runs it. */
  schedule: string;
}

export class ScheduleRunView {
  scheduledAt: Date;
  takenAt: Date;
  workflowId: string;
}

export class ScheduleView {
  id: string;
  period: string;
  paused: boolean;
  nextRuns: Date[];
  recentRuns: ScheduleRunView[];
}
