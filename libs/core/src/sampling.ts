/**
 * The published, risk-based sample of field checks (issue 13). Nobody can steer it: the seed is fixed
 * in public before the sample is drawn, and the selection is a pure function of the seed, each
 * declaration's id and its probability, which anyone can recompute from the published JSON:
 *
 *   draw(i) = the first 8 bytes of SHA-256(seed + ":" + declaration id), an unsigned big-endian integer
 *   u(i)    = draw(i) / 2^64
 *   p(i)    = 1 when the item funds or gates an open tranche of at least `alwaysAboveRials`,
 *             else min(1, baseRate × (1 + the agency's field-check discrepancies in the previous 12 months))
 *   selected when u(i) < p(i)
 *
 * Rates are held in millionths (ppm), so the comparison is exact integer arithmetic:
 * u < p  ⇔  draw × 10^6 < ppm × 2^64. Kept out of the core's index: it hashes with node:crypto, and the
 * index is also the web app's (import it as '@pelekan/core/sampling').
 */
import { createHash } from 'node:crypto';

export const PPM = 1_000_000;
const TWO_TO_64 = 1n << 64n;

/** Why a declaration's probability is what it is. */
export const SAMPLE_BASES = ['tranche_at_or_above', 'agency_risk'] as const;
export type SampleBasis = (typeof SAMPLE_BASES)[number];

/** The first 8 bytes of SHA-256(seed:declarationId), as an unsigned big-endian 64-bit integer. */
export function sampleDraw(seed: string, declarationId: string): bigint {
  return createHash('sha256').update(`${seed}:${declarationId}`, 'utf8').digest().readBigUInt64BE(0);
}

/** u = draw / 2^64, as a number for reading (the selection compares exactly: `isSelected`). */
export function drawFraction(draw: bigint): number {
  return Number(draw) / Number(TWO_TO_64);
}

/** u < p, exactly: draw × 10^6 < ppm × 2^64. */
export function isSelected(draw: bigint, probabilityPpm: number): boolean {
  return draw * BigInt(PPM) < BigInt(probabilityPpm) * TWO_TO_64;
}

/** A rate in [0, 1] with at most six decimals, in millionths; null if it is not one. */
export function rateToPpm(rate: number): number | null {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) return null;
  const ppm = Math.round(rate * PPM);
  return Math.abs(ppm / PPM - rate) < 1e-12 ? ppm : null;
}

/** Millionths as an exact decimal text ("0.25", "1", "0.000001"). */
export function ppmText(ppm: number): string {
  if (ppm === PPM) return '1';
  if (ppm === 0) return '0';
  return `0.${String(ppm).padStart(6, '0').replace(/0+$/, '')}`;
}

export interface SampleParameters {
  readonly baseRatePpm: number;
  /** Rials (integer). */
  readonly alwaysAboveRials: bigint;
}

/** A declaration of the population, as the rules need it. */
export interface SampleCandidate {
  readonly declarationId: string;
  /** The largest open tranche its item funds or gates (rials), or null if none. */
  readonly largestOpenTrancheRials: bigint | null;
  /** Its agency's field-check discrepancies in the 12 months before the sample opened. */
  readonly agencyDiscrepancies: number;
}

export interface SampleProbability {
  readonly probabilityPpm: number;
  readonly basis: SampleBasis;
}

/** p(i): certain for an item behind a large open tranche; otherwise the base rate, raised by the agency's record. */
export function selectionProbability(candidate: SampleCandidate, parameters: SampleParameters): SampleProbability {
  const tranche = candidate.largestOpenTrancheRials;
  if (tranche !== null && tranche >= parameters.alwaysAboveRials) return { probabilityPpm: PPM, basis: 'tranche_at_or_above' };
  return { probabilityPpm: Math.min(PPM, parameters.baseRatePpm * (1 + candidate.agencyDiscrepancies)), basis: 'agency_risk' };
}

export interface SampleDraw extends SampleProbability {
  readonly declarationId: string;
  readonly draw: bigint;
  readonly agencyDiscrepancies: number;
  readonly selected: boolean;
}

/** The whole selection over a population, in the order given. */
export function drawSample(seed: string, population: readonly SampleCandidate[], parameters: SampleParameters): SampleDraw[] {
  return population.map((candidate) => {
    const probability = selectionProbability(candidate, parameters);
    const draw = sampleDraw(seed, candidate.declarationId);
    return {
      declarationId: candidate.declarationId,
      draw,
      agencyDiscrepancies: candidate.agencyDiscrepancies,
      ...probability,
      selected: isSelected(draw, probability.probabilityPpm),
    };
  });
}

/** A sample as published (GET /api/public/verification-samples/:id), the part a recomputation reads. */
export interface PublishedSample {
  readonly seed: string;
  readonly baseRate: string;
  readonly draws: ReadonlyArray<{
    readonly declarationId: string;
    readonly draw: string;
    readonly p: string;
    readonly basis: SampleBasis;
    readonly agencyDiscrepancies: number;
    readonly selected: boolean;
  }>;
}

/**
 * Recomputes a published sample from its seed and ids alone: each draw, each p from its basis and the
 * agency's published record, and each selection. Returns what disagrees (empty: the sample is as published).
 */
export function recomputeSample(sample: PublishedSample): string[] {
  const problems: string[] = [];
  const baseRatePpm = rateToPpm(Number(sample.baseRate));
  if (baseRatePpm === null) return [`baseRate ${sample.baseRate} is not a rate with at most six decimals`];
  for (const published of sample.draws) {
    const id = published.declarationId;
    const draw = sampleDraw(sample.seed, id);
    if (String(draw) !== published.draw) problems.push(`${id}: draw is ${draw}, published ${published.draw}`);
    const ppm = published.basis === 'tranche_at_or_above' ? PPM : Math.min(PPM, baseRatePpm * (1 + published.agencyDiscrepancies));
    if (ppmText(ppm) !== published.p) problems.push(`${id}: p is ${ppmText(ppm)}, published ${published.p}`);
    const selected = isSelected(draw, ppm);
    if (selected !== published.selected) problems.push(`${id}: selected is ${selected}, published ${published.selected}`);
  }
  return problems;
}
