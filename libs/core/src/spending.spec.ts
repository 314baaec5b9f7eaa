import { releasedNotSpent, spendingRefusal } from './spending';

describe('spending reports', () => {
  it('refuses an agency that received nothing from the tranche', () => {
    expect(spendingRefusal(0n, 0n, 1n)).toMatchObject({ reason: 'not_recipient' });
  });

  it('allows up to what is left of the release, and no more', () => {
    expect(spendingRefusal(600n, 250n, 350n)).toBeNull();
    expect(spendingRefusal(600n, 250n, 351n)).toEqual({
      reason: 'more_than_left',
      message: "only 350 rials of this tranche's release to your agency are not yet reported spent",
      leftRials: 350n,
    });
  });

  it('reports released money not yet reported spent', () => {
    expect(releasedNotSpent(600n, 250n)).toEqual({ releasedRials: 600n, reportedSpentRials: 250n, releasedNotSpentRials: 350n });
  });
});
