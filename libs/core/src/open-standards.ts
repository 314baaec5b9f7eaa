/**
 * What the open-standards exports (OC4IDS, IATI) read about one public project, and the rules both
 * share: a tranche's milestone status, the project's phase, amounts as JSON numbers, dates. Pure and
 * browser-safe; the mappings are oc4ids.ts and iati.ts (import them as '@pelekan/core/oc4ids' and
 * '@pelekan/core/iati').
 */
import { FULL_WEIGHT, hundredthsToNumber, progressFromSums } from './progress';
import { tehranWallClock } from './jalali';

/** The Plan and Budget Organization: funder and payer of every project (not an organization row). */
export const PBO_PARTY = { id: 'pbo', nameFa: 'سازمان برنامه و بودجه کشور', nameEn: 'Plan and Budget Organization' } as const;

export interface OpenOrganization {
  code: string;
  nameFa: string;
  nameEn: string;
}

export interface OpenTranche {
  id: string;
  number: number;
  amountRials: string;
  /** A Pelekan tranche state (tranche.ts). */
  state: string;
  dueAt: Date | null;
}

/** One ledger entry (an installment of a tranche), with what each agency was credited. */
export interface OpenLedgerEntry {
  id: string;
  trancheId: string;
  installment: number;
  amountRials: string;
  at: Date;
  payees: Array<OpenOrganization & { amountRials: string }>;
}

/** A plan baseline's money and span: the sum of its items' budgets. */
export interface OpenBaseline {
  number: number;
  budgetRials: string;
  start: Date | null;
  end: Date | null;
}

export interface OpenProjectFacts {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioCode: string;
  /** The project's budget; null when not set. */
  budgetRials: string | null;
  createdAt: Date;
  agencies: Array<OpenOrganization & { role: 'lead' | 'co_lead' | 'collaborating' }>;
  /** The current plan's span (null without items). */
  plannedStart: Date | null;
  plannedEnd: Date | null;
  /** Σ weight (hundredths) of the current items, and Σ weight · percent (verified, declared, planned now). */
  weightSum: number;
  verifiedWeighted: number;
  declaredWeighted: number;
  plannedWeighted: number;
  /** The agency's own progress figure in the report, when the plan carries no declarations. */
  reportedPercent: number | null;
  tranches: OpenTranche[];
  entries: OpenLedgerEntry[];
  /** The plan as first filed (baseline 1) and, after an approved revision, the current baseline. */
  originalBaseline: OpenBaseline | null;
  revisedBaseline: OpenBaseline | null;
}

export type MilestoneStatus = 'scheduled' | 'met' | 'partiallyMet' | 'notMet';

/** Tranche states whose unpaid money will not be paid by this tranche any more. */
const GIVEN_UP_STATES = ['lapsed', 'closed', 'rejected'];

/**
 * The OC4IDS status of a tranche's milestone, by the money its ledger entries paid: `met` when they
 * paid its whole amount, `partiallyMet` when they paid a part (a pro-rata tranche paid in part, whether
 * still open or with its remainder lapsed), `notMet` when nothing was paid and nothing will be (lapsed,
 * closed or rejected), `scheduled` otherwise.
 */
export function milestoneStatus(tranche: Pick<OpenTranche, 'amountRials' | 'state'>, paidRials: bigint): MilestoneStatus {
  const amount = BigInt(tranche.amountRials);
  if (paidRials > amount) throw new RangeError(`a tranche of ${amount} rials paid ${paidRials}`);
  if (paidRials === amount) return 'met';
  if (paidRials > 0n) return 'partiallyMet';
  return GIVEN_UP_STATES.includes(tranche.state) ? 'notMet' : 'scheduled';
}

/** Largest rial amount a JSON number holds exactly (2^53 − 1): about 900 trillion toman. */
export const MAX_EXACT_JSON_RIALS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Rials as a JSON number (OC4IDS wants a number): a plain number up to 2^53 − 1, a bigint beyond, which
 * `exactJson` writes as its exact digits. JSON numbers have no precision limit; a reader that parses into
 * doubles rounds such an amount, but the published text is right (a national budget exceeds 2^53 rials).
 */
export function rialsAsJsonNumber(rials: string | bigint): number | bigint {
  const value = typeof rials === 'bigint' ? rials : BigInt(rials);
  return value > MAX_EXACT_JSON_RIALS || value < -MAX_EXACT_JSON_RIALS ? value : Number(value);
}

// A NUL cannot be in a PostgreSQL text, so no published string can pose as the mark.
const BIGINT_MARK = '\u0000exact:';

/** JSON.stringify that writes bigints as exact JSON numbers (digits, no quotes). */
export function exactJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v));
  return text.replace(/"\\u0000exact:(-?\d+)"/g, '$1');
}

/** The project's phase: no plan yet, being implemented, or all its work verified done. */
export type ProjectPhase = 'preparation' | 'implementation' | 'completion';

export function projectPhase(p: Pick<OpenProjectFacts, 'weightSum' | 'verifiedWeighted'>): ProjectPhase {
  if (p.weightSum === 0) return 'preparation';
  return progressFromSums({ weightSum: p.weightSum, weightedSum: p.verifiedWeighted }) >= FULL_WEIGHT ? 'completion' : 'implementation';
}

/** Progress as a percent with two decimals, or null without a plan. */
export function percentOf(weightSum: number, weighted: number): number | null {
  if (weightSum === 0) return null;
  return hundredthsToNumber(progressFromSums({ weightSum, weightedSum: weighted }));
}

/** What the ledger paid per tranche. */
export function paidByTranche(entries: readonly OpenLedgerEntry[]): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  for (const e of entries) paid.set(e.trancheId, (paid.get(e.trancheId) ?? 0n) + BigInt(e.amountRials));
  return paid;
}

/** The calendar date (YYYY-MM-DD) an instant falls on in Tehran. */
export function tehranIsoDate(instant: Date): string {
  const w = tehranWallClock(instant);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
