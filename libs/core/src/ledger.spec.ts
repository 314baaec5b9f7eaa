import { debitAndCredit, installmentCredits, releasePostings } from './ledger';

describe('double entry of a release', () => {
  it('debits the treasury the whole amount and credits each agency its share', () => {
    expect(
      releasePostings(100n, [
        { organizationId: 'a', amountRials: 70n },
        { organizationId: 'b', amountRials: 30n },
      ]),
    ).toEqual([
      { organizationId: null, amountRials: -100n },
      { organizationId: 'a', amountRials: 70n },
      { organizationId: 'b', amountRials: 30n },
    ]);
  });

  it('posts nothing for an agency whose share is 0', () => {
    expect(releasePostings(5n, [{ organizationId: 'a', amountRials: 0n }, { organizationId: 'b', amountRials: 5n }])).toHaveLength(2);
  });

  it('refuses credits that do not add up to the amount', () => {
    expect(() => releasePostings(100n, [{ organizationId: 'a', amountRials: 99n }])).toThrow(/do not add up/);
  });

  it('splits a signed amount into debit and credit', () => {
    expect(debitAndCredit(-7n)).toEqual({ debitRials: 7n, creditRials: 0n });
    expect(debitAndCredit(7n)).toEqual({ debitRials: 0n, creditRials: 7n });
  });
});

describe('credits of an installment', () => {
  const owed = [
    { organizationId: 'a', amountRials: 334n },
    { organizationId: 'b', amountRials: 666n },
  ];

  it('shares it by what each agency is still owed, exactly', () => {
    expect(installmentCredits(300n, owed)).toEqual([
      { organizationId: 'a', amountRials: 100n },
      { organizationId: 'b', amountRials: 200n },
    ]);
  });

  it('pays each agency exactly what it is owed with the last rial, and never past it', () => {
    let left = owed.map((o) => ({ ...o }));
    for (const installment of [1n, 333n, 7n, 659n]) {
      const credits = installmentCredits(installment, left);
      expect(credits.reduce((s, c) => s + c.amountRials, 0n)).toBe(installment);
      left = left.map((o, i) => ({ ...o, amountRials: o.amountRials - credits[i].amountRials }));
      for (const o of left) expect(o.amountRials >= 0n).toBe(true);
    }
    expect(left.map((o) => o.amountRials)).toEqual([0n, 0n]);
  });

  it('refuses an installment larger than what is still owed', () => {
    expect(() => installmentCredits(1001n, owed)).toThrow(/does not fit/);
    expect(() => installmentCredits(0n, owed)).toThrow(/does not fit/);
  });
});
