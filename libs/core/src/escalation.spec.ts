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

  it('moves by Jalali months on Tehran’s wall clock, clamping the day to the month’s length', () => {
    const monthly = parseEscalationPeriod('monthly');
    // Tehran midnight on 1 Ordibehesht 1405 (+03:30) less a month is Tehran midnight on 1 Farvardin 1405.
    expect(periodCutoff(new Date('2026-04-20T20:30:00Z'), monthly).toISOString()).toBe('2026-03-20T20:30:00.000Z');
    // Tehran midnight on 1 May 2026 (11 Ordibehesht 1405) less a month is 11 Farvardin, not 1 April.
    expect(periodCutoff(new Date('2026-04-30T20:30:00Z'), monthly).toISOString()).toBe('2026-03-30T20:30:00.000Z');
    // 31 Shahrivar 1403, 09:15 in Tehran, plus a month: 30 Mehr 1403, 09:15 (Mehr has 30 days).
    expect(shiftByPeriods(new Date('2024-09-21T05:45:00Z'), monthly, 1).toISOString()).toBe('2024-10-21T05:45:00.000Z');
    // Esfand: 30 Bahman + 1 is 29 Esfand in 1402 (common year), 30 Esfand in 1403 (leap year).
    expect(shiftByPeriods(new Date('2024-02-19T05:45:00Z'), monthly, 1).toISOString()).toBe('2024-03-19T05:45:00.000Z');
    expect(shiftByPeriods(new Date('2025-02-18T05:45:00Z'), monthly, 1).toISOString()).toBe('2025-03-20T05:45:00.000Z');
    // 30 Esfand 1403 ± 12 months: 29 Esfand 1404 and 29 Esfand 1402; 31 Farvardin 1404 − 1: 30 Esfand 1403.
    expect(shiftByPeriods(new Date('2025-03-20T05:45:00Z'), monthly, 12).toISOString()).toBe('2026-03-20T05:45:00.000Z');
    expect(shiftByPeriods(new Date('2025-03-20T05:45:00Z'), monthly, -12).toISOString()).toBe('2024-03-19T05:45:00.000Z');
    expect(shiftByPeriods(new Date('2025-04-20T05:45:00Z'), monthly, -1).toISOString()).toBe('2025-03-20T05:45:00.000Z');
    // Across the end of daylight time (1400, the last year Tehran kept it): same wall time, offset changed.
    // 1 Shahrivar 1400, 10:00 at +04:30, plus a month: 1 Mehr 1400, 10:00 at +03:30.
    expect(shiftByPeriods(new Date('2021-08-23T05:30:00Z'), monthly, 1).toISOString()).toBe('2021-09-23T06:30:00.000Z');
    expect(periodCutoff(AT, parseEscalationPeriod('5 seconds')).toISOString()).toBe('2026-05-10T11:59:55.000Z');
  });

  it('agrees with ICU’s Persian calendar on every month shift of a day in 1400–1420', () => {
    const monthly = parseEscalationPeriod('monthly');
    const icu = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
      timeZone: 'Asia/Tehran',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    const read = (d: Date) => {
      const p = Object.fromEntries(icu.formatToParts(d).map((x) => [x.type, parseInt(x.value, 10)]));
      return { year: p.year, month: p.month, day: p.day, time: `${p.hour}:${p.minute}` };
    };
    // ICU's month lengths, 1398–1422 (the shifts below reach 13 months either side of 1400–1420).
    const lengths = new Map<string, number>();
    for (let t = Date.UTC(2019, 2, 1, 12); t < Date.UTC(2044, 3, 1); t += DAY) {
      const r = read(new Date(t));
      const key = `${r.year}/${r.month}`;
      lengths.set(key, Math.max(lengths.get(key) ?? 0, r.day));
    }
    // Days 1, 29, 30 and 31 of every month of 1400–1420 at 09:15 in Tehran (04:45Z under the daylight
    // time kept until 1401, else 05:45Z), shifted by whole months either way.
    let checked = 0;
    for (let day = Date.UTC(2021, 2, 21); day < Date.UTC(2042, 2, 21); day += DAY) {
      const at = [new Date(day + 5.75 * 3600_000), new Date(day + 4.75 * 3600_000)].find((d) => read(d).time === '9:15')!;
      const from = read(at);
      if (![1, 29, 30, 31].includes(from.day)) continue;
      for (const count of [-13, -12, -1, 1, 2, 6, 12, 13]) {
        const to = read(shiftByPeriods(at, monthly, count));
        const index = from.year * 12 + from.month - 1 + count;
        const year = Math.floor(index / 12);
        const month = (index % 12) + 1;
        const expected = { year, month, day: Math.min(from.day, lengths.get(`${year}/${month}`)!), time: '9:15' };
        if (JSON.stringify(to) !== JSON.stringify(expected)) {
          throw new Error(`${JSON.stringify(from)} + ${count}: ${JSON.stringify(to)}, ICU expects ${JSON.stringify(expected)}`);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(21 * 12 * 3 * 8);
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
    // Monthly: Jalali months on Tehran's wall clock, as the schedule sweeps (Tehran midnight on the 1st).
    const monthly = parseEscalationPeriod('monthly');
    const firstOfOrdibehesht1405 = new Date('2026-04-20T20:30:00Z');
    expect(levelCutoffs(firstOfOrdibehesht1405, monthly).map((d) => d.toISOString())).toEqual([
      '2026-03-20T20:30:00.000Z', // 1 Farvardin 1405
      '2026-02-19T20:30:00.000Z', // 1 Esfand 1404
      '2026-01-20T20:30:00.000Z', // 1 Bahman 1404
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
