import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { NotFound } from '../common/errors';
import { Database } from '../database/database';
import { InboxView, NotificationReadView } from './dto';
import { InboxRepository, type NewNotification, type Recipients } from './inbox.repository';

export type { NewNotification, Recipients } from './inbox.repository';

/** The in-app inbox: one row per user per notification, read or unread. */
@Injectable()
export class InboxService {
  constructor(
    private readonly db: Database,
    private readonly notifications: InboxRepository,
  ) {}

  async list(actor: Actor, unreadOnly = false): Promise<InboxView> {
    const m = this.db.reader;
    const [items, unread] = await Promise.all([
      this.notifications.list(m, actor.userId, unreadOnly),
      this.notifications.unreadCount(m, actor.userId),
    ]);
    return { unread, items };
  }

  /** Marks one of the caller's own notifications read (someone else's is "not found", never revealed). */
  async markRead(actor: Actor, id: string, read = true): Promise<NotificationReadView> {
    const changed = await this.db.transaction((tx) => this.notifications.markRead(tx, id, actor.userId, read));
    if (!changed) throw new NotFound('notification', id);
    return changed;
  }

  async markAllRead(actor: Actor): Promise<InboxView> {
    await this.db.transaction((tx) => this.notifications.markAllRead(tx, actor.userId));
    return this.list(actor);
  }

  /** Sends one notification to every active user the recipients name, inside the caller's transaction. */
  notify(tx: EntityManager, recipients: Recipients, n: NewNotification): Promise<number> {
    return this.notifications.send(tx, recipients, n);
  }
}
