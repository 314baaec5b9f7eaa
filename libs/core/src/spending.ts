/**
 * Spending reports: an agency reports what it spent of a tranche's release to it, never more than it
 * received from that tranche. Integer rials throughout.
 */

export type SpendingRefusal =
  | { reason: 'not_recipient'; message: string }
  | { reason: 'more_than_left'; message: string; leftRials: bigint };

/** Why `amount` more may not be reported spent from `received` of which `spent` is already reported, or null. */
export function spendingRefusal(received: bigint, spent: bigint, amount: bigint): SpendingRefusal | null {
  if (received === 0n) return { reason: 'not_recipient', message: 'your agency received nothing from this tranche' };
  const left = received - spent;
  if (amount > left) {
    return {
      reason: 'more_than_left',
      message: `only ${left} rials of this tranche's release to your agency are not yet reported spent`,
      leftRials: left,
    };
  }
  return null;
}

/** Money released to an agency, what it reported spent, and the difference. */
export function releasedNotSpent(released: bigint, spent: bigint) {
  return { releasedRials: released, reportedSpentRials: spent, releasedNotSpentRials: released - spent };
}
