/**
 * E-mail (issue 15) against a real SMTP server in-process (smtp-server on loopback): a notification
 * writes its outbox row in its own transaction (a rolled-back one writes none); the sender delivers it
 * with the recipient, a Persian-first subject and body, and the link to the project page; a server
 * answering 451 makes failed attempts with backoff, then one delivery with the same Message-ID and no
 * duplicate; a `none` user gets nothing; a `monthly` user gets one digest for a closed Jalali month,
 * even when the sender runs twice; a message given up as failed is redelivered by an administrator.
 * The clock is the sender's `now` parameter, so nothing waits.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { jalaliMonthRange, toJalali } from '@pelekan/core';
import { Database, InboxService, OutboxChannels } from '@pelekan/modules';
import { MailService, messageIdOf } from '@pelekan/modules/mail';
import { demoProject } from './support/demo';
import { type Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

interface Received {
  to: string[];
  raw: string;
  accepted: boolean;
}

/** Decodes the RFC 2047 encoded words of a header. */
function decodeWords(value: string): string {
  return value.replace(/\r?\n[ \t]/g, ' ').replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0];
  const match = new RegExp(`^${name}:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match ? decodeWords(match[1].trim()) : null;
}

/** The decoded text of the part with this content type (the mail is multipart/alternative, base64 parts). */
function part(raw: string, type: 'text/plain' | 'text/html'): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)![1];
  for (const chunk of raw.split(`--${boundary}`)) {
    const [head, ...body] = chunk.split(/\r?\n\r?\n/);
    if (new RegExp(`content-type:\\s*${type}`, 'i').test(head)) {
      return Buffer.from(body.join('\n').replace(/\s+/g, ''), 'base64').toString('utf8');
    }
  }
  throw new Error(`no ${type} part`);
}

describe('e-mail', () => {
  let h: Harness;
  let smtp: SMTPServer;
  let received: Received[];
  let refuseNext = 0;
  let mail: MailService;
  let channels: OutboxChannels;
  let projectId: string;
  let itemId: string;

  beforeAll(async () => {
    received = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const refuse = refuseNext > 0;
          if (refuse) refuseNext--;
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, accepted: !refuse });
          if (refuse) {
            const error = new Error('try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            callback(error);
          } else callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    h = await startHarness({
      worker: false,
      demoData: true,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        MAIL_FROM: 'Pelekan <no-reply@pelekan.example>',
        PUBLIC_BASE_URL: 'http://pelekan.test:3000',
        OUTBOX_RETRY_INITIAL: '1 minute',
        OUTBOX_RETRY_MAX: '1 hour',
        OUTBOX_MAX_ATTEMPTS: '3',
      },
    });
    mail = h.app.get(MailService);
    channels = h.app.get(OutboxChannels);
    const demo = await demoProject(h.http);
    projectId = demo.projectId;
    itemId = demo.item('1');
    // The demo load's own notifications are out of the way: only this test's mails are sent.
    await h.asOwner(`UPDATE email_outbox SET status = 'failed', next_attempt_at = NULL WHERE status = 'pending'`);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const notify = (username: string, subjectId: string | null, title = 'پیگیری بند ۱ — سطح دو') =>
    h.app.get(Database).transaction(async (tx) => {
      const [{ id }] = await tx.query('SELECT id FROM users WHERE username = $1', [username]);
      await tx.query(
        `INSERT INTO notifications (user_id, kind, subject_id, title_fa, title_en, body_fa, body_en)
         VALUES ($1, 'test_notice', $2, $3, 'Follow-up: item 1 — level two', 'بند «۱» از موعد خود گذشته است.', 'Item "1" is past its due date.')`,
        [id, subjectId, title],
      );
    });
  it('registers the email channel and lets a user choose', async () => {
    expect(channels.registered()).toContain('email');
    const me = await h.http.as('agency.demo').get('/api/me/email-settings');
    expect(me.body).toEqual({ email: 'agency.demo@pelekan.example', preference: 'immediate' });
    const bad = await h.http.as('agency.demo').put('/api/me/email-settings', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('email');
    expect((await h.http.as('committee.mict').put('/api/me/email-settings', { preference: 'none' })).body.preference).toBe('none');
    expect((await h.http.as('pbo.officer1').put('/api/me/email-settings', { preference: 'monthly' })).body.preference).toBe('monthly');
    const admin = await h.http.as('admin').put(`/api/admin/users/${(await h.asOwner(`SELECT id FROM users WHERE username = 'agency.demo'`))[0].id}/email-settings`, {
      email: 'Agency.Demo@Pelekan.Example',
    });
    expect(admin.body).toEqual({ email: 'agency.demo@pelekan.example', preference: 'immediate' });
    expect((await h.http.as('agency.demo').put('/api/admin/users/00000000-0000-0000-0000-000000000000/email-settings', { preference: 'none' })).status).toBe(403);
  });

  it('writes the outbox row in the transaction of the notification, and none when it rolls back', async () => {
    await expect(
      h.app.get(Database).transaction(async (tx) => {
        await h.app.get(InboxService).notify(tx, { role: 'pbo' }, { kind: 'rolled_back', titleFa: 'x', titleEn: 'x', bodyFa: 'x', bodyEn: 'x' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await h.asOwner(`SELECT 1 FROM notifications WHERE kind = 'rolled_back'`)).toHaveLength(0);
    await notify('agency.demo', itemId);
    await notify('committee.mict', itemId);
    const rows = await h.asOwner(`SELECT u.username, e.status FROM email_outbox e JOIN users u ON u.id = e.user_id WHERE e.status = 'pending'`);
    expect(rows).toEqual([{ username: 'agency.demo', status: 'pending' }]);
  });

  let outboxId: string;

  it('retries with backoff while the server refuses, then delivers once with the same Message-ID', async () => {
    refuseNext = 2;
    const t0 = new Date(Date.now() + 1000);
    const policy = channels.policy;
    expect(await mail.dispatchDue(policy, t0)).toEqual({ attempted: 1, delivered: 0, failed: 1, more: false, nextDueInMs: 60_000 });
    [{ id: outboxId }] = await h.asOwner(`SELECT id FROM email_outbox WHERE status = 'pending'`);
    const [after1] = await h.asOwner('SELECT status, attempts, next_attempt_at FROM email_outbox WHERE id = $1', [outboxId]);
    expect(after1).toMatchObject({ status: 'pending', attempts: 1 });
    expect(new Date(after1.next_attempt_at).getTime()).toBe(t0.getTime() + 60_000);
    // Not due before its backoff ends.
    expect((await mail.dispatchDue(policy, new Date(t0.getTime() + 30_000))).attempted).toBe(0);
    expect(await mail.dispatchDue(policy, new Date(t0.getTime() + 61_000))).toMatchObject({ attempted: 1, failed: 1 });
    const [after2] = await h.asOwner('SELECT attempts, next_attempt_at FROM email_outbox WHERE id = $1', [outboxId]);
    expect(new Date(after2.next_attempt_at).getTime()).toBe(t0.getTime() + 61_000 + 120_000); // doubled
    expect(await mail.dispatchDue(policy, new Date(t0.getTime() + 200_000))).toMatchObject({ attempted: 1, delivered: 1 });
    expect((await mail.dispatchDue(policy, new Date(t0.getTime() + 300_000))).attempted).toBe(0);

    expect(received).toHaveLength(3);
    const ids = received.map((r) => header(r.raw, 'Message-ID'));
    expect(new Set(ids)).toEqual(new Set([messageIdOf(outboxId)]));
    expect(received.filter((r) => r.accepted)).toHaveLength(1);

    const attempts = await h.http.as('admin').get(`/api/admin/email-outbox/${outboxId}/attempts`);
    expect(attempts.status).toBe(200);
    expect(attempts.body.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'failed', 'delivered']);
    expect(attempts.body[0].response).toContain('451');
    const list = await h.http.as('admin').get('/api/admin/email-outbox?status=delivered');
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([outboxId]);
    expect((await h.http.as('pbo.officer1').get('/api/admin/email-outbox')).status).toBe(403);
  });

  it('mails the recipient a Persian-first message with the item, project and link', () => {
    const delivered = received.find((r) => r.accepted)!;
    expect(delivered.to).toEqual(['agency.demo@pelekan.example']);
    expect(header(delivered.raw, 'To')).toBe('agency.demo@pelekan.example');
    expect(header(delivered.raw, 'Subject')).toBe('پیگیری بند ۱ — سطح دو | Follow-up: item 1 — level two');
    const text = part(delivered.raw, 'text/plain');
    const html = part(delivered.raw, 'text/html');
    expect(text.startsWith('پیگیری بند ۱ — سطح دو\nبند «۱» از موعد خود گذشته است.')).toBe(true);
    expect(text).toMatch(/تاریخ: [۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/);
    expect(text).toContain('بند: 1 — ');
    expect(text).toContain(`http://pelekan.test:3000/#/projects/${projectId}`);
    expect(text.indexOf('از موعد خود گذشته')).toBeLessThan(text.indexOf('past its due date'));
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html).toContain('Item &quot;1&quot; is past its due date.');
    expect(html).toContain(`href="http://pelekan.test:3000/#/projects/${projectId}"`);
  });

  it('sends nothing to a user who chose none', () => {
    expect(received.flatMap((r) => r.to)).not.toContain('committee.mict@pelekan.example');
  });

  it('sends a monthly user one digest after the Jalali month closed, however often the sender runs', async () => {
    await notify('pbo.officer1', itemId, 'اعلان اول ماه');
    await notify('pbo.officer1', null, 'اعلان دوم ماه');
    expect(await h.asOwner(`SELECT 1 FROM email_outbox e JOIN users u ON u.id = e.user_id WHERE u.username = 'pbo.officer1' AND e.status = 'pending'`)).toHaveLength(0);
    const today = toJalali(new Date());
    const monthEnd = jalaliMonthRange(today.year, today.month).end;
    // The month is still open at its last instant: no digest yet.
    expect((await mail.dispatchDue(channels.policy, new Date(monthEnd.getTime() - 1000))).attempted).toBe(0);
    const after = new Date(monthEnd.getTime() + 3600_000);
    const [a, b] = await Promise.all([mail.dispatchDue(channels.policy, after), mail.dispatchDue(channels.policy, after)]);
    expect(a.delivered + b.delivered).toBe(1);
    expect((await mail.dispatchDue(channels.policy, new Date(after.getTime() + 86_400_000))).attempted).toBe(0);
    const digests = received.filter((r) => r.to.includes('pbo.officer1@pelekan.example'));
    expect(digests).toHaveLength(1);
    const subject = header(digests[0].raw, 'Subject')!;
    expect(subject).toMatch(/^خلاصهٔ ماه .* در پلکان: ۲ اعلان \| Pelekan digest for .*: 2 notifications$/);
    const text = part(digests[0].raw, 'text/plain');
    expect(text).toContain('اعلان اول ماه');
    expect(text).toContain('اعلان دوم ماه');
    expect(text).toContain(`http://pelekan.test:3000/#/projects/${projectId}`);
    expect(text).toContain('http://pelekan.test:3000/#/pbo');
    const rows = await h.asOwner(`SELECT digest_month FROM email_outbox WHERE digest_month IS NOT NULL`);
    expect(rows).toEqual([{ digest_month: `${today.year}-${String(today.month).padStart(2, '0')}` }]);
  });

  it('gives a message up after the last attempt; an administrator redelivers it', async () => {
    received.length = 0;
    refuseNext = 3;
    await notify('agency.demo', null, 'پیام شکست‌خورده');
    const [{ id }] = await h.asOwner(`SELECT id FROM email_outbox WHERE status = 'pending'`);
    let at = Date.now() + 1000;
    for (let n = 0; n < 3; n++) {
      expect(await mail.dispatchDue(channels.policy, new Date(at))).toMatchObject({ attempted: 1, failed: 1 });
      at += 3_600_000;
    }
    const [gaveUp] = await h.asOwner('SELECT status, next_attempt_at FROM email_outbox WHERE id = $1', [id]);
    expect(gaveUp).toEqual({ status: 'failed', next_attempt_at: null });
    expect((await mail.dispatchDue(channels.policy, new Date(at))).attempted).toBe(0);
    expect((await h.http.as('admin').get('/api/admin/email-outbox?status=failed')).body.items.map((i: { id: string }) => i.id)).toContain(id);

    const again = await h.http.as('admin').post(`/api/admin/email-outbox/${id}/redeliver`);
    expect(again.body).toEqual({ id, status: 'pending' });
    expect(await mail.dispatchDue(channels.policy, new Date(at))).toMatchObject({ attempted: 1, delivered: 1 });
    expect((await h.http.as('admin').post(`/api/admin/email-outbox/${id}/redeliver`)).status).toBe(409);
    const attempts = await h.http.as('admin').get(`/api/admin/email-outbox/${id}/attempts`);
    expect(attempts.body.map((x: { attempt: number; outcome: string }) => `${x.attempt}:${x.outcome}`)).toEqual(['1:failed', '2:failed', '3:failed', '4:delivered']);
    expect(new Set(received.map((r) => header(r.raw, 'Message-ID')))).toEqual(new Set([messageIdOf(id)]));
  });
});

/**
 * The same channel as production runs it: the worker's dispatch workflow, with an hour-long poll, so a
 * mail that arrives within the test was woken by its notification's commit (pg_notify → the worker's
 * listener → a signal to the dispatcher), not found by polling.
 */
describe('e-mail through the worker', () => {
  let h: Harness;
  let smtp: SMTPServer;
  const subjects: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          subjects.push(header(Buffer.concat(chunks).toString('utf8'), 'Subject') ?? '');
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    h = await startHarness({
      demoData: true,
      env: { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, OUTBOX_POLL_INTERVAL: '1 hour' },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('delivers a notification’s mail soon after its transaction commits', async () => {
    await h.app.get(Database).transaction(async (tx) => {
      const [{ id }] = await tx.query(`SELECT id FROM users WHERE username = 'agency.demo'`);
      await tx.query(
        `INSERT INTO notifications (user_id, kind, title_fa, title_en, body_fa, body_en)
         VALUES ($1, 'test_notice', 'بیدار شو', 'Wake up', 'متن', 'Text')`,
        [id],
      );
    });
    await eventually(
      async () => subjects,
      (s) => s.some((subject) => subject.startsWith('بیدار شو')),
      30_000,
    );
    const [row] = await h.asOwner(
      `SELECT e.status, e.attempts FROM email_outbox e JOIN notifications n ON n.id = e.notification_id WHERE n.title_en = 'Wake up'`,
    );
    expect(row).toEqual({ status: 'delivered', attempts: 0 });
  }, 60_000);
});
