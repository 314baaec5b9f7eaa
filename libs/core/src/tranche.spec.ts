import {
  OPEN_TRANCHE_STATES,
  refuseAdditionalGate,
  refuseDecision,
  refuseFundedItems,
  refuseRelease,
  stateAfterDecision,
  trancheAllocations,
  trancheAmountRefusal,
  waitsOn,
} from './tranche';

describe('creating a tranche', () => {
  const item = (id: string, projectId = 'p', ownerAgencyId = 'a', budgetRials = 100n) => ({ id, code: `c${id}`, projectId, ownerAgencyId, budgetRials });

  it('funds only live items of its own project', () => {
    expect(refuseFundedItems('p', ['1', '2'], [item('1'), item('2')], [])).toBeNull();
    expect(refuseFundedItems('p', ['1', '9'], [item('1')], [])).toBe('item 9 does not exist or was retired');
    expect(refuseFundedItems('p', ['1'], [item('1', 'q')], [])).toBe('item c1 belongs to another project');
  });

  it('funds an item once, unless the tranche that funded it was rejected', () => {
    const fundings = [
      { itemCode: 'c1', trancheNumber: 1, trancheState: 'rejected' as const },
      { itemCode: 'c1', trancheNumber: 2, trancheState: 'released' as const },
      { itemCode: 'c2', trancheNumber: 3, trancheState: 'waiting_on_items' as const },
    ];
    expect(refuseFundedItems('p', ['1', '2'], [item('1'), item('2')], fundings)).toBe(
      'already funded by another tranche: c1 (tranche 2), c2 (tranche 3)',
    );
    expect(refuseFundedItems('p', ['1'], [item('1')], fundings.slice(0, 1))).toBeNull();
  });

  it('releases more than 0 rials and no more than the funded budgets', () => {
    expect(trancheAmountRefusal(100n, 100n)).toBeNull();
    expect(trancheAmountRefusal(0n, 100n)).toBe('a tranche must release more than 0 rials');
    expect(trancheAmountRefusal(101n, 100n)).toBe("101 rials is more than the funded items' budgets (100 rials)");
  });

  it('is gated by hand only on known items it does not fund', () => {
    expect(refuseAdditionalGate(['x'], ['x'], ['1'])).toBeNull();
    expect(refuseAdditionalGate(['x', 'y'], ['x'], ['1'])).toBe('unknown items: y');
    expect(refuseAdditionalGate(['1'], ['1'], ['1'])).toBe('a tranche cannot be gated on an item it funds');
  });

  it("shares the amount among the owners by their items' budgets, exactly, owners in id order", () => {
    expect(trancheAllocations(100n, [item('1', 'p', 'b', 1n), item('2', 'p', 'a', 1n), item('3', 'p', 'b', 1n)])).toEqual([
      { organizationId: 'a', amountRials: 33n },
      { organizationId: 'b', amountRials: 67n },
    ]);
  });

  it('counts every state but released, closed and rejected as open', () => {
    expect(OPEN_TRANCHE_STATES).toEqual(['waiting_on_items', 'awaiting_approval', 'held', 'approved', 'lapsed']);
  });
});

describe('what a tranche waits on', () => {
  const gate = [
    { id: '1', code: 'A', projectCode: 'P', verifiedPercent: 100, pendingDeclaration: null },
    { id: '2', code: 'B', projectCode: 'P', verifiedPercent: 40, pendingDeclaration: { id: 'd', percent: 100 } },
    { id: '3', code: 'C', projectCode: 'Q', verifiedPercent: 10, pendingDeclaration: { id: 'e', percent: 50 } },
  ];
  const hold = { id: 'h', reason: 'late', placedAt: new Date(0) };

  it('waits on each unverified gating item: its verification when 100% is declared, else a declaration', () => {
    expect(waitsOn({ state: 'waiting_on_items', createdBy: 'c' }, gate)).toEqual([
      { kind: 'verification', item: { id: '2', code: 'B', projectCode: 'P' }, declarationId: 'd', declaredPercent: 100 },
      { kind: 'declaration', item: { id: '3', code: 'C', projectCode: 'Q' }, verifiedPercent: 10 },
    ]);
  });

  it('waits on the holds, then a decision by another officer or the payment', () => {
    for (const state of ['awaiting_approval', 'held'] as const) {
      expect(waitsOn({ state, createdBy: 'c' }, gate, [hold])).toEqual([
        { kind: 'committee_hold', holdId: 'h', reason: 'late', placedAt: new Date(0) },
        { kind: 'pbo_decision', excludedApprover: 'c' },
      ]);
    }
    expect(waitsOn({ state: 'approved', createdBy: 'c' }, gate)).toEqual([{ kind: 'release' }]);
  });

  it('waits on nothing once released, closed or rejected', () => {
    expect(waitsOn({ state: 'released', createdBy: 'c' }, gate, [hold])).toEqual([]);
    expect(waitsOn({ state: 'closed', createdBy: 'c' }, gate, [hold])).toEqual([]);
    expect(waitsOn({ state: 'rejected', createdBy: 'c' }, gate, [hold])).toEqual([]);
  });

  it('with the gate open, waits on what the release rule waits for; once lapsed, on a remainder decision', () => {
    const open = [gate[0]];
    expect(waitsOn({ state: 'waiting_on_items', createdBy: 'c' }, open, [], 'below_minimum')).toEqual([
      { kind: 'earned_progress', wait: 'below_minimum' },
    ]);
    // A closed gate names its items, whatever the rule says.
    expect(waitsOn({ state: 'waiting_on_items', createdBy: 'c' }, gate, [], 'gate_closed').map((w) => w.kind)).toEqual([
      'verification',
      'declaration',
    ]);
    expect(waitsOn({ state: 'lapsed', createdBy: 'c' }, open, [hold])).toEqual([{ kind: 'remainder_decision', excludedDecider: 'c' }]);
  });
});

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
