import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';

export interface NewNotification {
  kind: string;
  caseId?: string | null;
  subjectId?: string | null;
  titleFa: string;
  titleEn: string;
  bodyFa: string;
  bodyEn: string;
}

/** Who should hear of something, as the inbox resolves it to active users. */
export type Recipients =
  | { role: 'pbo' | 'committee' | 'admin' }
  | { organizationId: string; role?: 'agency' | 'committee' };

export interface NotificationRecord {
  id: string;
  kind: string;
  caseId: string | null;
  subjectId: string | null;
  titleFa: string;
  titleEn: string;
  bodyFa: string;
  bodyEn: string;
  createdAt: Date;
  readAt: Date | null;
}

/** The in-app inbox: one row per user per notification. */
@Injectable()
export class InboxRepository {
  /** The user's notifications, newest first (at most 200). */
  async list(m: EntityManager, userId: string, unreadOnly: boolean): Promise<NotificationRecord[]> {
    return rows<NotificationRecord>(
      m,
      `SELECT id, kind, case_id AS "caseId", subject_id AS "subjectId", title_fa AS "titleFa", title_en AS "titleEn",
              body_fa AS "bodyFa", body_en AS "bodyEn", created_at AS "createdAt", read_at AS "readAt"
         FROM notifications WHERE user_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''}
        ORDER BY created_at DESC, id LIMIT 200`,
      [userId],
    );
  }

  async unreadCount(m: EntityManager, userId: string): Promise<number> {
    const found = await row<{ unread: number }>(m, 'SELECT count(*)::int AS unread FROM notifications WHERE user_id = $1 AND read_at IS NULL', [
      userId,
    ]);
    return found!.unread;
  }

  /** Marks one of the user's own notifications read or unread; null when the user has no such notification. */
  async markRead(m: EntityManager, id: string, userId: string, read: boolean): Promise<{ id: string; readAt: Date | null } | null> {
    return row<{ id: string; readAt: Date | null }>(
      m,
      `UPDATE notifications SET read_at = CASE WHEN $3 THEN coalesce(read_at, now()) ELSE NULL END
        WHERE id = $1 AND user_id = $2 RETURNING id, read_at AS "readAt"`,
      [id, userId, read],
    );
  }

  async markAllRead(m: EntityManager, userId: string): Promise<void> {
    await m.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [userId]);
  }

  /** One notification to every active user the recipients name; answers how many it reached. */
  async send(m: EntityManager, recipients: Recipients, n: NewNotification): Promise<number> {
    const [where, args] =
      'organizationId' in recipients
        ? [
            `organization_id = $8 ${recipients.role ? 'AND role = $9' : ''}`,
            [recipients.organizationId, ...(recipients.role ? [recipients.role] : [])],
          ]
        : ['role = $8', [recipients.role]];
    const sent = await rows<{ id: string }>(
      m,
      `INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en)
       SELECT id, $1, $2, $3, $4, $5, $6, $7 FROM users WHERE active AND ${where} RETURNING id`,
      [n.kind, n.caseId ?? null, n.subjectId ?? null, n.titleFa, n.titleEn, n.bodyFa, n.bodyEn, ...args],
    );
    return sent.length;
  }
}
