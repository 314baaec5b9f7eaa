import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { OutboxChannelName } from '@pelekan/workflows/outbox.contract';
import { AppConfig } from '../config';
import { OutboxChannels } from './outbox-channels';
import { OutboxDispatch } from './outbox-dispatch';

/** The PostgreSQL channel outbox triggers notify with the name of the outbox they wrote to ('email', 'webhook'). */
export const OUTBOX_NOTIFY_CHANNEL = 'pelekan_outbox';

/** One wake-up per channel at most this often: a burst of releases wakes the dispatcher once. */
const WAKE_EVERY_MS = 250;
const RECONNECT_MS = 5_000;

/**
 * Wakes the outbox dispatchers when PostgreSQL says an outbox was written to. The triggers that write
 * outbox rows inside the business transaction (a release, a hold, a notification) also call
 * `pg_notify`, which PostgreSQL delivers only when that transaction commits — so a dispatcher never
 * wakes for a message that was rolled back, and no application path has to remember to wake it. A lost
 * notification (the listener reconnecting) only delays delivery to the next poll.
 */
@Injectable()
export class OutboxWakeListener implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxWakeListener.name);
  private client: Client | null = null;
  private stopped = false;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly config: AppConfig,
    private readonly dispatch: OutboxDispatch,
    private readonly channels: OutboxChannels,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((error: Error) => this.retryLater(error));
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'pelekan-outbox-listener' });
    client.on('notification', ({ payload }) => this.heard(payload ?? ''));
    client.on('error', (error) => {
      if (this.client === client) this.retryLater(error);
    });
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    if (this.stopped) return void client.end().catch(() => undefined);
    this.client = client;
  }

  private retryLater(error: Error): void {
    const old = this.client;
    this.client = null;
    old?.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(`listening for outbox writes: ${error.message}; retrying in ${RECONNECT_MS / 1000} s (the poll still delivers)`);
    setTimeout(() => void this.start(), RECONNECT_MS).unref();
  }

  private heard(channel: string): void {
    // Only registered channels have a dispatcher to wake (e-mail without SMTP_URL or MAIL_DIR has none).
    if (!this.channels.registered().includes(channel as OutboxChannelName) || this.pending.has(channel)) return;
    this.pending.set(
      channel,
      setTimeout(() => {
        this.pending.delete(channel);
        this.dispatch.wake(channel as OutboxChannelName);
      }, WAKE_EVERY_MS),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
