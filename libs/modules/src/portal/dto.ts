import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { TRANCHE_STATES, type TrancheState } from '@pelekan/core';
import { PageOf, PageQueryDto } from '../common/paging.dto';
import { RepeatOfView, ReportedFiguresView } from '../projects/dto';
import { PORTAL_SORT_NAMES, type PortalSort } from './portal-figures.sql';

/** A portfolio as the public list shows it. */
export class PublicPortfolioSummaryView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;

  @ApiProperty({ type: String, nullable: true })
  approvedOnJalali: string | null;

  /** When monitoring was paused; null while it runs. */
  @ApiProperty({ type: Date, nullable: true })
  monitoringPausedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  monitoringPauseReason: string | null;

  projectCount: number;

  /** Projects that repeat one listed elsewhere. */
  repeatCount: number;
}

export class PublicMonitoringEventView {
  @ApiProperty({ enum: ['pause', 'resume'] })
  action: 'pause' | 'resume';

  reason: string;
  at: Date;
}

export class PublicAgencyView {
  code: string;
  nameFa: string;
  nameEn: string;

  @ApiProperty({ enum: ['lead', 'co_lead', 'collaborating'] })
  role: 'lead' | 'co_lead' | 'collaborating';
}

/** A project as the public sees it: a confidential one shows only its name and agencies. */
export class PublicProjectView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioId: string;
  confidential: boolean;
  synthetic: boolean;

  /** The agency's own figures from the source report: self-declared, never verified. */
  @ApiProperty({ type: () => ReportedFiguresView, nullable: true })
  selfDeclared: ReportedFiguresView | null;

  @ApiProperty({ type: () => RepeatOfView, nullable: true })
  repeats: RepeatOfView | null;

  /** Whole rials; null when unset or confidential. */
  @ApiProperty({ type: String, nullable: true, pattern: '^\\d+$' })
  budgetRials: string | null;

  /** Whole rials released so far; null when confidential. */
  @ApiProperty({ type: String, nullable: true, pattern: '^\\d+$' })
  releasedRials: string | null;

  /** Weighted verified progress, percent with two decimals; null when confidential. */
  @ApiProperty({ type: Number, nullable: true })
  verifiedPercent: number | null;

  /** Weighted progress the agencies declared, percent with two decimals; null when confidential. */
  @ApiProperty({ type: Number, nullable: true })
  declaredPercent: number | null;

  /**
   * Self-declared progress, the side of the gap the agencies give: their declarations on the action
   * plan when it has one, else the figure in the source report; null when neither (or confidential).
   */
  @ApiProperty({ type: Number, nullable: true })
  selfDeclaredPercent: number | null;

  @ApiProperty({ enum: ['declarations', 'report'], nullable: true, description: 'Where selfDeclaredPercent comes from' })
  selfDeclaredSource: 'declarations' | 'report' | null;

  /** Self-declared minus verified, percentage points; null when there is no self-declared figure. */
  @ApiProperty({ type: Number, nullable: true })
  gapPercent: number | null;

  /** Its portfolio's monitoring is paused. */
  monitoringPaused: boolean;

  /** The latest verified update of any of its items. */
  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;

  @ApiProperty({ type: () => [PublicAgencyView] })
  agencies: PublicAgencyView[];

  /** No verified update for longer than STALE_AFTER. */
  stale: boolean;
}

/** A portfolio with its projects and the history of its monitoring pauses. */
export class PublicPortfolioView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;

  @ApiProperty({ type: String, nullable: true })
  approvedByFa: string | null;

  @ApiProperty({ type: String, nullable: true })
  approvedOnJalali: string | null;

  @ApiProperty({ type: String, nullable: true })
  noteEn: string | null;

  @ApiProperty({ type: Date, nullable: true })
  monitoringPausedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  monitoringPauseReason: string | null;

  @ApiProperty({ type: () => [PublicMonitoringEventView] })
  monitoringHistory: PublicMonitoringEventView[];

  @ApiProperty({ type: () => [PublicProjectView] })
  projects: PublicProjectView[];
}

export class PublicOrganizationRefView {
  code: string;
  nameFa: string;
  nameEn: string;
}

/** An item of the project's action plan. */
export class PublicItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;

  /** Share of the project, percent (up to two decimals). */
  weight: number;

  plannedStart: Date;

  /** The planned end, or the later date the monitoring committee extended it to. */
  dueAt: Date;

  @ApiProperty({ type: String, pattern: '^\\d+$' })
  budgetRials: string;

  verifiedPercent: number;
  declaredPercent: number;

  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;

  ownerAgency: PublicOrganizationRefView;

  /** Numbers of the tranches (not rejected) that fund the item; null when none. */
  @ApiProperty({ type: [Number], nullable: true })
  fundedByTranches: number[] | null;
}

/** A prerequisite: item `from` must be done before item `to` (either may be in another project). */
export class PublicLinkView {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}

export class PublicTrancheView {
  number: number;

  @ApiProperty({ type: String, pattern: '^\\d+$' })
  amountRials: string;

  @ApiProperty({ enum: TRANCHE_STATES })
  state: TrancheState;

  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  releasedAt: Date | null;

  stateChangedAt: Date;

  @ApiProperty({ enum: ['all_or_nothing', 'pro_rata', 'banded'] })
  releaseRule: 'all_or_nothing' | 'pro_rata' | 'banded';

  @ApiProperty({ type: Date, nullable: true })
  dueAt: Date | null;

  /** What its installments released. */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  releasedRials: string;

  /** What the verified work has earned under its rule: released against earned is the story. */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  earnedRials: string;
}

/** A project with its action plan, the prerequisites touching it, and its tranches (all empty when confidential). */
export class PublicProjectDetailView extends PublicProjectView {
  @ApiProperty({ type: () => [PublicItemView] })
  items: PublicItemView[];

  @ApiProperty({ type: () => [PublicLinkView] })
  links: PublicLinkView[];

  @ApiProperty({ type: () => [PublicTrancheView] })
  tranches: PublicTrancheView[];

  /** What happened to it, newest first (the latest 200 events; empty when confidential). */
  @ApiProperty({ type: () => [PublicHistoryEventView] })
  history: PublicHistoryEventView[];
}

/** One event of a project's history. */
export class PublicHistoryEventView {
  at: Date;

  @ApiProperty({ enum: ['declaration', 'verification', 'tranche', 'plan_revision'] })
  kind: 'declaration' | 'verification' | 'tranche' | 'plan_revision';

  /** The item declared or verified. */
  @ApiProperty({ type: String, nullable: true })
  itemCode: string | null;

  /** The tranche's or the revision's number. */
  @ApiProperty({ type: Number, nullable: true })
  number: number | null;

  /** A verification's outcome, the tranche's new state, or the revision's decision. */
  @ApiProperty({ type: String, nullable: true })
  state: string | null;

  /** The percent declared or verified. */
  @ApiProperty({ type: Number, nullable: true })
  percent: number | null;

  /** When a verification decision was revoked. */
  @ApiProperty({ type: Date, nullable: true })
  revokedAt: Date | null;
}

/** Progress roll-up: each project with both figures weighs the same (core `rollUpProgress`). */
export class PublicProgressRollUpView {
  /** Projects counted: those with a self-declared figure (not confidential). */
  counted: number;

  /** Mean verified progress, percent with two decimals; null when no project counts. */
  @ApiProperty({ type: Number, nullable: true })
  verifiedPercent: number | null;

  /** Mean self-declared progress over the same projects. */
  @ApiProperty({ type: Number, nullable: true })
  selfDeclaredPercent: number | null;

  /** Self-declared minus verified, percentage points. */
  @ApiProperty({ type: Number, nullable: true })
  gapPercent: number | null;
}

/** The headline figures of a set of projects (all, or one portfolio's). */
export class PublicFiguresTotalsView {
  projects: number;
  confidential: number;

  /** Σ budgets known to the public (set, not confidential), whole rials. */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  budgetRials: string;

  /** Projects whose budget is known. */
  budgeted: number;

  /** Σ released, whole rials (not confidential). */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  releasedRials: string;

  /** Projects without a verified update for longer than STALE_AFTER. */
  stale: number;

  /** Projects whose portfolio's monitoring is paused. */
  monitoringPaused: number;

  /** Projects that repeat one listed elsewhere. */
  repeats: number;

  progress: PublicProgressRollUpView;
}

export class PublicPortfolioFiguresView extends PublicFiguresTotalsView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;

  @ApiProperty({ type: Date, nullable: true })
  monitoringPausedAt: Date | null;
}

/** The portal's first screen: figures over every project, and per portfolio. */
export class PublicFiguresView extends PublicFiguresTotalsView {
  @ApiProperty({ type: () => [PublicPortfolioFiguresView] })
  portfolios: PublicPortfolioFiguresView[];

  /** The clock the staleness was judged at. */
  at: Date;
}

/** An agency's declared against verified progress over the projects it leads (lead or co-lead). */
export class PublicAgencyProgressView {
  code: string;
  nameFa: string;
  nameEn: string;

  /** Projects it leads. */
  projects: number;

  progress: PublicProgressRollUpView;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `GET /api/public/projects`: search, filters, sort and keyset paging. */
export class PublicProjectQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Text in the code or the Persian or English name (Persian or Latin digits)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsUUID('all', { message: 'portfolioId must be the id (a uuid) of a portfolio' })
  portfolioId?: string;

  /** Projects this agency (by code) leads or collaborates on. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'agency must be an agency code (lowercase letters, digits and dashes)' })
  agency?: string;

  /** true: only stale projects; false: only fresh ones. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'stale must be true or false' })
  stale?: boolean;

  /** true: only projects that repeat one listed elsewhere (the report's repeated driver projects); false: only the others. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'repeat must be true or false' })
  repeat?: boolean;

  @ApiPropertyOptional({ enum: PORTAL_SORT_NAMES, default: 'code', description: 'gap: self-declared minus verified' })
  @IsOptional()
  @IsIn(PORTAL_SORT_NAMES, { message: `sort must be one of ${PORTAL_SORT_NAMES.join(', ')}` })
  sort?: PortalSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';
}

export class PublicProjectPageView extends PageOf(PublicProjectView) {}
