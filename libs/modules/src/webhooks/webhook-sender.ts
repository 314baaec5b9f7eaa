import { Injectable, Logger } from '@nestjs/common';
import { afterFailedAttempt, type OutboxRetryPolicy } from '@pelekan/core';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureHeader } from '@pelekan/core/webhook-signature';
import type { DispatchOutcome } from '@pelekan/workflows/outbox.contract';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import type { OutboxChannel } from '../outbox/outbox-channels';
import { type AttemptOutcome, type ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

const BATCH = 20;

/**
 * The 'webhook' outbox channel (run by the worker's dispatch workflow): claims due deliveries, POSTs each
 * signed, records one attempt row per try, and marks it delivered (2xx) or schedules the next try by core
 * afterFailedAttempt (anything else: another status, a redirect, a refused connection, a timeout).
 */
@Injectable()
export class WebhookSender implements OutboxChannel {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(
    private readonly db: Database,
    private readonly repository: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  async dispatchDue(policy: OutboxRetryPolicy): Promise<DispatchOutcome> {
    const timeoutMs = durationMs(this.config.WEBHOOK_TIMEOUT);
    // The lease outlasts the slowest request, so a claimed delivery is never sent twice at once.
    const claimed = await this.db.transaction((tx) => this.repository.claimDue(tx, BATCH, timeoutMs + 30_000));
    const outcomes = await Promise.all(claimed.map((delivery) => this.send(delivery, timeoutMs)));
    let delivered = 0;
    for (const [index, delivery] of claimed.entries()) {
      const outcome = outcomes[index];
      await this.db.transaction(async (tx) => {
        const { failures } = await this.repository.recordAttempt(tx, delivery.id, outcome);
        if (outcome.ok) await this.repository.markDelivered(tx, delivery.id);
        else await this.repository.markRetry(tx, delivery.id, afterFailedAttempt(failures, new Date(), policy));
      });
      if (outcome.ok) delivered += 1;
    }
    const nextDueInMs = await this.repository.nextDueInMs(this.db.reader);
    return { attempted: claimed.length, delivered, failed: claimed.length - delivered, more: claimed.length === BATCH, nextDueInMs };
  }

  /** One POST; never throws. */
  private async send(delivery: ClaimedDelivery, timeoutMs: number): Promise<AttemptOutcome> {
    const timestamp = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Pelekan-Webhooks/1',
          [EVENT_ID_HEADER]: delivery.eventId,
          [EVENT_TYPE_HEADER]: delivery.eventType,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureHeader(delivery.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return { ok, statusCode: response.status, error: ok ? null : `the receiver answered ${response.status}`, durationMs: elapsed() };
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : [(error as Error).message, cause?.message].filter(Boolean).join(': ');
      this.logger.debug(`webhook ${delivery.id} to ${delivery.url}: ${reason}`);
      return { ok: false, statusCode: null, error: reason.slice(0, 500), durationMs: elapsed() };
    }
  }
}
