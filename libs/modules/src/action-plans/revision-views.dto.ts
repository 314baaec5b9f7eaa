import { ApiProperty } from '@nestjs/swagger';
import { PLAN_ITEM_FIELDS, type PlanItemField, RIALS_PATTERN } from '@pelekan/core';
import { NamedRefView } from './plan-views.dto';

/** What the plan revision and baseline routes answer. */

const RIALS = { type: String, pattern: RIALS_PATTERN.source, example: '2500000000', description: 'Whole rials as a decimal string' };
const REVISION_STATUSES = ['pending', 'approved', 'rejected'] as const;

/** An item as a snapshot of the plan keeps it (what revisions compare and baselines fix). */
export class PlanItemSnapshotView {
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgencyId: string;
  /** Hundredths: 2500 is a weight of 25.00 out of 100. */
  weightHundredths: number;
  /** ISO 8601 instant. */
  plannedStart: string;
  /** ISO 8601 instant. */
  plannedEnd: string;
  @ApiProperty(RIALS)
  budgetRials: string;
}

/** A link between two items of the plan, by code. */
export class PlanLinkView {
  from: string;
  to: string;
}

/** A version of a project's plan. */
export class PlanSnapshotView {
  @ApiProperty({ type: () => [PlanItemSnapshotView] })
  items: PlanItemSnapshotView[];
  @ApiProperty({ type: () => [PlanLinkView] })
  links: PlanLinkView[];
}

/** One field of one item, before and after. */
export class ItemChangeView {
  code: string;
  @ApiProperty({ enum: PLAN_ITEM_FIELDS })
  field: PlanItemField;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] })
  before: string | number;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] })
  after: string | number;
}

/** A revision against the plan it revises: items matched by code, links by their ends. */
export class PlanDiffView {
  @ApiProperty({ type: () => [PlanItemSnapshotView] })
  addedItems: PlanItemSnapshotView[];
  @ApiProperty({ type: () => [PlanItemSnapshotView] })
  removedItems: PlanItemSnapshotView[];
  @ApiProperty({ type: () => [ItemChangeView] })
  changedItems: ItemChangeView[];
  @ApiProperty({ type: () => [PlanLinkView] })
  addedLinks: PlanLinkView[];
  @ApiProperty({ type: () => [PlanLinkView] })
  removedLinks: PlanLinkView[];
}

/** An item of a proposed plan, as the lead agency proposed it. */
export class ProposedItemView {
  code: string;
  titleFa: string;
  titleEn: string;
  /** Absent (or null): the project's lead agency. */
  @ApiProperty({ type: String, nullable: true, required: false })
  ownerAgencyId?: string | null;
  /** Share of the project, out of 100. */
  weight: number;
  /** ISO 8601 instant. */
  plannedStart: string;
  /** ISO 8601 instant. */
  plannedEnd: string;
  @ApiProperty(RIALS)
  budgetRials: string;
}

/** The whole revised plan a revision proposes. */
export class PlanProposalView {
  @ApiProperty({ type: () => [ProposedItemView] })
  items: ProposedItemView[];
  @ApiProperty({ type: () => [PlanLinkView] })
  links: PlanLinkView[];
}

/** A plan revision as the project's list shows it (users by username). */
export class PlanRevisionSummaryView {
  id: string;
  number: number;
  @ApiProperty({ enum: REVISION_STATUSES })
  status: (typeof REVISION_STATUSES)[number];
  /** Why the plan changes. */
  reason: string;
  proposedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  decidedAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  decisionReason: string | null;
  /** The baseline an approved revision became. */
  @ApiProperty({ type: Number, nullable: true })
  baselineNumber: number | null;
  proposedBy: string;
  @ApiProperty({ type: String, nullable: true })
  decidedBy: string | null;
}

/** A plan revision with the plan it proposes and its diff against the plan as it stands (or stood, once approved). */
export class PlanRevisionView extends PlanRevisionSummaryView {
  projectId: string;
  proposal: PlanProposalView;
  diff: PlanDiffView;
}

/** A revision awaiting the monitoring committee. */
export class PendingRevisionView {
  id: string;
  number: number;
  reason: string;
  proposedAt: Date;
  proposedBy: string;
  project: NamedRefView;
}

/** A numbered version of the plan. Before any revision, the plan as filed is baseline 1 (no date, no revision). */
export class BaselineSummaryView {
  number: number;
  @ApiProperty({ type: Date, nullable: true })
  createdAt: Date | null;
  /** The approved revision that made it; null for the plan as filed. */
  @ApiProperty({ type: String, nullable: true })
  revisionId: string | null;
  @ApiProperty({ type: String, nullable: true })
  approvedBy: string | null;
  itemCount: number;
  /** Whether it is the plan in force. */
  current: boolean;
}

/** A baseline with the plan it fixed. */
export class BaselineView {
  number: number;
  @ApiProperty({ type: Date, nullable: true })
  createdAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  revisionId: string | null;
  plan: PlanSnapshotView;
}
