import {
  audienceFor,
  caseResolution,
  climbedLevel,
  isSweepOverdue,
  type LiveCase,
  nextLevel,
  parseEscalationPeriod,
  partyFor,
  periodCutoff,
  planSweep,
  reaches,
  shiftByPeriods,
  stallReason,
  type SweepItem,
  sweepNotices,
  type SweepUser,
} from './escalation';

const AT = new Date('2026-05-10T12:00:00Z');
const DAY = 86400_000;
const ago = (days: number) => new Date(AT.getTime() - days * DAY);
const PERIOD = parseEscalationPeriod('30 days');
const CUTOFF = periodCutoff(AT, PERIOD);

function item(overrides: Partial<SweepItem> = {}): SweepItem {
  return {
    id: 'i1',
    ownerAgencyId: 'org-a',
    verifiedPercent: 0,
    removedAt: null,
    monitoringPaused: false,
    quietUntil: null,
    pendingDeclaredAt: [],
    dueAt: null,
    plannedStart: ago(10),
    plannedEnd: new Date(AT.getTime() + 100 * DAY),
    progressMovedAt: null,
    createdAt: ago(10),
    ...overrides,
  };
}

function liveCase(overrides: Partial<LiveCase> = {}): LiveCase {
  return {
    id: 'c1',
    itemId: 'i1',
    reason: 'overdue',
    party: 'agency',
    level: 1,
    status: 'open',
    openedAt: ago(40),
    levelChangedAt: ago(40),
    ...overrides,
  };
}

describe('escalation ladder', () => {
  it('climbs one level at a time and stops at the IT Executive Council', () => {
    expect(nextLevel(1)).toBe(2);
    expect(nextLevel(3)).toBe(4);
    expect(nextLevel(4)).toBe(4);
  });

  it('reaches the agency first, then its head, the committee agenda and the council', () => {
    expect([1, 2, 3, 4].map((l) => audienceFor(l as 1, 'agency'))).toEqual([
      'owner_focal_points',
      'owner_heads',
      'committee',
      'council',
    ]);
  });

  it('escalates a declaration left unverified to the committee, not the agency', () => {
    expect(partyFor('verification_overdue')).toBe('committee');
    expect(partyFor('overdue')).toBe('agency');
    expect([1, 2, 3, 4].map((l) => audienceFor(l as 1, 'committee'))).toEqual([
      'committee',
      'committee',
      'committee',
      'council',
    ]);
  });

  it('tells the heads of the owner agency, or all its people when it has no active head', () => {
    const users: SweepUser[] = [
      { id: 'focal', role: 'agency', organizationId: 'org-a', active: true, agencyHead: false },
      { id: 'head', role: 'agency', organizationId: 'org-a', active: true, agencyHead: true },
      { id: 'other', role: 'agency', organizationId: 'org-b', active: true, agencyHead: false },
      { id: 'member', role: 'committee', organizationId: 'org-b', active: true, agencyHead: false },
      { id: 'admin', role: 'admin', organizationId: null, active: true, agencyHead: false },
      { id: 'gone', role: 'admin', organizationId: null, active: false, agencyHead: false },
    ];
    const told = (audience: Parameters<typeof reaches>[0], people = users) =>
      people.filter((u) => reaches(audience, u, 'org-a', people)).map((u) => u.id);
    expect(told('owner_focal_points')).toEqual(['focal', 'head']);
    expect(told('owner_heads')).toEqual(['head']);
    expect(told('owner_heads', users.filter((u) => u.id !== 'head'))).toEqual(['focal']);
    expect(told('committee')).toEqual(['member']);
    expect(told('council')).toEqual(['admin']);
  });
});

describe('periods', () => {
  it('reads monthly and fixed periods and refuses nonsense', () => {
    expect(parseEscalationPeriod('monthly')).toMatchObject({ kind: 'monthly' });
    expect(parseEscalationPeriod('3 seconds')).toMatchObject({ kind: 'fixed', seconds: 3 });
    expect(parseEscalationPeriod('30 days')).toMatchObject({ seconds: 30 * 86400 });
    expect(parseEscalationPeriod('2h')).toMatchObject({ seconds: 7200 });
    expect(() => parseEscalationPeriod('soon')).toThrow(/not a period/);
    expect(() => parseEscalationPeriod('0 seconds')).toThrow(/at least one second/);
  });

  it('moves by calendar months on Tehran’s wall clock, clamping the day to the month’s end', () => {
    const monthly = parseEscalationPeriod('monthly');
    // Tehran midnight on 1 May 2026 (+03:30) less a month is Tehran midnight on 1 April, not 30 March 20:30 UTC.
    expect(periodCutoff(new Date('2026-04-30T20:30:00Z'), monthly).toISOString()).toBe('2026-03-31T20:30:00.000Z');
    expect(periodCutoff(new Date('2026-03-31T08:00:00Z'), monthly).toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(shiftByPeriods(new Date('2026-01-31T08:00:00Z'), monthly, 1).toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(periodCutoff(AT, parseEscalationPeriod('5 seconds')).toISOString()).toBe('2026-05-10T11:59:55.000Z');
  });

  it('flags a sweep older than a period and a half, or none at all', () => {
    const fixed = parseEscalationPeriod('10 seconds');
    expect(isSweepOverdue(null, AT, fixed)).toBe(true);
    expect(isSweepOverdue(new Date(AT.getTime() - 15_000), AT, fixed)).toBe(false);
    expect(isSweepOverdue(new Date(AT.getTime() - 15_001), AT, fixed)).toBe(true);
  });
});

describe('what is stalled, and why', () => {
  it('escalates a declaration waiting a full period, and nothing else while one waits', () => {
    expect(stallReason(item({ pendingDeclaredAt: [CUTOFF] }), AT, CUTOFF)).toBe('verification_overdue');
    expect(stallReason(item({ pendingDeclaredAt: [new Date(CUTOFF.getTime() + 1)], dueAt: ago(1) }), AT, CUTOFF)).toBeNull();
  });

  it('finds overdue items and items that have not moved for a period since they started', () => {
    expect(stallReason(item({ dueAt: ago(1) }), AT, CUTOFF)).toBe('overdue');
    expect(stallReason(item({ plannedEnd: ago(1) }), AT, CUTOFF)).toBe('overdue');
    expect(stallReason(item({ dueAt: new Date(AT.getTime() + DAY), plannedEnd: ago(1) }), AT, CUTOFF)).toBeNull();
    expect(stallReason(item({ plannedStart: ago(40), createdAt: ago(40) }), AT, CUTOFF)).toBe('no_movement');
    expect(stallReason(item({ plannedStart: ago(40), createdAt: ago(40), progressMovedAt: ago(5) }), AT, CUTOFF)).toBeNull();
  });

  it('leaves alone finished, removed, paused and quiet items', () => {
    const overdue = { dueAt: ago(1) };
    expect(stallReason(item({ ...overdue, verifiedPercent: 100 }), AT, CUTOFF)).toBeNull();
    expect(stallReason(item({ ...overdue, removedAt: ago(1) }), AT, CUTOFF)).toBeNull();
    expect(stallReason(item({ ...overdue, monitoringPaused: true }), AT, CUTOFF)).toBeNull();
    expect(stallReason(item({ ...overdue, quietUntil: new Date(AT.getTime() + 1) }), AT, CUTOFF)).toBeNull();
    expect(stallReason(item({ ...overdue, quietUntil: AT }), AT, CUTOFF)).toBe('overdue');
  });
});

describe('cases', () => {
  it('resolves a case whose item moved, finished, left the plan or is no longer stalled', () => {
    expect(caseResolution(liveCase(), item({ removedAt: ago(1) }), null)).toBe('item_removed');
    expect(caseResolution(liveCase(), item({ progressMovedAt: ago(1) }), 'overdue')).toBe('moved');
    expect(caseResolution(liveCase(), item(), null)).toBe('moved');
    expect(caseResolution(liveCase(), item(), 'no_movement')).toBeNull();
    expect(caseResolution(liveCase({ reason: 'verification_overdue' }), item(), 'overdue')).toBe('moved');
    // Awaiting a revision: only movement (or the revision) resolves it.
    expect(caseResolution(liveCase({ status: 'awaiting_revision' }), item(), null)).toBeNull();
  });

  it('climbs an open case one level per full period at its level, never past the top', () => {
    expect(climbedLevel(liveCase({ levelChangedAt: CUTOFF }), 'overdue', CUTOFF)).toBe(2);
    expect(climbedLevel(liveCase({ levelChangedAt: new Date(CUTOFF.getTime() + 1) }), 'overdue', CUTOFF)).toBeNull();
    expect(climbedLevel(liveCase({ level: 4 }), 'overdue', CUTOFF)).toBeNull();
    expect(climbedLevel(liveCase({ status: 'awaiting_revision' }), 'overdue', CUTOFF)).toBeNull();
    expect(climbedLevel(liveCase(), null, CUTOFF)).toBeNull();
  });

  it('plans a sweep: resolves, climbs, opens one case per stalled item, and tells each new level', () => {
    const items = [
      item({ id: 'a', dueAt: ago(1) }),
      item({ id: 'b', dueAt: ago(1), progressMovedAt: ago(2) }),
      item({ id: 'c', pendingDeclaredAt: [ago(31)] }),
      item({ id: 'd' }),
    ];
    const cases = [liveCase({ id: 'ca', itemId: 'a' }), liveCase({ id: 'cb', itemId: 'b' }), liveCase({ id: 'cd', itemId: 'd' })];
    const plan = planSweep(items, cases, AT, CUTOFF);
    expect(plan.examined).toBe(4);
    expect([...plan.stalled]).toEqual([
      ['a', 'overdue'],
      ['b', 'overdue'],
      ['c', 'verification_overdue'],
    ]);
    expect(plan.resolved.map((r) => [r.caseId, r.resolution])).toEqual([
      ['cb', 'moved'],
      ['cd', 'moved'],
    ]);
    expect(plan.climbed.map((c) => [c.caseId, c.level])).toEqual([['ca', 2]]);
    expect(plan.opened.map((c) => [c.itemId, c.party, c.level])).toEqual([
      ['b', 'agency', 1],
      ['c', 'committee', 1],
    ]);
    const users: SweepUser[] = [
      { id: 'focal', role: 'agency', organizationId: 'org-a', active: true, agencyHead: false },
      { id: 'member', role: 'committee', organizationId: 'org-b', active: true, agencyHead: false },
    ];
    expect(sweepNotices(plan, items, users).map((n) => [n.kind, n.itemId, n.userId])).toEqual([
      ['opened', 'b', 'focal'],
      ['opened', 'c', 'member'],
      ['climbed', 'a', 'focal'], // level 2 and no active head: all of the owner agency's people
    ]);
  });
});
