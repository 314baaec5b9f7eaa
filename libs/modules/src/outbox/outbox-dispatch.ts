import { Injectable, Logger } from '@nestjs/common';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import {
  OUTBOX_DISPATCH_WORKFLOW_TYPE,
  OUTBOX_WAKE_SIGNAL,
  type DispatchOutcome,
  type OutboxActivities,
  type OutboxChannelName,
  type OutboxDispatchInput,
  outboxDispatchWorkflowId,
} from '@pelekan/workflows/outbox.contract';
import { AppConfig, durationMs } from '../config';
import { TemporalClient } from '../temporal';
import { OutboxChannels } from './outbox-channels';

/** The activity of the outbox dispatch workflow: one batch of the channel's due messages. */
@Injectable()
export class OutboxActivitiesImpl implements OutboxActivities {
  constructor(
    private readonly channels: OutboxChannels,
    private readonly config: AppConfig,
  ) {}

  async dispatchOutbox(channel: OutboxChannelName): Promise<DispatchOutcome> {
    const outcome = await this.channels.get(channel).dispatchDue(this.channels.policy);
    // The running workflow started with the poll interval of its day; this carries today's setting to it.
    return { ...outcome, pollMs: durationMs(this.config.OUTBOX_POLL_INTERVAL) };
  }
}

/** Starts each channel's dispatch workflow (the worker, at boot) and wakes it after new messages are committed. */
@Injectable()
export class OutboxDispatch {
  private readonly logger = new Logger(OutboxDispatch.name);

  constructor(
    private readonly temporal: TemporalClient,
    private readonly channels: OutboxChannels,
    private readonly config: AppConfig,
  ) {}

  /** Starts the dispatch workflow of every registered channel; one already running is kept. */
  async ensureRunning(): Promise<void> {
    for (const channel of this.channels.registered()) {
      const input: OutboxDispatchInput = { channel, pollMs: durationMs(this.config.OUTBOX_POLL_INTERVAL) };
      await this.temporal.client.workflow.start(OUTBOX_DISPATCH_WORKFLOW_TYPE, {
        workflowId: outboxDispatchWorkflowId(channel, this.temporal.taskQueue),
        taskQueue: this.temporal.taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
    }
  }

  /**
   * Wakes a channel's dispatcher after its outbox rows were committed. Best effort: a lost wake-up only
   * delays delivery to the next poll, since the rows are already safe in the outbox.
   */
  wake(channel: OutboxChannelName): void {
    this.temporal.client.workflow
      .getHandle(outboxDispatchWorkflowId(channel, this.temporal.taskQueue))
      .signal(OUTBOX_WAKE_SIGNAL)
      .catch((error: Error) => this.logger.debug(`waking the ${channel} outbox: ${error.message}`));
  }
}
