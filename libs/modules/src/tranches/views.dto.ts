import type { Type } from '@nestjs/common';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { REMAINDER_DECISIONS, RIALS_PATTERN, TRANCHE_STATES, type RemainderDecisionKind, type TrancheState, type WaitingOn } from '@pelekan/core';
import { ROLES, type Role } from '../common/actor';
import { PageOf } from '../common/paging.dto';

/**
 * What the tranches routes answer. Rials leave as decimal strings; instants as ISO 8601 strings.
 * Internal bookkeeping (the state's sequence number, whether the workflow was started) stays inside.
 */

/**
 * A nullable object property. Written as `allOf` with no `type` beside it, so the schema reads "this
 * object, or null" (with `type: object` beside the `allOf`, null would fail the referenced schema).
 * The referenced class must be declared with @ApiExtraModels (see REFERRED_VIEWS).
 */
const NullableRef = (model: Type<unknown>, description?: string) =>
  ApiProperty({ nullable: true, allOf: [{ $ref: getSchemaPath(model) }], ...(description ? { description } : {}) });

const RIALS = { type: String, pattern: RIALS_PATTERN.source, example: '2500000000', description: 'Whole rials as a decimal string' };

/** A user as the histories name them. */
export class TrancheActorView {
  id: string;
  username: string;
  displayName: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
}

/** A monitoring-committee hold in force on the project's pending tranches. */
export class CommitteeHoldView {
  id: string;
  projectId: string;
  /** The escalation case whose decision placed it, if any. */
  @ApiProperty({ type: String, nullable: true })
  caseId: string | null;
  reason: string;
  placedAt: Date;
  placedBy: string;
}

/** The answer to lifting a hold: the holds still in force on the project. */
export class HoldLiftedView {
  id: string;
  projectId: string;
  /** Always true: a hold already lifted is refused (409). */
  lifted: boolean;
  @ApiProperty({ type: () => [CommitteeHoldView] })
  activeHolds: CommitteeHoldView[];
}

export class TrancheWaitingItemView {
  id: string;
  code: string;
  projectCode: string;
}

/** A gating item below 100% verified, with no full declaration pending: its owner must declare. */
export class WaitsOnDeclarationView {
  @ApiProperty({ enum: ['declaration'] })
  kind: 'declaration';
  item: TrancheWaitingItemView;
  verifiedPercent: number;
}

/** A gating item declared at 100%: the committee must verify the declaration. */
export class WaitsOnVerificationView {
  @ApiProperty({ enum: ['verification'] })
  kind: 'verification';
  item: TrancheWaitingItemView;
  declarationId: string;
  declaredPercent: number;
}

/** A PBO decision, by any officer but `excludedApprover` (the creator). */
export class WaitsOnDecisionView {
  @ApiProperty({ enum: ['pbo_decision'] })
  kind: 'pbo_decision';
  excludedApprover: string;
}

/** A committee hold, until it is lifted. */
export class WaitsOnHoldView {
  @ApiProperty({ enum: ['committee_hold'] })
  kind: 'committee_hold';
  holdId: string;
  reason: string;
  placedAt: Date;
}

/** The payment (approved; the worker writes the ledger entry). */
export class WaitsOnReleaseView {
  @ApiProperty({ enum: ['release'] })
  kind: 'release';
}

/** The gate is open; the release rule waits for more verified progress (or the due date) before it pays again. */
export class WaitsOnEarnedProgressView {
  @ApiProperty({ enum: ['earned_progress'] })
  kind: 'earned_progress';
  /** nothing_new_earned, shortfall, below_minimum or below_top_band (core ReleaseWaitReason). */
  @ApiProperty({ enum: ['nothing_new_earned', 'shortfall', 'below_minimum', 'below_top_band'] })
  wait: 'nothing_new_earned' | 'shortfall' | 'below_minimum' | 'below_top_band';
}

/** The due date passed: a PBO officer other than `excludedDecider` (the creator) decides the remainder. */
export class WaitsOnRemainderDecisionView {
  @ApiProperty({ enum: ['remainder_decision'] })
  kind: 'remainder_decision';
  excludedDecider: string;
}

/** The members of the `waitsOn` union. */
export const WAITS_ON_VIEWS = [
  WaitsOnDeclarationView,
  WaitsOnVerificationView,
  WaitsOnDecisionView,
  WaitsOnHoldView,
  WaitsOnReleaseView,
  WaitsOnEarnedProgressView,
  WaitsOnRemainderDecisionView,
] as const;

/** A release band: from this weighted verified percent, pay this share of the amount. */
export class ReleaseBandView {
  fromPercent: number;
  payPercent: number;
}

/** How the tranche pays (core release-rule.ts). */
export class ReleaseRuleView {
  @ApiProperty({ enum: ['all_or_nothing', 'pro_rata', 'banded'] })
  kind: 'all_or_nothing' | 'pro_rata' | 'banded';
  /** pro_rata: the smallest installment, unless it is the last. */
  @ApiProperty({ ...RIALS, required: false })
  minInstallmentRials?: string;
  /** banded: from the highest down. */
  @ApiProperty({ type: () => [ReleaseBandView], required: false })
  bands?: ReleaseBandView[];
}

/** A tranche in the release pipeline, with what it waits on. */
export class TrancheSummaryView {
  id: string;
  projectId: string;
  /** 1, 2, … within the project. */
  number: number;
  @ApiProperty({ type: String, nullable: true })
  title: string | null;
  @ApiProperty(RIALS)
  amountRials: string;
  @ApiProperty({ enum: TRANCHE_STATES })
  state: TrancheState;
  stateChangedAt: Date;
  /** The PBO officer who created it; may not approve it. */
  createdBy: string;
  createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  releasedAt: Date | null;
  @ApiProperty({ type: () => [CommitteeHoldView] })
  committeeHolds: CommitteeHoldView[];
  releaseRule: ReleaseRuleView;
  /** When what is not released lapses; null for a tranche with no due date. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: Date | null;
  /** What its installments released so far. */
  @ApiProperty(RIALS)
  releasedRials: string;
  /** What lapsed at the due date and awaits a PBO decision ("0" otherwise). */
  @ApiProperty(RIALS)
  undisbursedRials: string;
  /** Exactly what stands between the tranche and its release (empty once released or rejected). */
  @ApiProperty({ type: 'array', items: { oneOf: WAITS_ON_VIEWS.map((view) => ({ $ref: getSchemaPath(view) })) } })
  waitsOn: WaitingOn[];
}

/** An item the tranche pays for. */
export class TrancheFundedItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgencyId: string;
  @ApiProperty(RIALS)
  budgetRials: string;
  verifiedPercent: number;
}

export class TranchePendingDeclarationView {
  id: string;
  percent: number;
  @ApiProperty({ type: String, format: 'date-time' })
  declaredAt: string;
}

/** An item that gates the tranche: by the action chain, or added by the PBO. */
export class TrancheGateItemView {
  id: string;
  code: string;
  projectId: string;
  projectCode: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  declaredPercent: number;
  @ApiProperty({ enum: ['chain', 'additional'] })
  source: 'chain' | 'additional';
  @NullableRef(TranchePendingDeclarationView, 'The pending declaration the committee has yet to decide, if any.')
  pendingDeclaration: TranchePendingDeclarationView | null;
}

/** Who receives how much of the tranche, fixed when it was created. */
export class TrancheAllocationView {
  organizationId: string;
  code: string;
  nameFa: string;
  nameEn: string;
  @ApiProperty(RIALS)
  amountRials: string;
}

/** One step of the tranche's history. */
export class TrancheEventView {
  seq: number;
  at: Date;
  @ApiProperty({ enum: TRANCHE_STATES, nullable: true })
  fromState: TrancheState | null;
  @ApiProperty({ enum: TRANCHE_STATES })
  toState: TrancheState;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  detail: Record<string, unknown>;
  @NullableRef(TrancheActorView, 'Null for the system (the workflow).')
  actor: TrancheActorView | null;
}

export class TrancheGateChangeItemView {
  id: string;
  code: string;
  projectCode: string;
}

/** A change of the tranche's gate: who, why, which items joined and left it. */
export class TrancheGateChangeView {
  at: Date;
  @ApiProperty({ enum: ['prerequisite_added', 'prerequisite_removed', 'plan_revision'] })
  cause: 'prerequisite_added' | 'prerequisite_removed' | 'plan_revision';
  /** The plan revision, when one caused it. */
  @ApiProperty({ type: String, nullable: true })
  causeId: string | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @NullableRef(TrancheActorView, 'Null for the system.')
  actor: TrancheActorView | null;
  @ApiProperty({ type: () => [TrancheGateChangeItemView] })
  added: TrancheGateChangeItemView[];
  @ApiProperty({ type: () => [TrancheGateChangeItemView] })
  removed: TrancheGateChangeItemView[];
}

/** The payment, once made. */
export class TrancheLedgerEntryView {
  id: string;
  @ApiProperty(RIALS)
  amountRials: string;
  createdAt: Date;
}

/** One payment of the tranche: its ledger entry. */
export class InstallmentView {
  /** 1, 2, … within the tranche. */
  number: number;
  @ApiProperty(RIALS)
  amountRials: string;
  @ApiProperty({ enum: ['released'] })
  state: 'released';
  @ApiProperty({ type: String, nullable: true })
  approvedBy: string | null;
  @ApiProperty({ type: String, nullable: true })
  approvedByName: string | null;
  ledgerEntryId: string;
  releasedAt: Date;
}

/** The installment the rule makes payable now, or what the next one waits for. */
export class NextInstallmentView {
  /** 1, 2, … within the tranche. */
  number: number;
  /** What would be paid now ("0" while waiting). */
  @ApiProperty(RIALS)
  payableRials: string;
  /** Nothing more can be paid after it. */
  final: boolean;
  /** What it waits for (gate_closed, nothing_new_earned, shortfall, below_minimum, below_top_band); null when payable. */
  @ApiProperty({ type: String, nullable: true })
  waitingFor: string | null;
  /** pro_rata below the minimum: how much more must be earned before the next installment. */
  @ApiProperty({ ...RIALS, nullable: true })
  moreToEarnRials: string | null;
}

/** A PBO decision on a lapsed remainder. */
export class RemainderDecisionView {
  id: string;
  @ApiProperty({ enum: REMAINDER_DECISIONS })
  action: RemainderDecisionKind;
  @ApiProperty({ type: String, nullable: true })
  targetTrancheId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: Date | null;
  reason: string;
  decidedBy: string;
  @ApiProperty({ type: String, nullable: true })
  decidedByName: string | null;
  requestedAt: Date;
  @ApiProperty({ enum: ['requested', 'applied', 'voided'] })
  status: 'requested' | 'applied' | 'voided';
  @ApiProperty({ ...RIALS, nullable: true })
  remainderRials: string | null;
}

/** A remainder carried into this tranche from another of the project. */
export class CarriedInView {
  decisionId: string;
  fromTrancheId: string;
  fromTrancheNumber: number;
  @ApiProperty(RIALS)
  amountRials: string;
}

/** A tranche: what it funds, what gates it, what it waits on, who receives its money, its history. */
export class TrancheView extends TrancheSummaryView {
  /** What the verified work has earned under the rule (the whole amount for all_or_nothing once its gate is open). */
  @ApiProperty(RIALS)
  earnedRials: string;
  /** Released ahead of verified work after a verification went down (never taken back; later installments wait). */
  @ApiProperty(RIALS)
  shortfallRials: string;
  /** The funded items' weighted verified percent, in hundredths (display only). */
  fundedVerifiedHundredths: number;
  @ApiProperty({ type: () => [InstallmentView] })
  installments: InstallmentView[];
  @NullableRef(NextInstallmentView, 'Null once nothing more can be paid.')
  nextInstallment: NextInstallmentView | null;
  @ApiProperty({ type: () => [RemainderDecisionView] })
  remainderDecisions: RemainderDecisionView[];
  @ApiProperty({ type: () => [CarriedInView] })
  carriedIn: CarriedInView[];
  @ApiProperty({ type: () => [TrancheFundedItemView] })
  fundedItems: TrancheFundedItemView[];
  @ApiProperty({ type: () => [TrancheGateItemView] })
  gate: TrancheGateItemView[];
  @ApiProperty({ type: () => [TrancheAllocationView] })
  allocations: TrancheAllocationView[];
  @ApiProperty({ type: () => [TrancheEventView] })
  history: TrancheEventView[];
  @ApiProperty({ type: () => [TrancheGateChangeView] })
  gateChanges: TrancheGateChangeView[];
  @NullableRef(TrancheLedgerEntryView, 'Null until the tranche is paid.')
  ledgerEntry: TrancheLedgerEntryView | null;
}

/** Models referred to by path (the `waitsOn` union, nullable objects); declared on the controller with @ApiExtraModels. */
export const REFERRED_VIEWS = [
  ...WAITS_ON_VIEWS,
  TrancheActorView,
  TranchePendingDeclarationView,
  TrancheLedgerEntryView,
  NextInstallmentView,
];

/** A page of the pipeline: pass `next` as `after` for the following one. */
export class TranchePageView extends PageOf(TrancheSummaryView) {}
