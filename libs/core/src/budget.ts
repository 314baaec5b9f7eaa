/**
 * The budget cap: a project's tranches (all but rejected ones) may never commit more than its budget,
 * and a funded budget may not fall below what they already commit. Integer rials throughout.
 */

/** Sum of the amounts of a project's tranches that still count against its budget. */
export function committedRials(tranches: ReadonlyArray<{ amountRials: bigint; state: string }>): bigint {
  let total = 0n;
  for (const t of tranches) if (t.state !== 'rejected') total += t.amountRials;
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
