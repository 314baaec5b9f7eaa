import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DigestMonth, EmailPreference, OutboxStatus } from '@pelekan/core';
import { row, rows } from '../database/database';

export interface EmailSettingsRow {
  email: string | null;
  preference: EmailPreference;
}

/** A claimed outbox message, with what its mail needs of its recipient. */
export interface ClaimedMail {
  id: string;
  userId: string;
  role: string;
  toAddress: string;
  attempts: number;
  notificationId: string | null;
  digestMonth: string | null;
}

/** A notification as a mail shows it: its texts, and its item, project and level when it has them. */
export interface NoticeRow {
  titleFa: string;
  titleEn: string;
  bodyFa: string;
  bodyEn: string;
  createdAt: Date;
  itemCode: string | null;
  itemTitleFa: string | null;
  itemTitleEn: string | null;
  projectId: string | null;
  projectCode: string | null;
  projectNameFa: string | null;
  projectNameEn: string | null;
  level: number | null;
}

export interface OutboxRow {
  id: string;
  userId: string;
  username: string;
  toAddress: string;
  notificationId: string | null;
  digestMonth: string | null;
  subjectFa: string | null;
  subjectEn: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  cursorAt: string;
}

export interface AttemptRow {
  attempt: number;
  at: Date;
  outcome: 'delivered' | 'failed';
  response: string;
}

/**
 * A notification's item, project and level: an escalation case names them; a stage case, an item, a
 * tranche or a project may be its subject.
 */
const NOTICE_COLUMNS = `n.title_fa AS "titleFa", n.title_en AS "titleEn", n.body_fa AS "bodyFa", n.body_en AS "bodyEn", n.created_at AS "createdAt",
       i.code AS "itemCode", i.title_fa AS "itemTitleFa", i.title_en AS "itemTitleEn",
       p.id AS "projectId", p.code AS "projectCode", p.name_fa AS "projectNameFa", p.name_en AS "projectNameEn",
       coalesce(c.level, sc.level)::int AS level`;
const NOTICE_JOINS = `LEFT JOIN escalation_cases c ON c.id = n.case_id
  LEFT JOIN stage_cases sc ON sc.id = n.subject_id
  LEFT JOIN action_items i ON i.id = coalesce(c.item_id, sc.item_id, n.subject_id)
  LEFT JOIN tranches t ON t.id = coalesce(sc.tranche_id, n.subject_id)
  LEFT JOIN projects p ON p.id = coalesce(c.project_id, sc.project_id, i.project_id, t.project_id, n.subject_id)`;

/** How long a claimed message is kept from other senders while it is being sent. */
const CLAIM_LEASE = '5 minutes';

@Injectable()
export class MailRepository {
  async settings(m: EntityManager, userId: string): Promise<EmailSettingsRow | null> {
    return row<EmailSettingsRow>(m, 'SELECT email, email_preference AS preference FROM users WHERE id = $1', [userId]);
  }

  async saveSettings(m: EntityManager, userId: string, email: string | null | undefined, preference: EmailPreference | undefined): Promise<EmailSettingsRow | null> {
    return row<EmailSettingsRow>(
      m,
      `UPDATE users SET email = CASE WHEN $2 THEN $3 ELSE email END, email_preference = coalesce($4, email_preference)
        WHERE id = $1 RETURNING email, email_preference AS preference`,
      [userId, email !== undefined, email ?? null, preference ?? null],
    );
  }

  /**
   * Writes the digest of `month` for every active `monthly` user with an address who had notifications
   * in it not already mailed on their own. One per user and month: a rerun or a second worker adds none.
   */
  async composeDigests(m: EntityManager, month: DigestMonth, now: Date): Promise<number> {
    const written = await rows<{ id: string }>(
      m,
      `INSERT INTO email_outbox (user_id, digest_month, to_address, next_attempt_at, created_at)
       SELECT u.id, $3, u.email, $4, $4 FROM users u
        WHERE u.active AND u.email IS NOT NULL AND u.email_preference = 'monthly'
          AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.created_at >= $1 AND n.created_at < $2
                         AND NOT EXISTS (SELECT 1 FROM email_outbox e WHERE e.notification_id = n.id))
       ON CONFLICT ON CONSTRAINT one_digest_per_month DO NOTHING
       RETURNING id`,
      [month.start, month.end, month.key, now],
    );
    return written.length;
  }

  /** Milliseconds from `now` until the earliest pending message falls due (0 when one is due), or null when none is pending. */
  async nextDueInMs(m: EntityManager, now: Date): Promise<number | null> {
    const found = await row<{ ms: string | null }>(
      m,
      `SELECT greatest(0, ceil(extract(epoch FROM min(next_attempt_at) - $1::timestamptz) * 1000))::text AS ms
         FROM email_outbox WHERE status = 'pending'`,
      [now],
    );
    return found?.ms == null ? null : Number(found.ms);
  }

  /** Claims up to `limit` due messages for this sender: their next attempt moves a lease ahead, so no other sender takes them meanwhile. */
  async claimDue(m: EntityManager, now: Date, limit: number): Promise<ClaimedMail[]> {
    return rows<ClaimedMail>(
      m,
      `WITH due AS (
         SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE email_outbox e SET next_attempt_at = $1::timestamptz + interval '${CLAIM_LEASE}'
         FROM due, users u
        WHERE e.id = due.id AND u.id = e.user_id
       RETURNING e.id, e.user_id AS "userId", u.role, e.to_address AS "toAddress", e.attempts,
                 e.notification_id AS "notificationId", e.digest_month AS "digestMonth"`,
      [now, limit],
    );
  }

  async notice(m: EntityManager, notificationId: string): Promise<NoticeRow | null> {
    return row<NoticeRow>(m, `SELECT ${NOTICE_COLUMNS} FROM notifications n ${NOTICE_JOINS} WHERE n.id = $1`, [notificationId]);
  }

  /** A user's notifications of a month not mailed on their own, oldest first (at most `limit`), and how many there are. */
  async digestNotices(m: EntityManager, userId: string, month: DigestMonth, limit: number): Promise<{ notices: NoticeRow[]; total: number }> {
    const where = `n.user_id = $1 AND n.created_at >= $2 AND n.created_at < $3
                   AND NOT EXISTS (SELECT 1 FROM email_outbox e WHERE e.notification_id = n.id)`;
    const notices = await rows<NoticeRow>(
      m,
      `SELECT ${NOTICE_COLUMNS} FROM notifications n ${NOTICE_JOINS} WHERE ${where} ORDER BY n.created_at, n.id LIMIT $4`,
      [userId, month.start, month.end, limit],
    );
    const [{ total }] = await rows<{ total: number }>(m, `SELECT count(*)::int AS total FROM notifications n WHERE ${where}`, [
      userId,
      month.start,
      month.end,
    ]);
    return { notices, total };
  }

  /** Records one attempt and where the message now stands. */
  async recordAttempt(
    m: EntityManager,
    id: string,
    at: Date,
    outcome: 'delivered' | 'failed',
    response: string,
    next: { status: OutboxStatus; nextAttemptAt: Date | null; attempts: number },
  ): Promise<void> {
    await m.query(
      `INSERT INTO email_attempts (outbox_id, attempt, at, outcome, response)
       SELECT $1, coalesce(max(attempt), 0) + 1, $2, $3, $4 FROM email_attempts WHERE outbox_id = $1`,
      [id, at, outcome, response.slice(0, 2000)],
    );
    await m.query(
      `UPDATE email_outbox SET status = $2, next_attempt_at = $3, attempts = $4,
              delivered_at = CASE WHEN $2 = 'delivered' THEN $5::timestamptz ELSE delivered_at END,
              last_error = CASE WHEN $2 = 'delivered' THEN NULL ELSE $6 END
        WHERE id = $1`,
      [id, next.status, next.nextAttemptAt, next.attempts, at, response.slice(0, 2000)],
    );
  }

  async page(m: EntityManager, status: OutboxStatus | null, limit: number, after: [string, string] | null): Promise<OutboxRow[]> {
    return rows<OutboxRow>(
      m,
      `SELECT e.id, e.user_id AS "userId", u.username, e.to_address AS "toAddress", e.notification_id AS "notificationId",
              e.digest_month AS "digestMonth", n.title_fa AS "subjectFa", n.title_en AS "subjectEn", e.status, e.attempts,
              e.next_attempt_at AS "nextAttemptAt", e.created_at AS "createdAt", e.delivered_at AS "deliveredAt",
              e.last_error AS "lastError", e.created_at::text AS "cursorAt"
         FROM email_outbox e JOIN users u ON u.id = e.user_id LEFT JOIN notifications n ON n.id = e.notification_id
        WHERE ($1::text IS NULL OR e.status = $1)
          AND ($2::timestamptz IS NULL OR (e.created_at, e.id) < ($2::timestamptz, $3::uuid))
        ORDER BY e.created_at DESC, e.id DESC LIMIT $4`,
      [status, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
  }

  async attempts(m: EntityManager, id: string): Promise<AttemptRow[] | null> {
    const exists = await row(m, 'SELECT 1 FROM email_outbox WHERE id = $1', [id]);
    if (!exists) return null;
    return rows<AttemptRow>(m, 'SELECT attempt, at, outcome, response FROM email_attempts WHERE outbox_id = $1 ORDER BY attempt', [id]);
  }

  /** A failed message back to pending, due now, with a fresh round of attempts; null when there is no such message. */
  async redeliver(m: EntityManager, id: string): Promise<{ status: OutboxStatus } | null> {
    const found = await row<{ status: OutboxStatus }>(m, 'SELECT status FROM email_outbox WHERE id = $1 FOR UPDATE', [id]);
    if (!found || found.status !== 'failed') return found;
    await m.query(`UPDATE email_outbox SET status = 'pending', next_attempt_at = now(), attempts = 0 WHERE id = $1`, [id]);
    return { status: 'pending' };
  }
}
