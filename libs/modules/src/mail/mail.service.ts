import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { afterFailedAttempt, lastClosedJalaliMonth, type OutboxRetryPolicy, type OutboxStatus, pageOf, parseDigestKey } from '@pelekan/core';
import type { DispatchOutcome } from '@pelekan/workflows/outbox.contract';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { OutboxChannels } from '../outbox/outbox-channels';
import { OutboxDispatch } from '../outbox/outbox-dispatch';
import type { OutboxChannel } from '../outbox/outbox-channels';
import { EmailAttemptView, EmailOutboxPageView, EmailOutboxQueryDto, EmailRedeliverView, EmailSettingsDto, EmailSettingsView } from './dto';
import { emlTransport, type MailTransport, smtpTransport } from './mail-transport';
import { type ClaimedMail, MailRepository, type NoticeRow } from './mail.repository';
import { actionLink, type MailNotice, renderDigestMail, renderNotificationMail, type RenderedMail } from './render';

/** Messages one dispatch takes; more due: the dispatcher comes back at once. */
const BATCH = 20;
/** Notifications listed in a digest (the count says how many there were). */
const DIGEST_LIST = 100;

/**
 * E-mail: users' addresses and preferences, the outbox the notifications trigger fills, and its sender
 * (the 'email' outbox channel, run by the worker's dispatch workflow).
 */
@Injectable()
export class MailService implements OutboxChannel, OnModuleInit {
  private readonly logger = new Logger('Mail');
  private transport: MailTransport | null;

  constructor(
    private readonly db: Database,
    private readonly repository: MailRepository,
    private readonly config: AppConfig,
    private readonly channels: OutboxChannels,
    private readonly dispatch: OutboxDispatch,
  ) {
    this.transport = config.SMTP_URL ? smtpTransport(config.SMTP_URL) : config.MAIL_DIR ? emlTransport(config.MAIL_DIR) : null;
  }

  onModuleInit(): void {
    // With neither SMTP_URL nor MAIL_DIR nothing is sent: the messages wait in the outbox, nothing is lost.
    if (this.transport) this.channels.register('email', this);
  }

  /** Replaces how mail leaves (tests). */
  useTransport(transport: MailTransport): void {
    this.transport = transport;
  }

  // --- settings ---

  async settings(userId: string): Promise<EmailSettingsView> {
    const found = await this.repository.settings(this.db.reader, userId);
    if (!found) throw new NotFound('user', userId);
    return found;
  }

  async saveSettings(userId: string, dto: EmailSettingsDto): Promise<EmailSettingsView> {
    if (dto.email === undefined && dto.preference === undefined) throw InvalidInput.field('preference', 'give an email, a preference or both');
    const saved = await this.db.transaction((tx) => this.repository.saveSettings(tx, userId, dto.email, dto.preference));
    if (!saved) throw new NotFound('user', userId);
    return saved;
  }

  // --- administrators ---

  async outbox(query: EmailOutboxQueryDto): Promise<EmailOutboxPageView> {
    const { limit, after } = pageRequest(query, 'email-outbox', ['instant', 'uuid']);
    const found = await this.repository.page(this.db.reader, query.status ?? null, limit + 1, after && [String(after[0]), String(after[1])]);
    const page = pageOf(found, limit, 'email-outbox', (r) => [r.cursorAt, r.id]);
    return {
      items: page.items.map(({ cursorAt: _, ...r }) => ({ ...r, kind: r.digestMonth ? ('digest' as const) : ('notification' as const) })),
      next: page.next,
    };
  }

  async attempts(id: string): Promise<EmailAttemptView[]> {
    const found = await this.repository.attempts(this.db.reader, id);
    if (!found) throw new NotFound('e-mail', id);
    return found;
  }

  async redeliver(_actor: Actor, id: string): Promise<EmailRedeliverView> {
    const found = await this.db.transaction((tx) => this.repository.redeliver(tx, id));
    if (!found) throw new NotFound('e-mail', id);
    if (found.status !== 'pending') throw new Conflict(`only a failed e-mail can be redelivered; this one is ${found.status}`);
    this.dispatch.wake('email');
    return { id, status: 'pending' };
  }

  // --- the sender ---

  /**
   * One batch: first the digests of the Jalali month that has closed by `now` (one per user and month,
   * whoever composes it first), then up to BATCH due messages, each attempt recorded.
   */
  async dispatchDue(policy: OutboxRetryPolicy, now: Date = new Date()): Promise<DispatchOutcome> {
    const transport = this.transport;
    if (!transport) return { attempted: 0, delivered: 0, failed: 0, more: false, nextDueInMs: null };
    const month = lastClosedJalaliMonth(now);
    await this.db.transaction((tx) => this.repository.composeDigests(tx, month, now));
    const claimed = await this.db.transaction((tx) => this.repository.claimDue(tx, now, BATCH));
    let delivered = 0;
    let failed = 0;
    for (const mail of claimed) {
      const outcome = await this.attempt(transport, mail, policy, now);
      if (outcome === 'delivered') delivered++;
      else failed++;
    }
    const nextDueInMs = await this.repository.nextDueInMs(this.db.reader, now);
    return { attempted: claimed.length, delivered, failed, more: claimed.length === BATCH, nextDueInMs };
  }

  private async attempt(transport: MailTransport, mail: ClaimedMail, policy: OutboxRetryPolicy, now: Date): Promise<'delivered' | 'failed'> {
    let response: string;
    let ok: boolean;
    try {
      const rendered = await this.render(mail);
      response = await transport.send({ id: mail.id, from: this.config.MAIL_FROM, to: mail.toAddress, ...rendered });
      ok = true;
    } catch (error) {
      const e = error as Error & { response?: string; code?: string };
      response = e.response ?? `${e.code ? `${e.code}: ` : ''}${e.message}`;
      ok = false;
    }
    const at = new Date(Math.max(now.getTime(), Date.now()));
    let next: { status: OutboxStatus; nextAttemptAt: Date | null; attempts: number };
    if (ok) {
      next = { status: 'delivered', nextAttemptAt: null, attempts: mail.attempts };
    } else {
      const after = afterFailedAttempt(mail.attempts + 1, now, policy);
      next = { status: after.status, nextAttemptAt: after.nextAttemptAt, attempts: mail.attempts + 1 };
      this.logger.warn(`e-mail ${mail.id} to ${mail.toAddress}: attempt failed (${response}); ${after.status === 'failed' ? 'given up' : `next at ${after.nextAttemptAt.toISOString()}`}`);
    }
    await this.db.transaction((tx) => this.repository.recordAttempt(tx, mail.id, at, ok ? 'delivered' : 'failed', response, next));
    return ok ? 'delivered' : 'failed';
  }

  private notice(n: NoticeRow, role: string): MailNotice {
    return { ...n, link: actionLink(this.config.PUBLIC_BASE_URL, n.projectId, role) };
  }

  private async render(mail: ClaimedMail): Promise<RenderedMail> {
    const m = this.db.reader;
    if (mail.notificationId) {
      const n = await this.repository.notice(m, mail.notificationId);
      if (!n) throw new Error(`notification ${mail.notificationId} is gone`);
      return renderNotificationMail(this.notice(n, mail.role));
    }
    const month = parseDigestKey(mail.digestMonth!);
    const { notices, total } = await this.repository.digestNotices(m, mail.userId, month, DIGEST_LIST);
    return renderDigestMail(
      month,
      notices.map((n) => this.notice(n, mail.role)),
      total,
      actionLink(this.config.PUBLIC_BASE_URL, null, mail.role),
    );
  }
}


