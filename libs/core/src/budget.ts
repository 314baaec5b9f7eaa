/**
 * The budget cap: a project's tranches (all but rejected ones) may never commit more than its budget,
 * and a funded budget may not fall below what they already commit. Integer rials throughout.
 */

/**
 * What a project's tranches commit of its budget: each its amount less what its lapsed remainder gave up
 * (carried into another tranche or returned), a rejected one only what it had released before.
 */
export function committedRials(
  tranches: ReadonlyArray<{ amountRials: bigint; state: string; releasedRials?: bigint; givenUpRials?: bigint }>,
): bigint {
  let total = 0n;
  for (const t of tranches) total += t.state === 'rejected' ? (t.releasedRials ?? 0n) : t.amountRials - (t.givenUpRials ?? 0n);
  return total;
}

/** Why a new tranche of `amount` would break the cap, or null when it fits. */
export function budgetCapRefusal(budget: bigint, committed: bigint, amount: bigint): string | null {
  if (committed + amount > budget) {
    return `the project's tranches would fund ${committed + amount} rials, more than its budget of ${budget}`;
  }
  return null;
}

/** Why the budget may not become `budget`, or null when it may. */
export function budgetChangeRefusal(budget: bigint, committed: bigint): string | null {
  if (budget < committed) return `the project's tranches already commit ${committed} rials; the budget cannot be lower`;
  return null;
}
