import { Injectable } from '@nestjs/common';
import type { OutboxRetryPolicy } from '@pelekan/core';
import type { DispatchOutcome, OutboxChannelName } from '@pelekan/workflows/outbox.contract';
import { AppConfig, durationMs } from '../config';

/** A channel's sender: delivers one batch of its due messages, recording each attempt. */
export interface OutboxChannel {
  dispatchDue(policy: OutboxRetryPolicy): Promise<DispatchOutcome>;
}

/**
 * The channels the outbox dispatcher drains. Each channel's module registers its sender when it starts
 * (`onModuleInit`), so the dispatcher knows no channel and no channel knows Temporal.
 */
@Injectable()
export class OutboxChannels {
  private readonly channels = new Map<OutboxChannelName, OutboxChannel>();

  constructor(private readonly config: AppConfig) {}

  register(name: OutboxChannelName, channel: OutboxChannel): void {
    this.channels.set(name, channel);
  }

  registered(): OutboxChannelName[] {
    return [...this.channels.keys()];
  }

  get(name: OutboxChannelName): OutboxChannel {
    const channel = this.channels.get(name);
    if (!channel) throw new Error(`no outbox channel "${name}" is registered`);
    return channel;
  }

  /** The retry policy from the settings (core outbox.ts applies it). */
  get policy(): OutboxRetryPolicy {
    return {
      initialMs: durationMs(this.config.OUTBOX_RETRY_INITIAL),
      maxMs: durationMs(this.config.OUTBOX_RETRY_MAX),
      maxAttempts: this.config.OUTBOX_MAX_ATTEMPTS,
    };
  }
}
