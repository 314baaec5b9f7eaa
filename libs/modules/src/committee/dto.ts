import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { RIALS_PATTERN } from '@pelekan/core';
import { CasePageView } from '../escalations/dto';
import { DeclarationPageView } from '../verification/dto';

export class CommitteePackQueryDto {
  /** The Jalali month, e.g. 1405-08 (Aban 1405). Persian digits are accepted too. */
  @Matches(/^[0-9۰-۹]{4}-[0-9۰-۹]{1,2}$/, { message: 'month must be a Jalali year and month such as 1405-08' })
  month: string;

  @IsOptional()
  @IsIn(['json', 'html', 'xlsx'])
  format?: 'json' | 'html' | 'xlsx';

  @IsOptional()
  @IsIn(['fa', 'en'])
  lang?: 'fa' | 'en';
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

export class PackPlaceView {
  code: string;
  nameFa: string;
  nameEn: string;
}

/** The agency of a row; its fields are null for a confidential project without a lead agency. */
export class PackAgencyView {
  @ApiProperty({ type: String, nullable: true })
  code: string | null;
  @ApiProperty({ type: String, nullable: true })
  nameFa: string | null;
  @ApiProperty({ type: String, nullable: true })
  nameEn: string | null;
}

export class PackRowView {
  at: Date;
  /** accepted, accepted_lower, rejected, revoked; opened, climbed, resolved, decided; released, held, hold_placed, hold_lifted. */
  kind: string;
  portfolio: PackPlaceView;
  project: PackPlaceView;
  agency: PackAgencyView;
  // Inline, not a $ref: a nullable $ref (allOf) does not admit null in the contract checker.
  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'Null for tranche rows',
    required: ['code', 'titleFa', 'titleEn'],
    properties: { code: { type: 'string' }, titleFa: { type: 'string' }, titleEn: { type: 'string' } },
  })
  item: { code: string; titleFa: string; titleEn: string } | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the event says: percent, level, amount, reason, who' })
  detail: Record<string, unknown>;
}

export class PackSummaryView {
  key: PackPlaceView;
  verifications: number;
  casesOpened: number;
  casesClimbed: number;
  casesResolved: number;
  tranchesReleased: number;
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source })
  releasedRials: string;
  tranchesHeld: number;
}

export class PackMonthView {
  /** Jalali year. */
  year: number;
  /** Jalali month, 1 to 12. */
  month: number;
  /** The month's first instant in Tehran. */
  start: Date;
  /** The next month's first instant in Tehran. */
  end: Date;
  nameFa: string;
  nameEn: string;
}

/** What happened in one Jalali month, for the monitoring committee's monthly meeting. */
export class CommitteePackView {
  month: PackMonthView;
  verifications: PackRowView[];
  cases: PackRowView[];
  tranches: PackRowView[];
  byPortfolio: PackSummaryView[];
  byAgency: PackSummaryView[];
}

/** The first page of the live escalation cases of each level (the rest: GET /api/escalations?level=…&after=next). */
export class CasesByLevelView {
  @ApiProperty({ type: () => CasePageView })
  1: CasePageView;
  @ApiProperty({ type: () => CasePageView })
  2: CasePageView;
  @ApiProperty({ type: () => CasePageView })
  3: CasePageView;
  @ApiProperty({ type: () => CasePageView })
  4: CasePageView;
}

export class CommitteeQueueView {
  /** The first page of declarations awaiting verification, oldest first, with evidence (the rest: GET /api/declarations/pending?after=next). */
  @ApiProperty({ type: () => DeclarationPageView })
  declarations: DeclarationPageView;
  cases: CasesByLevelView;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Plan revisions awaiting the committee, oldest first',
  })
  revisions: object[];
}

// ---------------------------------------------------------------------------------------------------
// Stage clocks
// ---------------------------------------------------------------------------------------------------

const JALALI_MONTH = /^[0-9۰-۹]{4}-[0-9۰-۹]{1,2}$/;

export class StageTimesQueryDto {
  /** The first Jalali month, e.g. 1405-01 (default: two months before `to`). */
  @IsOptional()
  @Matches(JALALI_MONTH, { message: 'from must be a Jalali year and month such as 1405-01' })
  from?: string;

  /** The last Jalali month, inclusive, e.g. 1405-09 (default: the current month). */
  @IsOptional()
  @Matches(JALALI_MONTH, { message: 'to must be a Jalali year and month such as 1405-09' })
  to?: string;
}

export class StageCasesQueryDto {
  @IsOptional()
  @IsIn(['live', 'resolved'])
  status?: 'live' | 'resolved';
}

export class StageLimitView {
  /** declaration_decided, field_checked, appeal_decided, tranche_approved, tranche_paid, remainder_decided. */
  stage: string;
  /** The party a breach escalates: committee or pbo. */
  owner: string;
  limitHours: number;
}

export class StageMonthStatsView {
  /** The Jalali month the stages ended in, e.g. 1405-08. */
  month: string;
  count: number;
  /** Nearest-rank median (the lower middle value of an even count). */
  medianHours: number;
  /** Nearest-rank 90th percentile. */
  p90Hours: number;
}

export class StageAgencyStatsView {
  organizationId: string;
  code: string;
  nameEn: string;
  nameFa: string;
  count: number;
  medianHours: number;
  p90Hours: number;
}

export class StageMemberStatsView {
  /** Who ended the stage: the deciding member, the checker, the approving officer. */
  userId: string;
  displayName: string;
  count: number;
  medianHours: number;
  p90Hours: number;
}

export class StageStatsView {
  stage: string;
  owner: string;
  byMonth: StageMonthStatsView[];
  byAgency: StageAgencyStatsView[];
  byMember: StageMemberStatsView[];
}

export class StageOverLimitView {
  stage: string;
  owner: string;
  /** The declaration (declaration_decided, field_checked), the appeal, or the tranche. */
  subjectId: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  itemId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  trancheId: string | null;
  projectId: string;
  projectCode: string;
  startedAt: Date;
  /** Null while the stage is open (its hours run to now). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: Date | null;
  hours: number;
  limitHours: number;
  /** The stage case the sweep opened for it, if any (GET /api/committee/stage-cases). */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  caseId: string | null;
}

/** How long each stage took, per month, agency and member; and the stages over their limit. */
export class StageTimesView {
  /** The first Jalali month, e.g. 1405-01. */
  from: string;
  /** The last Jalali month, inclusive. */
  to: string;
  limits: StageLimitView[];
  stages: StageStatsView[];
  /** Stages ended in the range, or still open now, that took longer than their limit; longest first (at most 1000). */
  overLimit: StageOverLimitView[];
  /** How many stages are over their limit in all. */
  overLimitTotal: number;
}

export class StageCaseView {
  id: string;
  stage: string;
  /** The party it escalates: committee or pbo. */
  owner: string;
  /** 3: the owner's agenda (committee members or PBO officers); 4: the IT Executive Council. */
  level: number;
  subjectId: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  itemId: string | null;
  @ApiProperty({ type: String, nullable: true })
  itemCode: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  trancheId: string | null;
  @ApiProperty({ type: Number, nullable: true })
  trancheNumber: number | null;
  projectId: string;
  projectCode: string;
  startedAt: Date;
  openedAt: Date;
  levelChangedAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt: Date | null;
}

export class StageCasesView {
  items: StageCaseView[];
}
