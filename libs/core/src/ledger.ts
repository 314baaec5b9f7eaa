/**
 * Double entry for money released: each release debits the PBO treasury by the whole amount and
 * credits every receiving agency its share, so the ledger always balances. Integer rials throughout.
 */
import { allocateProportionally, sumRials } from './money';

/** One side of a release: `organizationId` null is the treasury; a negative amount debits, a positive one credits. */
export interface ReleasePosting {
  readonly organizationId: string | null;
  readonly amountRials: bigint;
}

/**
 * The postings of releasing `amountRials` to `credits`: the treasury's debit first, then each
 * non-zero credit in the order given. Throws when the credits do not add up to the amount (the
 * allocation fixed at the tranche's creation must match what is released).
 */
export function releasePostings(
  amountRials: bigint,
  credits: ReadonlyArray<{ organizationId: string; amountRials: bigint }>,
): ReleasePosting[] {
  if (sumRials(credits.map((c) => c.amountRials)) !== amountRials) {
    throw new Error(`credits of ${sumRials(credits.map((c) => c.amountRials))} rials do not add up to the released ${amountRials}`);
  }
  return [
    { organizationId: null, amountRials: -amountRials },
    ...credits.filter((c) => c.amountRials !== 0n).map((c) => ({ organizationId: c.organizationId, amountRials: c.amountRials })),
  ];
}

/** A signed amount as the debit and credit columns of a posting (one of them is 0). */
export function debitAndCredit(amountRials: bigint): { debitRials: bigint; creditRials: bigint } {
  return { debitRials: amountRials < 0n ? -amountRials : 0n, creditRials: amountRials > 0n ? amountRials : 0n };
}

/**
 * Who receives how much of one installment: shares in proportion to what each agency is still owed by
 * the tranche (its allocation, carried-in shares included, less what it was credited before), so no
 * agency is credited past its allocation and the installment that pays the tranche's last rial pays
 * each agency exactly what it is still owed. Throws when the installment exceeds what is still owed.
 */
export function installmentCredits(
  installmentRials: bigint,
  owed: ReadonlyArray<{ organizationId: string; amountRials: bigint }>,
): Array<{ organizationId: string; amountRials: bigint }> {
  const left = sumRials(owed.map((o) => o.amountRials));
  if (installmentRials <= 0n || installmentRials > left) {
    throw new Error(`an installment of ${installmentRials} rials does not fit the ${left} rials still owed`);
  }
  const shares = allocateProportionally(installmentRials, owed.map((o) => o.amountRials));
  return owed.map((o, i) => ({ organizationId: o.organizationId, amountRials: shares[i] }));
}
