import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { APPEAL_ACTIONS, APPEAL_STATUSES, type AppealAction, type AppealStatus, FIELD_CHECK_OUTCOMES, type FieldCheckOutcome, VERIFICATION_OUTCOMES, type VerificationOutcome } from '@pelekan/core';
import { PageOf, PageQueryDto } from '../common/paging.dto';

// ---------------------------------------------------------------------------------------------------
// Samples
// ---------------------------------------------------------------------------------------------------

export class OpenSampleDto {
  /** Start of the period (inclusive): acceptances decided from this instant. */
  @IsISO8601({ strict: true })
  periodFrom: string;

  /** End of the period (exclusive); not in the future, so the population is complete when drawn. */
  @IsISO8601({ strict: true })
  periodTo: string;

  /** Fixed in public before the sample is drawn (e.g. dice rolled at a committee meeting). */
  @IsString()
  @Length(1, 200)
  seed: string;

  /** The base probability of a declaration outside a large tranche, 0–1, at most six decimals (checked by the service: class-validator's decimal count breaks on 5e-7). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  baseRate: number;

  /** Integer rials: a declaration whose item funds or gates an open tranche of at least this is always checked. */
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'alwaysAboveRials must be whole rials as a string of digits' })
  alwaysAboveRials: string;
}

export class SampleSummaryView {
  id: string;
  periodFrom: Date;
  periodTo: Date;
  seed: string;
  /** The base rate as an exact decimal. */
  baseRate: string;
  alwaysAboveRials: string;
  openedAt: Date;
  population: number;
  selected: number;
  /** Selected declarations field-checked so far, and how many of those found a discrepancy. */
  checked: number;
  discrepancies: number;
}

export class SampleFieldCheckSummary {
  @ApiProperty({ enum: FIELD_CHECK_OUTCOMES })
  outcome: FieldCheckOutcome;
  verifiedPercent: number;
  checkedAt: Date;
}

/** One declaration of the population, with everything needed to recompute its draw and selection. */
export class SampleDrawView {
  declarationId: string;
  itemId: string;
  itemCode: string;
  projectCode: string;
  ownerAgencyId: string;
  ownerAgencyCode: string;
  /** The first 8 bytes of SHA-256(seed:declarationId), as an unsigned integer in decimal. */
  draw: string;
  /** draw / 2^64. */
  u: number;
  /** The probability of selection, as an exact decimal. */
  p: string;
  @ApiProperty({ enum: ['tranche_at_or_above', 'agency_risk'] })
  basis: 'tranche_at_or_above' | 'agency_risk';
  /** The agency's field-check discrepancies in the 12 months before the sample opened. */
  agencyDiscrepancies: number;
  selected: boolean;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(SampleFieldCheckSummary) }], nullable: true })
  fieldCheck: SampleFieldCheckSummary | null;
}

export class PublishedSampleView extends SampleSummaryView {
  /** How anyone recomputes the selection. */
  formula: string;
  @ApiProperty({ type: () => [SampleDrawView] })
  draws: SampleDrawView[];
}

// ---------------------------------------------------------------------------------------------------
// Field checks
// ---------------------------------------------------------------------------------------------------

export class FieldCheckDto {
  @IsIn(FIELD_CHECK_OUTCOMES)
  outcome: FieldCheckOutcome;

  /** For a discrepancy: the percent found in the field, below the accepted one. */
  @ValidateIf((o) => o.outcome === 'discrepancy' || o.verifiedPercent !== undefined)
  @IsInt()
  @Min(0)
  @Max(100)
  verifiedPercent?: number;

  @IsString()
  @Length(1, 4000)
  reason: string;

  /** Files the checker's organization uploaded with POST /evidence. */
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds: string[] = [];
}

export class FieldCheckView {
  id: string;
  declarationId: string;
  sampleId: string;
  itemId: string;
  @ApiProperty({ enum: FIELD_CHECK_OUTCOMES })
  outcome: FieldCheckOutcome;
  verifiedPercent: number;
  reason: string;
  evidenceIds: string[];
  checkedBy: string;
  checkedAt: Date;
  /** The item's verified percent after the check. */
  itemVerifiedPercent: number;
}

export class FieldCheckDueView {
  declarationId: string;
  sampleId: string;
  itemId: string;
  itemCode: string;
  itemTitleFa: string;
  itemTitleEn: string;
  projectId: string;
  projectCode: string;
  ownerAgencyId: string;
  acceptedPercent: number;
  acceptedBy: string;
  acceptedByName: string;
  acceptedAt: Date;
  sampledAt: Date;
  /** Whether this member may check it: of another organization than the acceptor's, and independent of the item. */
  mayCheck: boolean;
  @ApiProperty({ enum: ['same_organization', 'conflict_of_interest'], nullable: true, description: 'Why this member may not check it' })
  whyNot: 'same_organization' | 'conflict_of_interest' | null;
}

export class FieldCheckDueListView {
  @ApiProperty({ type: () => [FieldCheckDueView] })
  items: FieldCheckDueView[];
}

export class DiscrepancyRateView {
  checks: number;
  discrepancies: number;
  @ApiProperty({ type: Number, nullable: true, description: 'discrepancies / checks; null before any check' })
  rate: number | null;
}

export class AgencyDiscrepancyRateView extends DiscrepancyRateView {
  organizationId: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

export class MemberDiscrepancyRateView extends DiscrepancyRateView {
  /** The member who accepted the checked declarations. */
  userId: string;
  displayName: string;
  organizationId: string;
  organizationCode: string;
}

export class DiscrepancyRatesView {
  /** Field checks since this instant (12 months back) are counted. */
  since: Date;
  @ApiProperty({ type: () => [AgencyDiscrepancyRateView] })
  byAgency: AgencyDiscrepancyRateView[];
  @ApiProperty({ type: () => [MemberDiscrepancyRateView] })
  byMember: MemberDiscrepancyRateView[];
}

// ---------------------------------------------------------------------------------------------------
// Appeals
// ---------------------------------------------------------------------------------------------------

export class FileAppealDto {
  @IsString()
  @Length(1, 4000)
  reason: string;

  /** Files the agency uploaded before the decision (e.g. the declaration's own). */
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds: string[] = [];
}

export class DecideAppealDto {
  @IsIn(APPEAL_ACTIONS)
  action: AppealAction;

  /** For an overturn: the percent verified instead (default: the declared percent). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  verifiedPercent?: number;

  @IsString()
  @Length(1, 4000)
  reason: string;
}

export class AppealQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(APPEAL_STATUSES)
  status?: AppealStatus;
}

export class AppealView {
  id: string;
  decisionId: string;
  declarationId: string;
  itemId: string;
  itemCode: string;
  itemTitleFa: string;
  itemTitleEn: string;
  projectId: string;
  projectCode: string;
  ownerAgencyId: string;
  @ApiProperty({ enum: VERIFICATION_OUTCOMES })
  decisionOutcome: VerificationOutcome;
  @ApiProperty({ type: Number, nullable: true })
  decidedPercent: number | null;
  declaredPercent: number;
  decidedBy: string;
  decidedAt: Date;
  reason: string;
  evidenceIds: string[];
  filedBy: string;
  filedAt: Date;
  /** Undecided past this, the appeal is escalated to the committee. */
  deadlineAt: Date;
  @ApiProperty({ enum: APPEAL_STATUSES })
  status: AppealStatus;
  @ApiProperty({ type: String, nullable: true })
  appealDecidedBy: string | null;
  @ApiProperty({ type: Date, nullable: true })
  appealDecidedAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  decisionReason: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The percent an overturn verified' })
  verifiedPercent: number | null;
  /** For a committee member: whether they may decide it (did not take the decision, independent of the item). */
  mayDecide?: boolean;
}

export class AppealPageView extends PageOf(AppealView) {}

/** An appeal as shown with the decision it contests. */
export class DecisionAppealSummary {
  id: string;
  @ApiProperty({ enum: APPEAL_STATUSES })
  status: AppealStatus;
}
