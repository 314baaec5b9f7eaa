/**
 * "Money follows results" (issue 12): how much of a tranche its verified work has earned, when that
 * becomes an installment, what lapses at its due date, and what may become of a lapsed remainder.
 *
 * Pure rules on plain data: the API (to answer and refuse) and the tranche workflow (the authority,
 * deterministic, no I/O) call the same functions. Rials are `bigint` in code and decimal strings in
 * JSON (`releaseRuleToJson` / `parseReleaseRule`), so a rule can travel through a Temporal payload or
 * a jsonb column and come back exact.
 *
 * Definitions:
 * - Items: a tranche's items are its funded items (weights from the plan, in hundredths) and its
 *   gating items (`gating: true`: the action-chain predecessors and any added by hand). Verified
 *   percents are integers 0..100.
 * - The gate is open when every gating item is 100% verified (an empty gate is open). No rule pays
 *   while the gate is closed: money follows the action chain.
 * - Weighted verified percent of the funded items: the exact rational Σ wᵢ·vᵢ / Σ wᵢ, never rounded
 *   for a decision. A band is reached when Σ wᵢ·vᵢ ≥ fromPercent × Σ wᵢ, so 79.99% does not reach
 *   80%. For display only, `fundedVerifiedHundredths` is that percent in hundredths rounded down.
 * - Earned (`earnedRials`), what the work has earned whatever the gate says:
 *   all_or_nothing: the whole amount while the gate is open, else 0;
 *   pro_rata: floor(amount × Σ wᵢ·vᵢ / (Σ wᵢ × 100)), exactly the amount once every funded item is at 100%;
 *   banded: floor(amount × payPercent / 100) of the highest band reached while the gate is open, else 0.
 * - Shortfall: max(0, released − earned): money out ahead of verified work after a verification
 *   (or the gate) went down. Nothing is ever clawed back; the next installment waits until earned
 *   exceeds released again.
 * - Due (`dueAt`, optional except for banded): the tranche is due once now ≥ dueAt. At that moment
 *   what the open gate has earned and not yet released pays as one last installment, whatever the
 *   pro_rata minimum; then everything not released lapses (`undisbursedRials`). With the gate closed at
 *   dueAt nothing more pays. After the lapse is recorded (`lapsed`), nothing pays until an `extend`
 *   decision gives the tranche a new dueAt.
 * - Banded pays once: at dueAt the band reached, or before it as soon as the top band (the first,
 *   highest fromPercent) is reached with the gate open. After that single payment the rest lapses at
 *   once: the tranche can pay no more, so its remainder need not wait for dueAt to be decided.
 *
 * Approvals and committee holds stay with the tranche's states (tranche.ts): these rules say what is
 * due, not who signs for it.
 */
import { MAX_RIALS, RIALS_PATTERN, sumRials } from './money';
import { OPEN_TRANCHE_STATES, type TrancheState } from './tranche';

// ---------------------------------------------------------------------------------------------------
// Rules and their validation
// ---------------------------------------------------------------------------------------------------

export const RELEASE_RULE_KINDS = ['all_or_nothing', 'pro_rata', 'banded'] as const;
export type ReleaseRuleKind = (typeof RELEASE_RULE_KINDS)[number];

export interface ReleaseBand {
  /** The band is reached when the funded items' weighted verified percent is at least this, 0..100. */
  readonly fromPercent: number;
  /** The share of the amount it pays, 0..100. */
  readonly payPercent: number;
}

/** A release rule as code uses it. */
export type ReleaseRule =
  | { readonly kind: 'all_or_nothing' }
  | { readonly kind: 'pro_rata'; readonly minInstallmentRials: bigint }
  | { readonly kind: 'banded'; readonly bands: readonly ReleaseBand[] };

/** A release rule as JSON spells it (the API, jsonb, workflow payloads): rials as decimal strings. */
export type ReleaseRuleJson =
  | { kind: 'all_or_nothing' }
  | { kind: 'pro_rata'; minInstallmentRials: string }
  | { kind: 'banded'; bands: Array<{ fromPercent: number; payPercent: number }> };

export const DEFAULT_RELEASE_RULE: ReleaseRule = { kind: 'all_or_nothing' };

/** A field of the request and why it is wrong (`releaseRule.bands[1].fromPercent`, `dueAt`…). */
export interface ReleaseRuleProblem {
  readonly field: string;
  readonly reason: string;
}

/** A release rule or due date that does not stand; `problems` name each field, for a 400 answer. */
export class InvalidReleaseRuleError extends Error {
  constructor(readonly problems: readonly ReleaseRuleProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  }
}

/** A tranche's release terms as a request spells them: both optional (the rule defaults to all_or_nothing). */
export interface ReleaseTermsRequest {
  readonly releaseRule?: unknown;
  /** An instant: ISO 8601 text, or a Date. */
  readonly dueAt?: unknown;
}

export interface ReleaseTerms {
  readonly rule: ReleaseRule;
  readonly dueAt: Date | null;
}

const RULE_KEYS: Record<ReleaseRuleKind, readonly string[]> = {
  all_or_nothing: ['kind'],
  pro_rata: ['kind', 'minInstallmentRials'],
  banded: ['kind', 'bands'],
};

/**
 * Every problem with a tranche's release terms at once, each against its field: a known kind and
 * only its own fields; pro_rata's minInstallmentRials whole rials of at least 1; banded's bands (at
 * least one) with integer percents 0..100, fromPercent strictly decreasing (so no two bands share
 * one), payPercent never more than the band above pays; a banded rule needs a dueAt; a dueAt must be
 * a valid instant and, when `now` is given, later than now.
 */
export function releaseTermsProblems(request: ReleaseTermsRequest, now?: Date): ReleaseRuleProblem[] {
  const problems: ReleaseRuleProblem[] = [];
  const rule = request.releaseRule;
  let kind: ReleaseRuleKind | null = 'all_or_nothing';

  if (rule !== undefined && rule !== null) {
    if (typeof rule !== 'object' || Array.isArray(rule)) {
      problems.push({ field: 'releaseRule', reason: 'must be an object with a kind' });
      kind = null;
    } else {
      const r = rule as Record<string, unknown>;
      if (typeof r.kind !== 'string' || !(RELEASE_RULE_KINDS as readonly string[]).includes(r.kind)) {
        problems.push({ field: 'releaseRule.kind', reason: `must be one of ${RELEASE_RULE_KINDS.join(', ')}` });
        kind = null;
      } else {
        kind = r.kind as ReleaseRuleKind;
        for (const key of Object.keys(r)) {
          if (!RULE_KEYS[kind].includes(key)) {
            problems.push({ field: `releaseRule.${key}`, reason: `is not a field of a ${kind} rule` });
          }
        }
        if (kind === 'pro_rata') problems.push(...minInstallmentProblems(r.minInstallmentRials));
        if (kind === 'banded') problems.push(...bandProblems(r.bands));
      }
    }
  }

  const dueAt = request.dueAt;
  if (dueAt === undefined || dueAt === null) {
    if (kind === 'banded') problems.push({ field: 'dueAt', reason: 'is required for a banded release rule' });
  } else {
    const at = toInstant(dueAt);
    if (at === null) problems.push({ field: 'dueAt', reason: 'must be an instant in ISO 8601' });
    else if (now && at.getTime() <= now.getTime()) problems.push({ field: 'dueAt', reason: 'must be in the future' });
  }
  return problems;
}

/** The release terms of a request, or InvalidReleaseRuleError naming every problem. */
export function parseReleaseTerms(request: ReleaseTermsRequest, now?: Date): ReleaseTerms {
  const problems = releaseTermsProblems(request, now);
  if (problems.length > 0) throw new InvalidReleaseRuleError(problems);
  const dueAt = request.dueAt === undefined || request.dueAt === null ? null : toInstant(request.dueAt);
  return { rule: ruleFromValidJson(request.releaseRule), dueAt };
}

/** A stored or received rule (JSON) as code uses it; InvalidReleaseRuleError if it does not stand. Absent: all_or_nothing. */
export function parseReleaseRule(json: unknown): ReleaseRule {
  const problems = releaseTermsProblems({ releaseRule: json }).filter((p) => p.field !== 'dueAt');
  if (problems.length > 0) throw new InvalidReleaseRuleError(problems);
  return ruleFromValidJson(json);
}

/** The rule as JSON spells it; `parseReleaseRule(releaseRuleToJson(r))` gives `r` back. */
export function releaseRuleToJson(rule: ReleaseRule): ReleaseRuleJson {
  switch (rule.kind) {
    case 'all_or_nothing':
      return { kind: 'all_or_nothing' };
    case 'pro_rata':
      return { kind: 'pro_rata', minInstallmentRials: rule.minInstallmentRials.toString(10) };
    case 'banded':
      return { kind: 'banded', bands: rule.bands.map((b) => ({ fromPercent: b.fromPercent, payPercent: b.payPercent })) };
  }
}

function ruleFromValidJson(json: unknown): ReleaseRule {
  if (json === undefined || json === null) return DEFAULT_RELEASE_RULE;
  const r = json as ReleaseRuleJson;
  switch (r.kind) {
    case 'all_or_nothing':
      return { kind: 'all_or_nothing' };
    case 'pro_rata':
      return { kind: 'pro_rata', minInstallmentRials: BigInt(r.minInstallmentRials) };
    case 'banded':
      return { kind: 'banded', bands: r.bands.map((b) => ({ fromPercent: b.fromPercent, payPercent: b.payPercent })) };
  }
}

function minInstallmentProblems(value: unknown): ReleaseRuleProblem[] {
  const field = 'releaseRule.minInstallmentRials';
  if (value === undefined) return [{ field, reason: 'is required for a pro_rata rule' }];
  if (typeof value !== 'string' || !RIALS_PATTERN.test(value)) {
    return [{ field, reason: 'must be whole rials as a decimal string' }];
  }
  const rials = BigInt(value);
  if (rials > MAX_RIALS) return [{ field, reason: 'exceeds the largest allowed amount' }];
  if (rials < 1n) return [{ field, reason: 'must be at least 1 rial' }];
  return [];
}

function bandProblems(value: unknown): ReleaseRuleProblem[] {
  if (value === undefined) return [{ field: 'releaseRule.bands', reason: 'are required for a banded rule' }];
  if (!Array.isArray(value)) return [{ field: 'releaseRule.bands', reason: 'must be a list of bands' }];
  if (value.length === 0) return [{ field: 'releaseRule.bands', reason: 'must hold at least one band' }];
  const problems: ReleaseRuleProblem[] = [];
  const isPercent = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 100;
  const seen = new Map<number, number>();
  let above: { index: number; fromPercent: number | null; payPercent: number | null } | null = null;

  value.forEach((band: unknown, i) => {
    const at = `releaseRule.bands[${i}]`;
    if (typeof band !== 'object' || band === null || Array.isArray(band)) {
      problems.push({ field: at, reason: 'must be an object with fromPercent and payPercent' });
      above = null;
      return;
    }
    const b = band as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (key !== 'fromPercent' && key !== 'payPercent') problems.push({ field: `${at}.${key}`, reason: 'is not a field of a band' });
    }
    const from = isPercent(b.fromPercent) ? b.fromPercent : null;
    const pay = isPercent(b.payPercent) ? b.payPercent : null;
    if (from === null) problems.push({ field: `${at}.fromPercent`, reason: 'must be a whole percent from 0 to 100' });
    if (pay === null) problems.push({ field: `${at}.payPercent`, reason: 'must be a whole percent from 0 to 100' });

    if (from !== null) {
      const twin = seen.get(from);
      if (twin !== undefined) {
        problems.push({ field: `${at}.fromPercent`, reason: `duplicates bands[${twin}].fromPercent (${from})` });
      } else if (above?.fromPercent != null && from > above.fromPercent) {
        problems.push({
          field: `${at}.fromPercent`,
          reason: `must be below bands[${above.index}].fromPercent (${above.fromPercent}): bands go from the highest down`,
        });
      }
      if (twin === undefined) seen.set(from, i);
    }
    if (pay !== null && above?.payPercent != null && pay > above.payPercent) {
      problems.push({
        field: `${at}.payPercent`,
        reason: `must not exceed bands[${above.index}].payPercent (${above.payPercent}): a lower band cannot pay more`,
      });
    }
    above = { index: i, fromPercent: from, payPercent: pay };
  });
  return problems;
}

function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

// ---------------------------------------------------------------------------------------------------
// Facts and invariants
// ---------------------------------------------------------------------------------------------------

/** One of a tranche's items, as the rules need it. */
export interface ReleaseItem {
  /** The plan's weight in hundredths (2500 is 25.00); only funded items' weights count. */
  readonly weight: number;
  /** 0..100, whole. */
  readonly verifiedPercent: number;
  /** A gating item (action-chain predecessor or added by hand); otherwise an item the tranche funds. */
  readonly gating?: boolean;
}

/** Everything the rules read about a tranche, as plain data (the same for the API and the workflow). */
export interface ReleaseFacts {
  /** The tranche's amount, > 0. */
  readonly amountRials: bigint;
  readonly items: readonly ReleaseItem[];
  /** The installments already released, in order. */
  readonly installmentsRials: readonly bigint[];
  readonly dueAt?: Date | null;
  /** The workflow's clock (workflow time inside Temporal). */
  readonly now: Date;
  /** The lapse was recorded (and no extension has reopened the tranche since): nothing pays any more. */
  readonly lapsed?: boolean;
}

/** Facts that no valid database row could hold (a weight of 0, a percent of 101…): a bug upstream. */
export class InvalidReleaseFactsError extends Error {}

/** An invariant of the money broken: stop rather than pay. */
export class ReleaseInvariantError extends Error {}

/**
 * Installments are each more than 0 and together never more than the amount. Throws
 * ReleaseInvariantError otherwise; returns what they sum to.
 */
export function assertInstallmentsWithin(amountRials: bigint, installmentsRials: readonly bigint[]): bigint {
  if (amountRials <= 0n) throw new ReleaseInvariantError(`a tranche amount of ${amountRials} rials is not above 0`);
  installmentsRials.forEach((x, i) => {
    if (x <= 0n) throw new ReleaseInvariantError(`installment ${i + 1} of ${x} rials is not above 0`);
  });
  const total = sumRials(installmentsRials);
  if (total > amountRials) {
    throw new ReleaseInvariantError(`installments of ${total} rials exceed the tranche amount of ${amountRials}`);
  }
  return total;
}

/** Every rial of a closed tranche is accounted for: released + undisbursed = amount. Throws ReleaseInvariantError otherwise. */
export function assertRialsConserved(amountRials: bigint, installmentsRials: readonly bigint[], undisbursedRials: bigint): void {
  const released = assertInstallmentsWithin(amountRials, installmentsRials);
  if (undisbursedRials < 0n || released + undisbursedRials !== amountRials) {
    throw new ReleaseInvariantError(
      `released ${released} and undisbursed ${undisbursedRials} rials do not make the amount of ${amountRials}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------

export type ReleaseWaitReason =
  /** A gating item is below 100% verified. */
  | 'gate_closed'
  /** pro_rata: nothing earned beyond what was released. */
  | 'nothing_new_earned'
  /** pro_rata: a verification went down after payment; released is ahead of earned. */
  | 'shortfall'
  /** pro_rata: earned − released is above 0 but below the minimum installment. */
  | 'below_minimum'
  /** banded: below the top band before dueAt; the band reached pays at dueAt. */
  | 'below_top_band';

/** What the tranche should do now. The caller pays or records the lapse, then asks again. */
export type NextInstallment =
  /** Release this installment; `final` when nothing can be paid after it. */
  | { readonly kind: 'pay'; readonly amountRials: bigint; readonly final: boolean }
  /** Nothing to pay now; something may become due later. */
  | { readonly kind: 'wait'; readonly wait: ReleaseWaitReason; readonly shortfallRials: bigint }
  /** Record the lapse of what was not released: due, or a banded tranche that paid its one payment (or none is due). */
  | { readonly kind: 'lapse'; readonly undisbursedRials: bigint }
  /** Nothing more: released in full (undisbursedRials 0), or lapsed with this much undisbursed. */
  | { readonly kind: 'done'; readonly undisbursedRials: bigint };

export interface ReleaseSummary {
  readonly gateOpen: boolean;
  /** The funded items' weighted verified percent, hundredths, rounded down (display only). */
  readonly fundedVerifiedHundredths: number;
  readonly earnedRials: bigint;
  readonly releasedRials: bigint;
  /** What would be paid now (the next installment), 0 when waiting or closed. */
  readonly payableRials: bigint;
  /** What lapses (lapsed, or lapsing once `payableRials` is paid); 0 while the tranche can still pay. */
  readonly undisbursedRials: bigint;
  /** max(0, released − earned). */
  readonly shortfallRials: bigint;
}

interface Evaluation {
  readonly gateOpen: boolean;
  readonly weightSum: bigint;
  readonly weightedSum: bigint;
  readonly earned: bigint;
  readonly released: bigint;
  readonly next: NextInstallment;
}

/** What the tranche should do now under `rule`: pay an installment, wait, record its lapse, or nothing more. */
export function nextInstallment(rule: ReleaseRule, facts: ReleaseFacts): NextInstallment {
  return evaluate(rule, facts).next;
}

/** Where the tranche stands: earned, released, payable now, undisbursed and shortfall. */
export function releaseSummary(rule: ReleaseRule, facts: ReleaseFacts): ReleaseSummary {
  const e = evaluate(rule, facts);
  const payable = e.next.kind === 'pay' ? e.next.amountRials : 0n;
  const undisbursed =
    e.next.kind === 'lapse' || e.next.kind === 'done'
      ? e.next.undisbursedRials
      : e.next.kind === 'pay' && e.next.final
        ? facts.amountRials - e.released - payable
        : 0n;
  return {
    gateOpen: e.gateOpen,
    fundedVerifiedHundredths: e.weightSum === 0n ? 0 : Number((e.weightedSum * 100n) / e.weightSum),
    earnedRials: e.earned,
    releasedRials: e.released,
    payableRials: payable,
    undisbursedRials: undisbursed,
    shortfallRials: max0(e.released - e.earned),
  };
}

/**
 * The band a weighted verified percent Σ w·v / Σ w reaches: the first (highest) whose fromPercent it
 * is at least, compared exactly; null below the lowest band.
 */
export function reachedBand(bands: readonly ReleaseBand[], weightedSum: bigint, weightSum: bigint): ReleaseBand | null {
  return bands.find((b) => weightedSum >= BigInt(b.fromPercent) * weightSum) ?? null;
}

function evaluate(rule: ReleaseRule, facts: ReleaseFacts): Evaluation {
  const amount = facts.amountRials;
  const released = assertInstallmentsWithin(amount, facts.installmentsRials);
  const count = facts.installmentsRials.length;
  if ((rule.kind === 'banded' || rule.kind === 'all_or_nothing') && count > 1) {
    throw new ReleaseInvariantError(`a ${rule.kind} tranche pays once, yet has ${count} installments`);
  }
  if (rule.kind === 'all_or_nothing' && count === 1 && released !== amount) {
    throw new ReleaseInvariantError(`an all_or_nothing tranche paid ${released} rials of ${amount}`);
  }

  let gateOpen = true;
  let weightSum = 0n;
  let weightedSum = 0n;
  let allFundedDone = true;
  facts.items.forEach((item, i) => {
    if (!Number.isInteger(item.verifiedPercent) || item.verifiedPercent < 0 || item.verifiedPercent > 100) {
      throw new InvalidReleaseFactsError(`items[${i}].verifiedPercent ${item.verifiedPercent} is not a whole percent 0..100`);
    }
    if (item.gating) {
      if (item.verifiedPercent < 100) gateOpen = false;
      return;
    }
    if (!Number.isSafeInteger(item.weight) || item.weight <= 0) {
      throw new InvalidReleaseFactsError(`items[${i}].weight ${item.weight} is not a whole number of hundredths above 0`);
    }
    weightSum += BigInt(item.weight);
    weightedSum += BigInt(item.weight) * BigInt(item.verifiedPercent);
    if (item.verifiedPercent < 100) allFundedDone = false;
  });
  if (rule.kind !== 'all_or_nothing' && weightSum === 0n) {
    throw new InvalidReleaseFactsError(`a ${rule.kind} tranche needs at least one funded item`);
  }

  let earned: bigint;
  let band: ReleaseBand | null = null;
  switch (rule.kind) {
    case 'all_or_nothing':
      earned = gateOpen ? amount : 0n;
      break;
    case 'pro_rata':
      earned = (amount * weightedSum) / (weightSum * 100n);
      break;
    case 'banded':
      band = gateOpen ? reachedBand(rule.bands, weightedSum, weightSum) : null;
      earned = band ? (amount * BigInt(band.payPercent)) / 100n : 0n;
      break;
  }

  const result = (next: NextInstallment): Evaluation => ({ gateOpen, weightSum, weightedSum, earned, released, next });
  const left = amount - released;
  const shortfall = max0(released - earned);

  if (left === 0n) return result({ kind: 'done', undisbursedRials: 0n });
  if (facts.lapsed) return result({ kind: 'done', undisbursedRials: left });
  // A banded tranche pays once: after its payment, the rest lapses at once.
  if (rule.kind === 'banded' && count === 1) return result({ kind: 'lapse', undisbursedRials: left });

  const due = facts.dueAt != null && facts.now.getTime() >= facts.dueAt.getTime();
  if (due) {
    // One last installment of what the open gate has earned, whatever the minimum; then the rest lapses.
    const owed = gateOpen ? earned - released : 0n;
    return result(owed > 0n ? { kind: 'pay', amountRials: owed, final: true } : { kind: 'lapse', undisbursedRials: left });
  }

  if (!gateOpen) return result({ kind: 'wait', wait: 'gate_closed', shortfallRials: shortfall });
  switch (rule.kind) {
    case 'all_or_nothing':
      return result({ kind: 'pay', amountRials: left, final: true });
    case 'pro_rata': {
      const owed = earned - released;
      if (allFundedDone) return result({ kind: 'pay', amountRials: left, final: true }); // earned = amount: the exact remainder
      if (owed < 0n) return result({ kind: 'wait', wait: 'shortfall', shortfallRials: shortfall });
      if (owed === 0n) return result({ kind: 'wait', wait: 'nothing_new_earned', shortfallRials: 0n });
      if (owed < rule.minInstallmentRials) return result({ kind: 'wait', wait: 'below_minimum', shortfallRials: 0n });
      return result({ kind: 'pay', amountRials: owed, final: false });
    }
    case 'banded': {
      if (band !== rule.bands[0]) return result({ kind: 'wait', wait: 'below_top_band', shortfallRials: 0n });
      // The top band reached before dueAt pays at once; a payment of 0 rials is none, and the amount lapses.
      return result(earned > 0n ? { kind: 'pay', amountRials: earned, final: true } : { kind: 'lapse', undisbursedRials: left });
    }
  }
}

function max0(x: bigint): bigint {
  return x > 0n ? x : 0n;
}

// ---------------------------------------------------------------------------------------------------
// The remainder of a lapsed tranche
// ---------------------------------------------------------------------------------------------------

export const REMAINDER_DECISIONS = ['carry_forward', 'return_to_budget', 'extend'] as const;
export type RemainderDecisionKind = (typeof REMAINDER_DECISIONS)[number];

export type RemainderDecision =
  /** Into another open tranche of the same project: its amount grows by the remainder. */
  | { readonly kind: 'carry_forward'; readonly targetTrancheId: string }
  /** The project's uncommitted budget grows by the remainder. */
  | { readonly kind: 'return_to_budget' }
  /** The tranche reopens until a new dueAt, later than now. */
  | { readonly kind: 'extend'; readonly dueAt: Date };

export interface LapsedTrancheFacts {
  readonly id: string;
  readonly projectId: string;
  readonly ruleKind: ReleaseRuleKind;
  readonly amountRials: bigint;
  readonly installmentsRials: readonly bigint[];
  /** The lapse is recorded and its remainder not yet decided. */
  readonly lapsed: boolean;
}

/** The tranche a carry_forward names, as the database has it (null: no such tranche). */
export interface TargetTrancheFacts {
  readonly id: string;
  readonly projectId: string;
  readonly state: TrancheState;
  readonly amountRials: bigint;
  /** Σ of the budgets of the items it funds: its amount may not exceed them. */
  readonly fundedBudgetRials: bigint;
  readonly dueAt: Date | null;
  readonly lapsed: boolean;
}

export interface ProjectBudgetFacts {
  readonly budgetRials: bigint;
  /** What the project's tranches commit (budget.ts committedRials), the lapsed tranche's remainder included. */
  readonly committedRials: bigint;
}

export interface RemainderFacts {
  readonly lapsed: LapsedTrancheFacts;
  readonly target: TargetTrancheFacts | null;
  readonly project: ProjectBudgetFacts;
  readonly now: Date;
}

export type RemainderEffects =
  | {
      readonly kind: 'carry_forward';
      readonly trancheId: string;
      readonly remainderRials: bigint;
      readonly targetTrancheId: string;
      /** The target's amount after it grows by the remainder (its allocations are to be recomputed). */
      readonly targetAmountRials: bigint;
      /** Unchanged: the remainder moves from one tranche to another. */
      readonly committedRials: bigint;
    }
  | {
      readonly kind: 'return_to_budget';
      readonly trancheId: string;
      readonly remainderRials: bigint;
      /** What the project's tranches commit once the remainder is returned. */
      readonly committedRials: bigint;
      readonly uncommittedRials: bigint;
    }
  | { readonly kind: 'extend'; readonly trancheId: string; readonly dueAt: Date };

export type RemainderRefusalCode =
  | 'not_lapsed'
  | 'nothing_to_decide'
  | 'target_not_found'
  | 'target_is_self'
  | 'target_other_project'
  | 'target_not_open'
  | 'target_lapsing'
  | 'over_item_budgets'
  | 'over_project_budget'
  | 'due_not_later'
  | 'pays_no_more';

export interface RemainderRefusal {
  readonly code: RemainderRefusalCode;
  /** The request field at fault, for a 400 answer (absent when the tranche itself is the reason). */
  readonly field?: 'kind' | 'targetTrancheId' | 'dueAt';
  readonly message: string;
}

/** A tranche may receive a carried remainder while open and not yet approved (an approval is for an amount). */
export const CARRY_TARGET_STATES: readonly TrancheState[] = OPEN_TRANCHE_STATES.filter((s) => s !== 'approved');

/** The effects of deciding a lapsed tranche's remainder, or why the decision may not stand. */
export function decideRemainder(
  decision: RemainderDecision,
  facts: RemainderFacts,
): { readonly ok: true; readonly effects: RemainderEffects } | { readonly ok: false; readonly refusal: RemainderRefusal } {
  const refuse = (code: RemainderRefusalCode, message: string, field?: RemainderRefusal['field']) =>
    ({ ok: false, refusal: field ? { code, field, message } : { code, message } }) as const;
  const { lapsed, target, project, now } = facts;
  const remainder = lapsed.amountRials - assertInstallmentsWithin(lapsed.amountRials, lapsed.installmentsRials);

  if (!lapsed.lapsed) return refuse('not_lapsed', 'the tranche has not lapsed, or its remainder was already decided');
  if (remainder === 0n) return refuse('nothing_to_decide', 'the tranche was released in full; nothing remains');

  switch (decision.kind) {
    case 'extend': {
      if (lapsed.ruleKind === 'banded' && lapsed.installmentsRials.length > 0) {
        return refuse('pays_no_more', 'a banded tranche pays once and has paid; carry its remainder forward or return it', 'kind');
      }
      if (decision.dueAt.getTime() <= now.getTime()) return refuse('due_not_later', 'must be later than now', 'dueAt');
      return { ok: true, effects: { kind: 'extend', trancheId: lapsed.id, dueAt: decision.dueAt } };
    }
    case 'return_to_budget': {
      const committed = project.committedRials - remainder;
      if (committed < 0n) throw new ReleaseInvariantError(`the project commits ${project.committedRials} rials, less than the remainder ${remainder}`);
      return {
        ok: true,
        effects: {
          kind: 'return_to_budget',
          trancheId: lapsed.id,
          remainderRials: remainder,
          committedRials: committed,
          uncommittedRials: project.budgetRials - committed,
        },
      };
    }
    case 'carry_forward': {
      const field = 'targetTrancheId';
      if (decision.targetTrancheId === lapsed.id) return refuse('target_is_self', 'a tranche cannot carry its remainder into itself', field);
      if (!target || target.id !== decision.targetTrancheId) return refuse('target_not_found', `no tranche ${decision.targetTrancheId}`, field);
      if (target.projectId !== lapsed.projectId) return refuse('target_other_project', 'the tranche belongs to another project', field);
      if (!CARRY_TARGET_STATES.includes(target.state)) {
        return refuse('target_not_open', `the tranche is ${target.state.replace(/_/g, ' ')}; only a tranche not yet approved can grow`, field);
      }
      if (target.lapsed || (target.dueAt && target.dueAt.getTime() <= now.getTime())) {
        return refuse('target_lapsing', 'the tranche is past its due date; the remainder would lapse again', field);
      }
      const grown = target.amountRials + remainder;
      if (grown > target.fundedBudgetRials) {
        return refuse(
          'over_item_budgets',
          `${grown} rials is more than the budgets of the items the tranche funds (${target.fundedBudgetRials} rials)`,
          field,
        );
      }
      if (project.committedRials > project.budgetRials) {
        return refuse('over_project_budget', `the project's tranches would commit ${project.committedRials} rials, more than its budget of ${project.budgetRials}`, field);
      }
      return {
        ok: true,
        effects: {
          kind: 'carry_forward',
          trancheId: lapsed.id,
          remainderRials: remainder,
          targetTrancheId: target.id,
          targetAmountRials: grown,
          committedRials: project.committedRials,
        },
      };
    }
  }
}
