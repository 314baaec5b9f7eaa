import { Injectable, Logger } from '@nestjs/common';
import type { Duration } from '@temporalio/common';
import {
  MONTHS,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type ScheduleSpec,
  type ScheduleSpecDescription,
} from '@temporalio/client';
import { formatJalali, IRAN_TIME_ZONE, jalaliMonthStarts, tehranOffsetMs, tehranWallClock, toJalali } from '@pelekan/core';
import {
  ESCALATION_SWEEP_WORKFLOW_TYPE,
  escalationScheduleId,
} from '@pelekan/workflows/escalation.contract';
import { AppConfig } from '../config';
import { TemporalClient } from '../temporal';
import type { ScheduleView, SweepTriggeredView } from './dto';
import { escalationPeriod } from './period';

/** How many Jalali month starts a monthly schedule is given at a time. */
export const JALALI_HORIZON_MONTHS = 24;
/** A monthly schedule with fewer upcoming month starts than this is renewed (a year ahead at the least). */
export const RENEW_BELOW_MONTHS = 12;
/**
 * How late a missed monthly run may still be taken (the server was down at the month start): less
 * than the shortest Jalali month (29 days), so a run is never made up once the next one is due.
 */
const MONTHLY_CATCHUP: Duration = '28 days';

/**
 * Temporal's calendars are Gregorian, and a Jalali month starts on a different Gregorian day from one
 * year to the next: the monthly schedule holds the next `count` Jalali month starts after `from` as
 * explicit calendar entries, each the Gregorian date and time Tehran's wall clock shows at that instant
 * (00:00 on the 1st of the Jalali month), read in Asia/Tehran.
 */
export function jalaliMonthlySpec(from: Date, count = JALALI_HORIZON_MONTHS): ScheduleSpec {
  const calendars: CalendarSpec[] = jalaliMonthStarts(from, count).map((start) => {
    const wall = tehranWallClock(start);
    return {
      year: wall.year,
      month: MONTHS[wall.month - 1],
      dayOfMonth: wall.day,
      hour: wall.hour,
      minute: wall.minute,
      second: wall.second,
      comment: `Jalali ${formatJalali(toJalali(start))}`,
    };
  });
  return { calendars, timezone: IRAN_TIME_ZONE };
}

/**
 * How many runs of a schedule's explicit calendar entries (one year, month and day each, as
 * `jalaliMonthlySpec` writes them) fall after `now`; 0 for a schedule that also has intervals, crons or
 * an open calendar (any year), which is not a Jalali monthly schedule and must be replaced.
 */
export function upcomingExplicitRuns(spec: ScheduleSpecDescription, now: Date): number {
  if ((spec.intervals?.length ?? 0) > 0 || spec.timezone !== IRAN_TIME_ZONE) return 0;
  const single = <T>(ranges: ReadonlyArray<{ start: T; end: T }>): T | undefined =>
    ranges.length === 1 && ranges[0].start === ranges[0].end ? ranges[0].start : undefined;
  let upcoming = 0;
  for (const c of spec.calendars ?? []) {
    const month = single(c.month);
    const fields = [
      single(c.year),
      month === undefined ? undefined : MONTHS.indexOf(month),
      single(c.dayOfMonth),
      single(c.hour),
      single(c.minute),
      single(c.second),
    ];
    if (fields.some((x) => x === undefined)) return 0;
    const [year, monthIndex, day, hour, minute, second] = fields as number[];
    const wall = Date.UTC(year, monthIndex, day, hour, minute, second);
    const instant = wall - tehranOffsetMs(new Date(wall - 3.5 * 3600_000));
    if (instant > now.getTime()) upcoming += 1;
  }
  return upcoming;
}

/**
 * The Temporal Schedule that starts the escalation sweep once per period. A Schedule rather than a
 * long-lived workflow with timers: Temporal keeps the calendar, skips overlapping runs, catches up
 * runs missed while it was down, and operators can see, pause or trigger it in the Temporal UI.
 *
 * Monthly, it runs at Tehran midnight on the 1st of each Jalali month: the schedule holds the next
 * `JALALI_HORIZON_MONTHS` month starts as explicit instants (`jalaliMonthlySpec`), and `renew()` rolls
 * them forward when fewer than `RENEW_BELOW_MONTHS` remain. Renewal lives in Temporal's state, not in
 * a process: `ensure()` rewrites the spec at every worker start, each sweep renews after its run, and
 * the worker checks daily; a schedule left alone still has a year of runs.
 */
@Injectable()
export class EscalationSchedule {
  private readonly logger = new Logger(EscalationSchedule.name);

  constructor(
    private readonly temporal: TemporalClient,
    private readonly config: AppConfig,
  ) {}

  get id(): string {
    return escalationScheduleId(this.temporal.taskQueue);
  }

  private spec(now: Date): ScheduleSpec {
    const period = escalationPeriod(this.config);
    if (period.kind === 'monthly') return jalaliMonthlySpec(now);
    return { intervals: [{ every: `${period.seconds}s` }] };
  }

  private catchupWindow(): Duration {
    const period = escalationPeriod(this.config);
    return period.kind === 'monthly' ? MONTHLY_CATCHUP : `${Math.max(period.seconds, 60)}s`;
  }

  /**
   * Creates the schedule, or brings an existing one's period (and a monthly one's horizon) in line
   * with the configuration. The worker calls it at start.
   */
  async ensure(now = new Date()): Promise<void> {
    const client = this.temporal.client.schedule;
    const spec = this.spec(now);
    const catchupWindow = this.catchupWindow();
    try {
      await client.create({
        scheduleId: this.id,
        spec,
        action: {
          type: 'startWorkflow',
          workflowType: ESCALATION_SWEEP_WORKFLOW_TYPE,
          taskQueue: this.temporal.taskQueue,
          args: [],
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow },
      });
      this.logger.log(`escalation schedule ${this.id} created (${this.config.ESCALATION_PERIOD})`);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.getHandle(this.id).update((current) => ({ ...current, spec, policies: { ...current.policies, catchupWindow } }));
    }
  }

  /**
   * Rolls a monthly schedule's Jalali month starts forward when fewer than `RENEW_BELOW_MONTHS` remain
   * after `now` (or its spec is not a Jalali one); true if it updated the schedule. Fixed periods need
   * no renewal.
   */
  async renew(now = new Date()): Promise<boolean> {
    if (escalationPeriod(this.config).kind !== 'monthly') return false;
    const handle = this.temporal.client.schedule.getHandle(this.id);
    const description = await handle.describe();
    const upcoming = upcomingExplicitRuns(description.spec, now);
    if (upcoming >= RENEW_BELOW_MONTHS) return false;
    const spec = this.spec(now);
    await handle.update((current) => ({ ...current, spec }));
    this.logger.log(`escalation schedule ${this.id} renewed: ${upcoming} Jalali month starts were left, now ${JALALI_HORIZON_MONTHS}`);
    return true;
  }

  /** Runs a sweep now (an administrator's "sweep now"), besides the periodic ones. */
  async triggerNow(): Promise<SweepTriggeredView> {
    await this.ensure();
    await this.temporal.client.schedule.getHandle(this.id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    return { triggered: true, schedule: this.id };
  }

  async describe(): Promise<ScheduleView> {
    const description = await this.temporal.client.schedule.getHandle(this.id).describe();
    return {
      id: this.id,
      period: this.config.ESCALATION_PERIOD,
      paused: description.state.paused,
      nextRuns: description.info.nextActionTimes.slice(0, 3),
      recentRuns: description.info.recentActions.slice(-5).map((a) => ({
        scheduledAt: a.scheduledAt,
        takenAt: a.takenAt,
        workflowId: a.action.workflow.workflowId,
      })),
    };
  }
}
