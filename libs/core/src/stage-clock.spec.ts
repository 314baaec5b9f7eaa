import { jalaliMonthRange, tehranMidnight } from './jalali';
import {
  breachAt,
  durationStats,
  isOverLimit,
  jalaliMonthKey,
  jalaliMonthsBetween,
  lastJalaliMonths,
  nearestRank,
  parseStageDuration,
  parseStageLimits,
  type StageClock,
  stageCaseAudienceRole,
  stageOwner,
  STAGES,
  summarizeStageTimes,
} from './stage-clock';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('stage limits', () => {
  it('has a default for every stage, APPEAL_DEADLINE for the appeal stage', () => {
    expect(parseStageLimits('')).toEqual({
      declaration_decided: 10 * DAY,
      field_checked: 30 * DAY,
      appeal_decided: 30 * DAY,
      tranche_approved: 10 * DAY,
      tranche_paid: 5 * DAY,
      remainder_decided: 30 * DAY,
    });
  });

  it('overrides the named stages only, in any unit', () => {
    const limits = parseStageLimits(' declaration_decided=3d , tranche_paid=36 hours,field_checked=90m', '7 days');
    expect(limits).toEqual({
      declaration_decided: 3 * DAY,
      field_checked: 90 * 60_000,
      appeal_decided: 7 * DAY,
      tranche_approved: 10 * DAY,
      tranche_paid: 36 * HOUR,
      remainder_decided: 30 * DAY,
    });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => parseStageLimits('declaration_decided=ten days')).toThrow('declaration_decided: "ten days" is not a duration');
    expect(() => parseStageLimits('declared=10d')).toThrow('"declared" is not a stage');
    expect(() => parseStageLimits('declaration_decided')).toThrow('is not stage=duration');
    expect(() => parseStageLimits('tranche_paid=1d,tranche_paid=2d')).toThrow('tranche_paid is named twice');
    expect(() => parseStageLimits('appeal_decided=5d')).toThrow('the limit of appeal_decided is APPEAL_DEADLINE');
    expect(() => parseStageLimits('tranche_paid=0d')).toThrow('must be longer than zero');
    expect(() => parseStageLimits('', 'soon')).toThrow('APPEAL_DEADLINE: "soon" is not a duration');
    expect(parseStageDuration('1.5 h')).toBe(1.5 * HOUR);
  });

  it('names an owner for every stage: the committee or the PBO, never the agency', () => {
    expect(STAGES.map((s) => [s, stageOwner(s)])).toEqual([
      ['declaration_decided', 'committee'],
      ['field_checked', 'committee'],
      ['appeal_decided', 'committee'],
      ['tranche_approved', 'pbo'],
      ['tranche_paid', 'pbo'],
      ['remainder_decided', 'pbo'],
    ]);
  });
});

describe('nearest-rank percentiles', () => {
  it('takes the value at rank ⌈p·n/100⌉', () => {
    expect(nearestRank([1], 50)).toBe(1);
    expect(nearestRank([1], 90)).toBe(1);
    expect(nearestRank([1, 2], 50)).toBe(1); // the lower middle value
    expect(nearestRank([1, 2], 90)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100)).toBe(10);
  });

  it('takes the 63rd of 70 values as the 90th, the 36th of 71 as the median', () => {
    const values = Array.from({ length: 70 }, (_, k) => k + 1);
    expect(nearestRank(values, 90)).toBe(63);
    expect(nearestRank([...values, 71], 50)).toBe(36);
  });

  it('refuses an empty list or a percentile outside 1..100', () => {
    expect(() => nearestRank([], 50)).toThrow('no values');
    expect(() => nearestRank([1], 0)).toThrow();
    expect(() => nearestRank([1], 99.5)).toThrow();
  });

  it('gives count, median and p90 in hours of unsorted durations', () => {
    expect(durationStats([50 * HOUR, 10 * HOUR, 30 * HOUR, 20 * HOUR, 40 * HOUR])).toEqual({ count: 5, medianHours: 30, p90Hours: 50 });
    expect(durationStats([90 * 60_000, 20 * 60_000])).toEqual({ count: 2, medianHours: 0.33, p90Hours: 1.5 });
  });
});

describe('the breach rule', () => {
  const limits = parseStageLimits('declaration_decided=10d');
  const start = new Date('2026-05-01T00:00:00Z');
  const clock = (endedAt: Date | null, deadlineAt: Date | null = null, stage: StageClock['stage'] = 'declaration_decided'): StageClock => ({
    stage,
    startedAt: start,
    endedAt,
    deadlineAt,
    agencyId: null,
    memberId: null,
  });

  it('is over when it ended, or is still open, strictly after its start plus the limit', () => {
    const limit = new Date(start.getTime() + 10 * DAY);
    expect(breachAt(clock(null), limits)).toEqual(limit);
    expect(isOverLimit(clock(limit), limits, new Date('2030-01-01'))).toBe(false);
    expect(isOverLimit(clock(new Date(limit.getTime() + 1)), limits, start)).toBe(true);
    expect(isOverLimit(clock(null), limits, limit)).toBe(false);
    expect(isOverLimit(clock(null), limits, new Date(limit.getTime() + 1))).toBe(true);
  });

  it("judges an appeal by its own recorded deadline", () => {
    const deadline = new Date(start.getTime() + 2 * DAY);
    expect(isOverLimit(clock(null, deadline, 'appeal_decided'), limits, new Date(start.getTime() + 3 * DAY))).toBe(true);
    expect(isOverLimit(clock(null, null, 'appeal_decided'), limits, new Date(start.getTime() + 3 * DAY))).toBe(false);
  });
});

describe('Jalali months', () => {
  it('keys an instant by its month on Tehran’s wall clock', () => {
    const aban = jalaliMonthRange(1405, 8);
    expect(jalaliMonthKey(aban.start)).toBe('1405-08');
    expect(jalaliMonthKey(new Date(aban.start.getTime() - 1))).toBe('1405-07');
    expect(jalaliMonthKey(new Date(aban.end.getTime() - 1))).toBe('1405-08');
  });

  it('lists months across a year end, and the last three by default', () => {
    expect(jalaliMonthsBetween({ year: 1404, month: 11 }, { year: 1405, month: 2 })).toEqual(['1404-11', '1404-12', '1405-01', '1405-02']);
    expect(lastJalaliMonths(tehranMidnight({ year: 1405, month: 2, day: 10 }), 3)).toEqual({ from: { year: 1404, month: 12 }, to: { year: 1405, month: 2 } });
    expect(lastJalaliMonths(tehranMidnight({ year: 1405, month: 8, day: 1 }), 3)).toEqual({ from: { year: 1405, month: 6 }, to: { year: 1405, month: 8 } });
  });
});

describe('summarizeStageTimes', () => {
  const mehr = jalaliMonthRange(1405, 7);
  const aban = jalaliMonthRange(1405, 8);
  const inMehr = new Date(mehr.start.getTime() + 5 * DAY);
  const inAban = new Date(aban.start.getTime() + 5 * DAY);
  const ended = (hours: number, endedAt: Date, agencyId: string | null, memberId: string | null, stage: StageClock['stage'] = 'declaration_decided'): StageClock => ({
    stage,
    startedAt: new Date(endedAt.getTime() - hours * HOUR),
    endedAt,
    agencyId,
    memberId,
  });

  it('groups the stages ended in the range by the month they ended in, by agency and by member; open ones are left out', () => {
    const clocks = [
      ended(10, inMehr, 'a1', 'm1'),
      ended(20, inMehr, 'a1', 'm2'),
      ended(30, inAban, 'a2', 'm1'),
      ended(40, inAban, 'a1', 'm1'),
      ended(50, inAban, 'a2', null),
      ended(1000, new Date(aban.end.getTime()), 'a1', 'm1'), // ended after the range
      { stage: 'declaration_decided', startedAt: inMehr, endedAt: null, agencyId: 'a1', memberId: null } as StageClock,
      ended(7, inAban, 'a1', 'p1', 'tranche_paid'),
    ];
    // Started before the range, ended in it: counts (in the month it ended).
    clocks.push(ended(24 * 40, new Date(mehr.start.getTime() + 1), 'a3', 'm3'));
    const summary = summarizeStageTimes(clocks, mehr.start, aban.end);
    expect(summary.map((s) => s.stage)).toEqual(STAGES);
    const declarations = summary.find((s) => s.stage === 'declaration_decided')!;
    expect(declarations.owner).toBe('committee');
    expect(declarations.byMonth).toEqual([
      { month: '1405-07', count: 3, medianHours: 20, p90Hours: 960 },
      { month: '1405-08', count: 3, medianHours: 40, p90Hours: 50 },
    ]);
    expect(declarations.byAgency).toEqual([
      { agencyId: 'a1', count: 3, medianHours: 20, p90Hours: 40 },
      { agencyId: 'a2', count: 2, medianHours: 30, p90Hours: 50 },
      { agencyId: 'a3', count: 1, medianHours: 960, p90Hours: 960 },
    ]);
    expect(declarations.byMember).toEqual([
      { memberId: 'm1', count: 3, medianHours: 30, p90Hours: 40 },
      { memberId: 'm2', count: 1, medianHours: 20, p90Hours: 20 },
      { memberId: 'm3', count: 1, medianHours: 960, p90Hours: 960 },
    ]);
    const paid = summary.find((s) => s.stage === 'tranche_paid')!;
    expect(paid).toEqual({
      stage: 'tranche_paid',
      owner: 'pbo',
      byMonth: [{ month: '1405-08', count: 1, medianHours: 7, p90Hours: 7 }],
      byAgency: [{ agencyId: 'a1', count: 1, medianHours: 7, p90Hours: 7 }],
      byMember: [{ memberId: 'p1', count: 1, medianHours: 7, p90Hours: 7 }],
    });
    expect(summary.find((s) => s.stage === 'appeal_decided')).toEqual({ stage: 'appeal_decided', owner: 'committee', byMonth: [], byAgency: [], byMember: [] });
  });
});

describe('stage cases', () => {
  it("reach the owning party below the top and the council at the top", () => {
    expect(stageCaseAudienceRole(3, 'committee')).toBe('committee');
    expect(stageCaseAudienceRole(3, 'pbo')).toBe('pbo');
    expect(stageCaseAudienceRole(4, 'committee')).toBe('admin');
    expect(stageCaseAudienceRole(4, 'pbo')).toBe('admin');
  });
});
