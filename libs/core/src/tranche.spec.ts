import { refuseDecision, refuseRelease, stateAfterDecision } from './tranche';

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

describe('release re-check', () => {
  const ok = {
    rejected: false,
    createdBy: 'creator',
    approver: { id: 'officer2', role: 'pbo', active: true },
    approvalRecorded: true,
    activeHolds: [],
    gate: [{ code: '1', verifiedPercent: 100 }],
  };

  it('pays when every condition holds', () => {
    expect(refuseRelease(ok)).toBeNull();
  });

  it.each([
    [{ approver: { id: 'agency', role: 'agency', active: true } }, 'approver_not_pbo', 'awaiting_approval'],
    [{ approver: { id: 'officer2', role: 'pbo', active: false } }, 'approver_not_pbo', 'awaiting_approval'],
    [{ approver: null }, 'approver_not_pbo', 'awaiting_approval'],
    [{ approver: { id: 'creator', role: 'pbo', active: true } }, 'four_eyes', 'awaiting_approval'],
    [{ approvalRecorded: false }, 'approval_not_recorded', 'awaiting_approval'],
    [{ activeHolds: [{ reason: 'audit' }] }, 'committee_hold', 'held'],
    [{ gate: [{ code: '1', verifiedPercent: 99 }] }, 'gate_closed', 'waiting_on_items'],
    [{ rejected: true }, 'tranche_rejected', 'rejected'],
  ])('refuses %j with %s, back to %s', (change, code, backTo) => {
    expect(refuseRelease({ ...ok, ...change })).toMatchObject({ code, backTo });
  });

  it('puts the committee and the gate before the approver', () => {
    const everything = { ...ok, approver: null, activeHolds: [{ reason: 'x' }], gate: [{ code: '2', verifiedPercent: 0 }] };
    expect(refuseRelease(everything)?.code).toBe('committee_hold');
    expect(refuseRelease({ ...everything, activeHolds: [] })?.code).toBe('gate_closed');
  });
});
