import { ApiProperty } from '@nestjs/swagger';
import { TRANCHE_STATES, type TrancheState } from '@pelekan/core';
import { RepeatOfView, ReportedFiguresView } from '../projects/dto';

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
}
