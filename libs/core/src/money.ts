/**
 * Money is integer rials. In the API it travels as a decimal string, in code as `bigint`,
 * in PostgreSQL as `numeric(20,0)`. Never a floating-point number.
 */

/** A non-negative whole number of rials in ASCII digits, no leading zeros, at most 19 digits. */
export const RIALS_PATTERN = /^(0|[1-9][0-9]{0,18})$/;

/** The largest amount any single figure may carry: fits numeric(20,0) with room for sums. */
export const MAX_RIALS = 10n ** 19n - 1n;

export class InvalidRialsError extends Error {}

export function parseRials(text: string): bigint {
  if (typeof text !== 'string' || !RIALS_PATTERN.test(text)) {
    throw new InvalidRialsError(`"${text}" is not a whole, non-negative number of rials`);
  }
  const value = BigInt(text);
  if (value > MAX_RIALS) throw new InvalidRialsError(`"${text}" exceeds the largest allowed amount`);
  return value;
}

export function rialsToString(value: bigint): string {
  return value.toString(10);
}

export function sumRials(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/**
 * Splits `total` into parts proportional to `weights`, exactly: the parts sum to `total`.
 * Largest-remainder rule; ties go to the earlier weight so the result is deterministic.
 * With all-zero weights the whole amount goes to the first part.
 */
export function allocateProportionally(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new Error('allocateProportionally needs at least one weight');
  if (total < 0n) throw new Error('cannot allocate a negative amount');
  if (weights.some((w) => w < 0n)) throw new Error('weights must be non-negative');
  const weightSum = sumRials(weights);
  if (weightSum === 0n) return weights.map((_, i) => (i === 0 ? total : 0n));
  const parts = weights.map((w) => (total * w) / weightSum);
  let left = total - sumRials(parts);
  const byRemainder = weights
    .map((w, i) => ({ i, remainder: (total * w) % weightSum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts;
}
