/**
 * Progress roll-ups. Item percents are whole numbers 0..100. Weights are kept as integer
 * hundredths (12.5 → 1250) so "the weights sum to 100" is an exact check. Roll-up results are
 * integer hundredths of a percent (6250 → 62.50%), rounded half up.
 */

export const FULL_WEIGHT = 10_000; // 100.00 in hundredths

export class InvalidWeightError extends Error {}

/** Converts a weight given with at most two decimals (e.g. 12.5) to hundredths (1250). */
export function weightToHundredths(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0 || weight > 100) {
    throw new InvalidWeightError(`weight ${weight} must be above 0 and at most 100`);
  }
  const hundredths = Math.round(weight * 100);
  if (Math.abs(hundredths - weight * 100) > 1e-6) {
    throw new InvalidWeightError(`weight ${weight} has more than two decimals`);
  }
  return hundredths;
}

export function hundredthsToNumber(hundredths: number): number {
  return hundredths / 100;
}

/** "62.50" from 6250. */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export interface WeightedPercent {
  readonly weight: number; // hundredths
  readonly percent: number; // 0..100
}

/**
 * What a weighted roll-up needs, as sums a database can add up: Σ weight (hundredths) and
 * Σ weight·percent. Integers, exact.
 */
export interface ProgressSums {
  readonly weightSum: number;
  readonly weightedSum: number;
}

export function progressSums(items: readonly WeightedPercent[]): ProgressSums {
  let weightSum = 0;
  let weightedSum = 0;
  for (const i of items) {
    weightSum += i.weight;
    weightedSum += i.weight * i.percent;
  }
  return { weightSum, weightedSum };
}

/**
 * Σ weight·percent / Σ weight, in hundredths of a percent, rounded half up. Divides by the sum of
 * the weights, not by 100.00: a plan whose weights do not (yet) add up to 100 still reads 0..100%.
 * Zero total weight gives 0.
 */
export function progressFromSums({ weightSum, weightedSum }: ProgressSums): number {
  if (weightSum === 0) return 0;
  return divideRoundHalfUp(weightedSum * 100, weightSum);
}

/** Σ weight·percent / Σ weight, in hundredths of a percent. Zero total weight gives 0. */
export function weightedProgress(items: readonly WeightedPercent[]): number {
  return progressFromSums(progressSums(items));
}

/** Σ weight·percent / 100.00: an agency's contribution to its project's progress, in hundredths. */
export function contributionToProject(items: readonly WeightedPercent[]): number {
  let weighted = 0;
  for (const i of items) weighted += i.weight * i.percent;
  return divideRoundHalfUp(weighted * 100, FULL_WEIGHT);
}

export interface ScheduledItem {
  readonly weight: number; // hundredths
  readonly plannedStart: Date;
  readonly plannedEnd: Date;
}

/** How much of one item should be done at `at` by its schedule, linear between start and end, 0..1. */
export function plannedFraction(item: Pick<ScheduledItem, 'plannedStart' | 'plannedEnd'>, at: Date): number {
  const start = item.plannedStart.getTime();
  const end = item.plannedEnd.getTime();
  const t = at.getTime();
  if (t <= start) return 0;
  if (t >= end) return 1;
  return (t - start) / (end - start);
}

/** Planned progress of a set of items at `at`, in hundredths of a percent. */
export function plannedProgress(items: readonly ScheduledItem[], at: Date): number {
  let weightSum = 0;
  let weighted = 0;
  for (const i of items) {
    weightSum += i.weight;
    weighted += i.weight * plannedFraction(i, at);
  }
  if (weightSum === 0) return 0;
  return Math.round((weighted * 10_000) / weightSum);
}

export interface AgencyItem {
  readonly agencyId: string;
  readonly weight: number;
  readonly verifiedPercent: number;
  readonly declaredPercent: number;
}

export interface AgencyRollUp {
  readonly agencyId: string;
  /** The agency's share of the project, hundredths of a percent of weight. */
  readonly weight: number;
  /** Progress of the agency's own items, hundredths of a percent. */
  readonly verified: number;
  readonly declared: number;
  /** What the agency's verified work adds to the project's verified progress, hundredths. */
  readonly verifiedContribution: number;
}

/** Per-agency roll-up (finding 3: one agency's delay must not be blamed on another). */
export function progressByAgency(items: readonly AgencyItem[]): AgencyRollUp[] {
  const groups = new Map<string, AgencyItem[]>();
  for (const i of items) {
    if (!groups.has(i.agencyId)) groups.set(i.agencyId, []);
    groups.get(i.agencyId)!.push(i);
  }
  return [...groups.entries()].map(([agencyId, own]) => ({
    agencyId,
    weight: own.reduce((s, i) => s + i.weight, 0),
    verified: weightedProgress(own.map((i) => ({ weight: i.weight, percent: i.verifiedPercent }))),
    declared: weightedProgress(own.map((i) => ({ weight: i.weight, percent: i.declaredPercent }))),
    verifiedContribution: contributionToProject(own.map((i) => ({ weight: i.weight, percent: i.verifiedPercent }))),
  }));
}

function divideRoundHalfUp(numerator: number, denominator: number): number {
  // Inputs are integers well below 2^53 (weights ≤ 10 000, percents ≤ 100, ×100).
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}
