import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { NotFound } from '../common/errors';

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

/** The in-app inbox: one row per user per notification, read or unread. */
@Injectable()
export class InboxService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(actor: Actor, unreadOnly = false) {
    const [items, [{ unread }]] = await Promise.all([
      this.db.query(
        `SELECT id, kind, case_id AS "caseId", subject_id AS "subjectId", title_fa AS "titleFa", title_en AS "titleEn",
                body_fa AS "bodyFa", body_en AS "bodyEn", created_at AS "createdAt", read_at AS "readAt"
           FROM notifications WHERE user_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''}
          ORDER BY created_at DESC, id LIMIT 200`,
        [actor.userId],
      ),
      this.db.query('SELECT count(*)::int AS unread FROM notifications WHERE user_id = $1 AND read_at IS NULL', [
        actor.userId,
      ]),
    ]);
    return { unread, items };
  }

  /** Marks one of the caller's own notifications read (someone else's is "not found", never revealed). */
  async markRead(actor: Actor, id: string, read = true) {
    const [row] = await this.db.query(
      `WITH changed AS (
         UPDATE notifications SET read_at = CASE WHEN $3 THEN coalesce(read_at, now()) ELSE NULL END
          WHERE id = $1 AND user_id = $2 RETURNING id, read_at)
       SELECT id, read_at AS "readAt" FROM changed`,
      [id, actor.userId, read],
    );
    if (!row) throw new NotFound('notification', id);
    return row as { id: string; readAt: Date | null };
  }

  async markAllRead(actor: Actor) {
    await this.db.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [actor.userId]);
    return this.list(actor);
  }

  /** Sends one notification to every active user the recipients name, inside the caller's transaction. */
  async notify(tx: EntityManager, recipients: Recipients, n: NewNotification): Promise<number> {
    const [where, args] =
      'organizationId' in recipients
        ? [`organization_id = $8 ${recipients.role ? 'AND role = $9' : ''}`, [recipients.organizationId, ...(recipients.role ? [recipients.role] : [])]]
        : ['role = $8', [recipients.role]];
    const rows = await tx.query(
      `INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en)
       SELECT id, $1, $2, $3, $4, $5, $6, $7 FROM users WHERE active AND ${where} RETURNING id`,
      [n.kind, n.caseId ?? null, n.subjectId ?? null, n.titleFa, n.titleEn, n.bodyFa, n.bodyEn, ...args],
    );
    return rows.length;
  }
}
