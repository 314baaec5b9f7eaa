/**
 * The monthly escalation schedule on a real Temporal server: after `ensure()`, the runs Temporal itself
 * will take (listScheduleMatchingTimes, and describe's next action times) are the Jalali month starts
 * at Tehran midnight, as ICU's Persian calendar reads them too; `renew()` rolls the explicit instants
 * forward when they run short and replaces a Gregorian monthly calendar.
 *
 * The suite builds its own EscalationSchedule with ESCALATION_PERIOD=monthly on a task queue of its
 * own (no worker polls it; nothing runs before the next month start) and deletes the schedule after.
 */
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { msToTs, tsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { jalaliMonthStarts } from '@pelekan/core';
import type { AppConfig, TemporalClient } from '@pelekan/modules';
import { EscalationSchedule } from '../libs/modules/src/escalations/escalation-schedule';
import { testStack } from './support/stack';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const persian = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
  timeZone: 'Asia/Tehran',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});
/** Day, hour, minute and second on Tehran's clock by ICU's Persian calendar: "1/0:0:0" is a month start. */
const persianDayAndTime = (d: Date) => {
  const p = Object.fromEntries(persian.formatToParts(d).map((x) => [x.type, parseInt(x.value, 10)]));
  return `${p.day}/${p.hour}:${p.minute}:${p.second}`;
};

describe('the monthly escalation schedule runs on Jalali month starts', () => {
  const stack = testStack();
  const taskQueue = `jalali-schedule-${randomUUID()}`;
  let connection: Connection;
  let client: Client;
  let schedule: EscalationSchedule;

  /** The next `count` times Temporal will run the schedule after `from`, from the server itself. */
  async function matchingTimes(from: Date, count: number): Promise<string[]> {
    const response: temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse =
      await connection.workflowService.listScheduleMatchingTimes({
        namespace: stack.temporalNamespace,
        scheduleId: schedule.id,
        startTime: msToTs(from.getTime() + 1),
        endTime: msToTs(from.getTime() + (count + 2) * 31 * DAY),
      });
    return (response.startTime ?? []).slice(0, count).map((t) => tsToDate(t).toISOString());
  }

  beforeAll(async () => {
    connection = await Connection.connect({ address: stack.temporalAddress });
    client = new Client({ connection, namespace: stack.temporalNamespace });
    const temporal = { client, taskQueue } as unknown as TemporalClient;
    schedule = new EscalationSchedule(temporal, { ESCALATION_PERIOD: 'monthly' } as AppConfig);
  });

  afterAll(async () => {
    await client?.schedule
      .getHandle(schedule.id)
      .delete()
      .catch((error) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    await connection?.close();
  });

  it('gives Temporal the next Jalali month starts, and rolls them forward when they run short', async () => {
    const now = new Date();
    await schedule.ensure(now);
    const expected = jalaliMonthStarts(now, 12).map((d) => d.toISOString());

    // The next twelve runs, as Temporal computes them from the spec.
    const runs = await matchingTimes(now, 12);
    expect(runs).toEqual(expected);
    // Independently of core's calendar: each is 1st of a Persian month, 00:00:00 in Tehran, a month apart.
    expect(runs.map((r) => persianDayAndTime(new Date(r)))).toEqual(Array(12).fill('1/0:0:0'));
    for (let i = 1; i < runs.length; i++) {
      const days = (Date.parse(runs[i]) - Date.parse(runs[i - 1])) / DAY;
      expect(days >= 29 && days <= 31).toBe(true);
    }
    // What the schedule's description (and so GET /escalations/schedule) shows as the next runs.
    const description = await client.schedule.getHandle(schedule.id).describe();
    const next = description.info.nextActionTimes.map((d) => d.toISOString());
    expect(next.length).toBeGreaterThanOrEqual(3);
    expect(next).toEqual(expected.slice(0, next.length));
    expect(description.policies.catchupWindow).toBe(28 * DAY);

    // Two dozen starts ahead: nothing to renew now.
    expect(await schedule.renew(now)).toBe(false);
    // Thirteen months on, eleven remain: renewal gives the next twenty-four from then.
    const later = new Date(Date.parse(expected[0]) + 12 * 31 * DAY);
    expect(await schedule.renew(later)).toBe(true);
    expect(await matchingTimes(later, 12)).toEqual(jalaliMonthStarts(later, 12).map((d) => d.toISOString()));
    expect(await schedule.renew(later)).toBe(false);

    // A schedule still on the Gregorian calendar of old (Tehran midnight on the 1st) is replaced.
    await client.schedule
      .getHandle(schedule.id)
      .update((current) => ({ ...current, spec: { calendars: [{ dayOfMonth: 1, hour: 0, minute: 0 }], timezone: 'Asia/Tehran' } }));
    expect((await matchingTimes(now, 1))[0]).not.toEqual(expected[0]);
    expect(await schedule.renew(now)).toBe(true);
    expect(await matchingTimes(now, 12)).toEqual(expected);
  });
});
