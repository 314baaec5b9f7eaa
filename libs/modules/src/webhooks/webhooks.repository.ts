import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { DeliveryStatus, WebhookAttemptView, WebhookDeliveryView, WebhookEventType, WebhookSubscriberView } from './dto';

/** A delivery claimed for sending: what the sender needs to POST it. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  url: string;
  secret: string;
  /** The body exactly as sent (and signed): the event's stored payload, the same on every attempt. */
  body: string;
}

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const SUBSCRIBER_COLUMNS = `id, url, description, events, active, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The webhook tables. Events and deliveries are written by the database's triggers (see the migration), read and updated here. */
@Injectable()
export class WebhooksRepository {
  async insertSubscriber(
    tx: EntityManager,
    s: { url: string; description: string; events: WebhookEventType[]; secret: string; createdBy: string },
  ): Promise<WebhookSubscriberView> {
    return (await row<WebhookSubscriberView>(
      tx,
      `INSERT INTO webhook_subscribers (url, description, events, secret, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${SUBSCRIBER_COLUMNS}`,
      [s.url, s.description, s.events, s.secret, s.createdBy],
    ))!;
  }

  async subscribers(m: EntityManager): Promise<WebhookSubscriberView[]> {
    return rows<WebhookSubscriberView>(m, `SELECT ${SUBSCRIBER_COLUMNS} FROM webhook_subscribers ORDER BY created_at, id`);
  }

  async updateSubscriber(
    tx: EntityManager,
    id: string,
    change: { url?: string; description?: string; events?: WebhookEventType[]; active?: boolean },
  ): Promise<WebhookSubscriberView | null> {
    return row<WebhookSubscriberView>(
      tx,
      `UPDATE webhook_subscribers
          SET url = coalesce($2, url), description = coalesce($3, description), events = coalesce($4::text[], events),
              active = coalesce($5, active), updated_at = now()
        WHERE id = $1 RETURNING ${SUBSCRIBER_COLUMNS}`,
      [id, change.url ?? null, change.description ?? null, change.events ?? null, change.active ?? null],
    );
  }

  async deliveries(
    m: EntityManager,
    filter: { status?: DeliveryStatus; subscriberId?: string; deliveryId?: string },
    limit: number,
  ): Promise<WebhookDeliveryView[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) where.push(`d.status = $${args.push(filter.status)}`);
    if (filter.subscriberId) where.push(`d.subscriber_id = $${args.push(filter.subscriberId)}`);
    if (filter.deliveryId) where.push(`d.id = $${args.push(filter.deliveryId)}`);
    const found = await rows<Omit<WebhookDeliveryView, 'attemptLog'> & { attemptLog: Array<Omit<WebhookAttemptView, 'at'> & { at: string }> }>(
      m,
      `SELECT d.id, d.event_id AS "eventId", e.type AS "eventType", d.subscriber_id AS "subscriberId", s.url AS "subscriberUrl",
              d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode",
              d.last_error AS "lastError", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt", e.payload,
              coalesce((SELECT json_agg(json_build_object('number', a.number, 'at', a.at, 'statusCode', a.status_code, 'error', a.error,
                                                         'durationMs', a.duration_ms, 'ok', a.ok) ORDER BY a.number)
                          FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS "attemptLog"
         FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
         JOIN webhook_subscribers s ON s.id = d.subscriber_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $${args.push(limit)}`,
      args,
    );
    return found.map((d) => ({ ...d, attemptLog: d.attemptLog.map((a) => ({ ...a, at: new Date(a.at) })) }));
  }

  /**
   * Claims up to `limit` due deliveries of active or inactive subscribers (skipping rows another
   * dispatcher holds) by moving their next attempt past `leaseMs`: sending happens outside any
   * transaction, and a sender that dies mid-way leaves them due again when the lease ends.
   */
  async claimDue(tx: EntityManager, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return rows<ClaimedDelivery>(
      tx,
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due, webhook_events e, webhook_subscribers s
        WHERE d.id = due.id AND e.id = d.event_id AND s.id = d.subscriber_id
       RETURNING d.id, d.event_id AS "eventId", e.type AS "eventType", s.url, s.secret, e.payload::text AS body`,
      [limit, leaseMs],
    );
  }

  /** Milliseconds until the earliest pending delivery falls due (0 when one is due now), or null when none is pending. */
  async nextDueInMs(m: EntityManager): Promise<number | null> {
    const found = await row<{ ms: string | null }>(
      m,
      `SELECT greatest(0, ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000))::text AS ms
         FROM webhook_deliveries WHERE status = 'pending'`,
    );
    return found?.ms == null ? null : Number(found.ms);
  }

  /** Records one try: its attempt row and the delivery's counters; returns the failures of this round so far. */
  async recordAttempt(tx: EntityManager, deliveryId: string, outcome: AttemptOutcome): Promise<{ failures: number }> {
    const updated = (await row<{ attempts: number; failures: number }>(
      tx,
      `UPDATE webhook_deliveries SET attempts = attempts + 1, failures = failures + CASE WHEN $2 THEN 0 ELSE 1 END,
              last_status_code = $3, last_error = $4
        WHERE id = $1 RETURNING attempts, failures`,
      [deliveryId, outcome.ok, outcome.statusCode, outcome.error],
    ))!;
    await tx.query(`INSERT INTO webhook_attempts (delivery_id, number, status_code, error, duration_ms, ok) VALUES ($1, $2, $3, $4, $5, $6)`, [
      deliveryId,
      updated.attempts,
      outcome.statusCode,
      outcome.error,
      outcome.durationMs,
      outcome.ok,
    ]);
    return { failures: updated.failures };
  }

  async markDelivered(tx: EntityManager, deliveryId: string): Promise<void> {
    await tx.query(`UPDATE webhook_deliveries SET status = 'delivered', next_attempt_at = NULL, delivered_at = now() WHERE id = $1`, [deliveryId]);
  }

  async markRetry(tx: EntityManager, deliveryId: string, next: { status: 'pending'; nextAttemptAt: Date } | { status: 'failed'; nextAttemptAt: null }): Promise<void> {
    await tx.query(`UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3 WHERE id = $1`, [deliveryId, next.status, next.nextAttemptAt]);
  }

  /** The delivery's status, locked; null when there is none. */
  async lockDelivery(tx: EntityManager, deliveryId: string): Promise<{ status: DeliveryStatus } | null> {
    return row<{ status: DeliveryStatus }>(tx, 'SELECT status FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [deliveryId]);
  }

  /** Sends it again now: the same event (id and body), a fresh round of retries. */
  async redeliver(tx: EntityManager, deliveryId: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'pending', failures = 0, next_attempt_at = now(), delivered_at = NULL WHERE id = $1`,
      [deliveryId],
    );
  }
}
