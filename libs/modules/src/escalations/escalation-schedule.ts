import { Injectable, Logger } from '@nestjs/common';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { IRAN_TIME_ZONE, periodSeconds } from '@pelekan/core';
import {
  ESCALATION_SWEEP_WORKFLOW_TYPE,
  escalationScheduleId,
} from '@pelekan/workflows/escalation.contract';
import { AppConfig } from '../config';
import { TemporalClient } from '../temporal';
import type { ScheduleView, SweepTriggeredView } from './dto';
import { escalationPeriod } from './period';

/**
 * The Temporal Schedule that starts the escalation sweep once per period. A Schedule rather than a
 * long-lived workflow with timers: Temporal keeps the calendar, skips overlapping runs, catches up
 * runs missed while it was down, and operators can see, pause or trigger it in the Temporal UI.
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

  private spec(): ScheduleSpec {
    const period = escalationPeriod(this.config);
    if (period.kind === 'monthly') {
      // Tehran midnight on the 1st of each month.
      return { calendars: [{ dayOfMonth: 1, hour: 0, minute: 0 }], timezone: IRAN_TIME_ZONE };
    }
    return { intervals: [{ every: `${period.seconds}s` }] };
  }

  /**
   * Creates the schedule, or brings an existing one's period in line with the configuration. The
   * worker calls it at start and, until it succeeds, on its reconcile timer.
   */
  async ensure(): Promise<void> {
    const client = this.temporal.client.schedule;
    const spec = this.spec();
    const catchupSeconds = Math.max(periodSeconds(escalationPeriod(this.config)), 60);
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
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${catchupSeconds}s` },
      });
      this.logger.log(`escalation schedule ${this.id} created (${this.config.ESCALATION_PERIOD})`);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.getHandle(this.id).update((current) => ({ ...current, spec }));
    }
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
