import {
  audienceFor,
  caseLevel,
  caseResolution,
  climbedLevel,
  derivedLevel,
  isSweepOverdue,
  levelCutoffs,
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
  sweepClock,
  sweepNotices,
  type SweepUser,
} from './escalation';

const AT = new Date('2026-05-10T12:00:00Z');
const DAY = 86400_000;
const ago = (days: number) => new Date(AT.getTime() - days * DAY);
const PERIOD = parseEscalationPeriod('30 days');
const CUTOFF = periodCutoff(AT, PERIOD);
/** A sweep at AT after one a period earlier. */
const CLOCK = sweepClock(AT, PERIOD, levelCutoffs(ago(30), PERIOD));

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
    frozenLevel: null,
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

  it('derives the level from the level and instant a case was recorded at: one more per full period since, never past the top', () => {
    const cutoffs = levelCutoffs(AT, PERIOD);
    expect(cutoffs).toEqual([ago(30), ago(60), ago(90)]);
    expect(derivedLevel(1, AT, cutoffs)).toBe(1);
    expect(derivedLevel(1, new Date(ago(30).getTime() + 1), cutoffs)).toBe(1);
    expect(derivedLevel(1, ago(30), cutoffs)).toBe(2);
    expect(derivedLevel(1, ago(60), cutoffs)).toBe(3);
    expect(derivedLevel(1, ago(90), cutoffs)).toBe(4);
    expect(derivedLevel(1, ago(900), cutoffs)).toBe(4);
    expect(derivedLevel(3, ago(60), cutoffs)).toBe(4);
    expect(derivedLevel(2, ago(900), null)).toBe(2);
    // Monthly: calendar months on Tehran's wall clock, as the schedule sweeps.
    const monthly = parseEscalationPeriod('monthly');
    const firstOfMay = new Date('2026-04-30T20:30:00Z');
    expect(levelCutoffs(firstOfMay, monthly).map((d) => d.toISOString())).toEqual([
      '2026-03-31T20:30:00.000Z',
      '2026-02-28T20:30:00.000Z',
      '2026-01-31T20:30:00.000Z',
    ]);
  });

  it('keeps the level a case stopped at once it awaits a revision or is resolved', () => {
    const cutoffs = levelCutoffs(AT, PERIOD);
    expect(caseLevel(liveCase({ levelChangedAt: ago(60) }), cutoffs)).toBe(3);
    expect(caseLevel(liveCase({ levelChangedAt: ago(60), status: 'awaiting_revision', frozenLevel: 2 }), cutoffs)).toBe(2);
    expect(caseLevel(liveCase({ level: 2, status: 'awaiting_revision' }), cutoffs)).toBe(2);
  });

  it('climbs an open case when it stands higher by this sweep than by the one before', () => {
    expect(climbedLevel(liveCase({ levelChangedAt: ago(30) }), CLOCK)).toBe(2);
    expect(climbedLevel(liveCase({ levelChangedAt: new Date(ago(30).getTime() + 1) }), CLOCK)).toBeNull();
    expect(climbedLevel(liveCase({ levelChangedAt: ago(60) }), CLOCK)).toBe(3);
    expect(climbedLevel(liveCase({ level: 4 }), CLOCK)).toBeNull();
    expect(climbedLevel(liveCase({ levelChangedAt: ago(120) }), CLOCK)).toBeNull();
    expect(climbedLevel(liveCase({ status: 'awaiting_revision' }), CLOCK)).toBeNull();
    // No sweep before it: it stood at its recorded level, so a case recorded two periods ago climbs two.
    expect(climbedLevel(liveCase({ levelChangedAt: ago(60) }), sweepClock(AT, PERIOD, null))).toBe(3);
    // Sweeps missed: the level follows the periods, not the number of sweeps.
    expect(climbedLevel(liveCase({ levelChangedAt: ago(60) }), sweepClock(AT, PERIOD, levelCutoffs(ago(60), PERIOD)))).toBe(3);
    // A sweep judging an earlier instant than the last one climbs nothing.
    expect(climbedLevel(liveCase({ levelChangedAt: ago(30) }), sweepClock(ago(1), PERIOD, levelCutoffs(AT, PERIOD)))).toBeNull();
  });

  it('plans a sweep: resolves, climbs, opens one case per stalled item, and tells each new level', () => {
    const items = [
      item({ id: 'a', dueAt: ago(1) }),
      item({ id: 'b', dueAt: ago(1), progressMovedAt: ago(2) }),
      item({ id: 'c', pendingDeclaredAt: [ago(31)] }),
      item({ id: 'd' }),
    ];
    const cases = [
      liveCase({ id: 'ca', itemId: 'a', levelChangedAt: ago(30) }),
      liveCase({ id: 'cb', itemId: 'b', levelChangedAt: ago(60) }),
      liveCase({ id: 'cd', itemId: 'd' }),
    ];
    const plan = planSweep(items, cases, CLOCK);
    expect(plan.examined).toBe(4);
    expect([...plan.stalled]).toEqual([
      ['a', 'overdue'],
      ['b', 'overdue'],
      ['c', 'verification_overdue'],
    ]);
    // Resolved at the level it stood at before this sweep.
    expect(plan.resolved.map((r) => [r.caseId, r.resolution, r.level])).toEqual([
      ['cb', 'moved', 2],
      ['cd', 'moved', 1],
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
