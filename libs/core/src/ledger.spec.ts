import { debitAndCredit, releasePostings } from './ledger';

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
