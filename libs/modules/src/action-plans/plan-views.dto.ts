import { ApiProperty } from '@nestjs/swagger';
import { RIALS_PATTERN } from '@pelekan/core';

/**
 * What the plan, item, progress and prerequisite routes answer. Rials leave as decimal strings,
 * instants as ISO 8601 strings, weights and percents as numbers (two decimals at most).
 */

const RIALS = { type: String, pattern: RIALS_PATTERN.source, example: '2500000000', description: 'Whole rials as a decimal string' };

/** An organization or a project, named. */
export class NamedRefView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** One item of a project's action plan (بند اقدام): declared and verified progress kept apart. */
export class ActionItemView {
  id: string;
  projectId: string;
  /** The item's number in the plan, unique within the project. */
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgency: NamedRefView;
  /** Share of the project, out of 100. */
  weight: number;
  plannedStart: Date;
  plannedEnd: Date;
  @ApiProperty(RIALS)
  budgetRials: string;
  /** The owner agency's latest claim, 0-100. */
  declaredPercent: number;
  /** What the monitoring committee verified, 0-100: the only figure that opens a gate. */
  verifiedPercent: number;
  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;
  /** plannedEnd, or the later date the monitoring committee extended it to. */
  dueAt: Date;
  /** When verified progress last changed. */
  @ApiProperty({ type: Date, nullable: true })
  progressMovedAt: Date | null;
  /** Set when an approved plan revision retired the item. */
  @ApiProperty({ type: Date, nullable: true })
  removedAt: Date | null;
}

/** `from → to`: the successor's money waits until the predecessor is 100% verified. Ends may lie in two projects. */
export class ActionLinkView {
  fromItemId: string;
  toItemId: string;
  /** Code of the predecessor. */
  from: string;
  /** Code of the successor. */
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}

/** A project's action plan: its live items by code, and every link with an end among them. */
export class ActionPlanView {
  projectId: string;
  @ApiProperty({ type: () => [ActionItemView] })
  items: ActionItemView[];
  @ApiProperty({ type: () => [ActionLinkView] })
  links: ActionLinkView[];
}

/** One agency's share of the project and its progress. */
export class AgencyProgressView {
  agency: NamedRefView;
  /** The weight of the agency's items, out of 100. */
  weight: number;
  verifiedPercent: number;
  declaredPercent: number;
  /** Verified progress the agency contributes to the project's, in percent of the project. */
  verifiedContribution: number;
}

/** Weighted project progress: verified and declared apart, planned at `at`, and per agency. */
export class ProjectProgressView {
  projectId: string;
  /** The instant the planned figure is for (ISO 8601). */
  @ApiProperty({ type: String, format: 'date-time' })
  at: string;
  itemCount: number;
  verifiedPercent: number;
  declaredPercent: number;
  plannedPercent: number;
  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;
  @ApiProperty({ type: () => [AgencyProgressView] })
  byAgency: AgencyProgressView[];
}

/** An item of another project linked to this one. */
export class PrerequisiteItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  project: NamedRefView;
}

/** What the item requires from other projects, and what other projects' items require of it. */
export class PrerequisitesView {
  itemId: string;
  @ApiProperty({ type: () => [PrerequisiteItemView] })
  requires: PrerequisiteItemView[];
  @ApiProperty({ type: () => [PrerequisiteItemView] })
  requiredBy: PrerequisiteItemView[];
}
