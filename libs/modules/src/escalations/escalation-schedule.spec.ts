import type { CalendarSpec, ScheduleSpec } from '@temporalio/client';
import { decodeScheduleSpec, encodeScheduleSpec } from '@temporalio/client/lib/schedule-helpers';
import { jalaliMonthStarts, tehranMidnight, toJalali } from '@pelekan/core';
import { JALALI_HORIZON_MONTHS, jalaliMonthlySpec, upcomingExplicitRuns } from './escalation-schedule';

/** The spec as the server hands it back from describe(). */
const roundTrip = (spec: ScheduleSpec) => decodeScheduleSpec(encodeScheduleSpec(spec));

describe('the monthly escalation schedule’s spec', () => {
  const now = new Date('2025-09-10T09:00:00Z'); // 19 Shahrivar 1404

  it('lists the next Jalali month starts as Gregorian dates at Tehran midnight', () => {
    const spec = jalaliMonthlySpec(now);
    expect(spec.timezone).toBe('Asia/Tehran');
    expect(spec.intervals).toBeUndefined();
    expect(spec.calendars).toHaveLength(JALALI_HORIZON_MONTHS);
    expect(spec.calendars!.slice(0, 3)).toEqual<CalendarSpec[]>([
      { year: 2025, month: 'SEPTEMBER', dayOfMonth: 23, hour: 0, minute: 0, second: 0, comment: 'Jalali 1404/07/01' },
      { year: 2025, month: 'OCTOBER', dayOfMonth: 23, hour: 0, minute: 0, second: 0, comment: 'Jalali 1404/08/01' },
      { year: 2025, month: 'NOVEMBER', dayOfMonth: 22, hour: 0, minute: 0, second: 0, comment: 'Jalali 1404/09/01' },
    ]);
    // 1 Farvardin 1405 falls on 21 March 2026; the last entry is 1 Shahrivar 1406.
    expect(spec.calendars![6]).toMatchObject({ year: 2026, month: 'MARCH', dayOfMonth: 21 });
    expect(spec.calendars![23]).toMatchObject({ year: 2027, month: 'AUGUST', dayOfMonth: 23, comment: 'Jalali 1406/06/01' });
  });

  it('counts the month starts still ahead, and asks to replace any other spec', () => {
    const described = roundTrip(jalaliMonthlySpec(now));
    expect(upcomingExplicitRuns(described, now)).toBe(24);
    const starts = jalaliMonthStarts(now, 24);
    // At a month start the run is no longer ahead; a millisecond before, it is.
    expect(upcomingExplicitRuns(described, starts[11])).toBe(12);
    expect(upcomingExplicitRuns(described, new Date(starts[12].getTime() - 1))).toBe(12);
    expect(upcomingExplicitRuns(described, starts[12])).toBe(11);
    expect(upcomingExplicitRuns(described, tehranMidnight({ year: 1410, month: 1, day: 1 }))).toBe(0);
    expect(toJalali(starts[23])).toEqual({ year: 1406, month: 6, day: 1 });
    // The Gregorian monthly calendar of old, or a fixed interval, is not a Jalali schedule.
    expect(upcomingExplicitRuns(roundTrip({ calendars: [{ dayOfMonth: 1, hour: 0, minute: 0 }], timezone: 'Asia/Tehran' }), now)).toBe(0);
    expect(upcomingExplicitRuns(roundTrip({ intervals: [{ every: '3s' }] }), now)).toBe(0);
    expect(upcomingExplicitRuns(roundTrip({ ...jalaliMonthlySpec(now), timezone: 'UTC' }), now)).toBe(0);
  });
});
