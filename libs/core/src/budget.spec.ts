import { budgetCapRefusal, budgetChangeRefusal, committedRials } from './budget';

describe('budget cap', () => {
  it('counts every tranche but rejected ones', () => {
    expect(committedRials([{ amountRials: 5n, state: 'released' }, { amountRials: 7n, state: 'rejected' }, { amountRials: 3n, state: 'waiting_on_items' }])).toBe(8n);
  });
  it('lets a tranche fill the budget exactly, not one rial more', () => {
    expect(budgetCapRefusal(100n, 60n, 40n)).toBeNull();
    expect(budgetCapRefusal(100n, 60n, 41n)).toMatch(/101 rials, more than its budget of 100/);
  });
  it('lets a budget fall to what is committed, not below', () => {
    expect(budgetChangeRefusal(60n, 60n)).toBeNull();
    expect(budgetChangeRefusal(59n, 60n)).toMatch(/already commit 60 rials/);
  });
});

describe('what tranches commit once money follows results', () => {
  it('counts a tranche less what its lapsed remainder gave up, and a rejected one only what it released', () => {
    expect(
      committedRials([
        { amountRials: 1000n, state: 'closed', releasedRials: 700n, givenUpRials: 300n },
        { amountRials: 1300n, state: 'waiting_on_items', releasedRials: 0n, givenUpRials: 0n },
        { amountRials: 500n, state: 'rejected', releasedRials: 200n, givenUpRials: 0n },
      ]),
    ).toBe(700n + 1300n + 200n);
  });
});
