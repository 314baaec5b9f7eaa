import { refuseDecision, stateAfterDecision } from './tranche';

describe('tranche decisions', () => {
  const awaiting = { state: 'awaiting_approval' as const, createdBy: 'creator' };

  it('lets another officer approve', () => {
    expect(refuseDecision(awaiting, { action: 'approve', actorId: 'other' })).toBeNull();
    expect(stateAfterDecision('approve')).toBe('approved');
  });

  it('refuses the creator approving (four eyes)', () => {
    expect(refuseDecision(awaiting, { action: 'approve', actorId: 'creator' })?.code).toBe('four_eyes');
  });

  it('lets the creator hold or reject with a reason', () => {
    expect(refuseDecision(awaiting, { action: 'hold', actorId: 'creator', reason: 'audit' })).toBeNull();
    expect(refuseDecision(awaiting, { action: 'reject', actorId: 'other', reason: ' ' })?.code).toBe('reason_required');
  });

  it('refuses decisions outside awaiting approval or held', () => {
    for (const state of ['waiting_on_items', 'approved', 'released', 'rejected'] as const) {
      expect(refuseDecision({ state, createdBy: 'c' }, { action: 'approve', actorId: 'o' })?.code).toBe(
        'not_awaiting_decision',
      );
    }
    expect(refuseDecision({ state: 'held', createdBy: 'c' }, { action: 'approve', actorId: 'o' })).toBeNull();
    expect(refuseDecision({ state: 'held', createdBy: 'c' }, { action: 'hold', actorId: 'o', reason: 'x' })?.code).toBe(
      'not_awaiting_decision',
    );
  });

  it('refuses approval under a committee hold', () => {
    expect(refuseDecision({ ...awaiting, committeeHold: true }, { action: 'approve', actorId: 'o' })?.code).toBe(
      'committee_hold',
    );
  });
});
