/**
 * Signed webhooks to the treasury (issue 15), over HTTP on real Temporal and PostgreSQL: a receiver on
 * loopback that fails each event's first two attempts (a 500, then a dropped connection), verifies every
 * signature with the core verifier, de-duplicates by event id and applies each event once; real releases
 * (a whole tranche and a pro-rata installment), a lapse and a committee hold placed and lifted; deliveries
 * and attempts through the admin API; a subscriber that never answers 2xx exhausts its attempts and an
 * administrator's redeliver sends the same event again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@pelekan/core/webhook-signature';
import { declare } from './support/demo';
import { orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';
import { recordWorkflowHistory } from './support/histories';
import { outboxDispatchWorkflowId } from '@pelekan/workflows/outbox.contract';

interface Received {
  path: string;
  eventId: string;
  type: string;
  verified: boolean;
  body: any;
}

/** The treasury's side: fails each event's first attempts, then verifies, de-duplicates and applies. */
class Receiver {
  server!: Server;
  url = '';
  readonly secrets = new Map<string, string>();
  readonly received: Received[] = [];
  /** event id → the event, applied once per path. */
  readonly applied = new Map<string, any>();
  readonly attemptsByEvent = new Map<string, number>();
  deadHealthy = false;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const eventId = String(req.headers['pelekan-event-id']);
    const key = `${path} ${eventId}`;
    const attempt = (this.attemptsByEvent.get(key) ?? 0) + 1;
    this.attemptsByEvent.set(key, attempt);
    const verified = verifyWebhook(this.secrets.get(path) ?? '', {
      timestamp: req.headers['pelekan-timestamp'] as string | undefined,
      signature: req.headers['pelekan-signature'] as string | undefined,
    }, raw).ok;
    this.received.push({ path, eventId, type: String(req.headers['pelekan-event-type']), verified, body: JSON.parse(raw) });
    if (!verified) return void res.writeHead(401).end();
    if (path === '/dead' && !this.deadHealthy) return void res.writeHead(503).end('down for maintenance');
    if (path === '/treasury' && attempt === 1) return void res.writeHead(500).end('try again');
    if (path === '/treasury' && attempt === 2) return void req.socket.destroy();
    // Applied once per event id, however often it arrives.
    if (!this.applied.has(key)) this.applied.set(key, JSON.parse(raw));
    res.writeHead(204).end();
  }

  appliedAt(path: string): any[] {
    return [...this.applied.entries()].filter(([k]) => k.startsWith(`${path} `)).map(([, v]) => v);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('signed webhooks', () => {
  let h: Harness;
  const receiver = new Receiver();
  const admin = () => h.http.as('admin');
  const patch = async (path: string, json: unknown) => h.http.request('PATCH', path, { token: await h.http.login('admin'), json });
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
  const until = (id: string, test: (t: any) => boolean, ms = 40_000) => eventually(() => tranche(id), test, ms);
  const verify = async (itemId: string, percent: number) => {
    const d = await declare(h.http, 'agency.demo', itemId, percent);
    expect((await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'accept' })).status).toBe(201);
  };
  const approve = async (id: string) => expect((await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' })).status).toBe(201);
  const createTranche = async (projectId: string, body: Record<string, unknown>) => {
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, body);
    expect(created.status).toBe(201);
    return created.body;
  };

  beforeAll(async () => {
    await receiver.start();
    h = await startHarness({
      demoData: true,
      env: {
        // An hour: deliveries arrive because the commit wakes the dispatcher and a retry's due time shortens its sleep, not by polling.
        OUTBOX_POLL_INTERVAL: '1 hour',
        OUTBOX_RETRY_INITIAL: '1 second',
        OUTBOX_RETRY_MAX: '2 seconds',
        OUTBOX_MAX_ATTEMPTS: '3',
        WEBHOOK_TIMEOUT: '5 seconds',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await receiver.close();
  });

  it('registers subscribers with a secret shown once, refuses bad URLs naming the field, and deactivates', async () => {
    for (const url of ['ftp://treasury.example/hook', 'not a url', 'http://user:pw@treasury.example/hook', 'https://treasury.example/#x']) {
      const answer = await admin().post('/api/admin/webhooks', { url, events: ['tranche.released'] });
      expect([url, answer.status]).toEqual([url, 400]);
      expect(answer.body.errors.map((e: any) => e.field)).toEqual(['url']);
    }
    const badEvents = await admin().post('/api/admin/webhooks', { url: `${receiver.url}/x`, events: ['tranche.paid'] });
    expect(badEvents.status).toBe(400);
    expect((await h.http.as('pbo.officer1').post('/api/admin/webhooks', { url: `${receiver.url}/x`, events: ['hold.placed'] })).status).toBe(403);

    const all = ['tranche.released', 'tranche.installment_released', 'tranche.lapsed', 'hold.placed', 'hold.lifted'];
    const treasury = await admin().post('/api/admin/webhooks', { url: `${receiver.url}/treasury`, events: all, description: 'Treasury payments' });
    expect(treasury.status).toBe(201);
    expect(treasury.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    receiver.secrets.set('/treasury', treasury.body.secret);
    const dead = await admin().post('/api/admin/webhooks', { url: `${receiver.url}/dead`, events: ['tranche.released'] });
    expect(dead.status).toBe(201);
    receiver.secrets.set('/dead', dead.body.secret);
    const quiet = await admin().post('/api/admin/webhooks', { url: `${receiver.url}/quiet`, events: ['hold.placed'] });
    const off = await patch(`/api/admin/webhooks/${quiet.body.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, events: ['hold.placed'] });
    expect((await patch(`/api/admin/webhooks/${quiet.body.id}`, { url: 'gopher://x' })).status).toBe(400);

    const listed = await admin().get('/api/admin/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(3);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    // The audit log records the subscribers, never their secrets.
    const audited = await eventually(
      () => h.db.query(`SELECT after::text AS after FROM audit_log WHERE table_name = 'webhook_subscribers'`),
      (found: any[]) => found.length >= 4,
    );
    expect(audited.some((a: any) => a.after.includes(treasury.body.id))).toBe(true);
    expect(audited.filter((a: any) => a.after.includes('whsec_'))).toEqual([]);
  });

  it('delivers each release, installment, lapse and hold signed, at least once, and the receiver applies each once', async () => {
    const agency = await orgId(h.http, 'demo-agency');
    const p = await projectWithPlan(h.http, 'WH-1', agency, {
      items: [
        { code: 'X', weight: 40, budgetRials: '1000000' },
        { code: 'Y', weight: 40, budgetRials: '1000' },
        { code: 'Z', weight: 20, budgetRials: '500' },
      ],
      links: [],
    });
    const lapsing = await createTranche(p.projectId, {
      fundedItemIds: [p.item('Z')],
      releaseRule: { kind: 'banded', bands: [{ fromPercent: 80, payPercent: 100 }] },
      dueAt: new Date(Date.now() + 15_000).toISOString(),
    });
    const whole = await createTranche(p.projectId, { fundedItemIds: [p.item('X')], amountRials: '1000000' });
    const proRata = await createTranche(p.projectId, { fundedItemIds: [p.item('Y')], releaseRule: { kind: 'pro_rata', minInstallmentRials: '1' } });

    await verify(p.item('X'), 100);
    await until(whole.id, (t) => t.state === 'awaiting_approval');
    await approve(whole.id);
    await until(whole.id, (t) => t.state === 'released');

    await verify(p.item('Y'), 40);
    await until(proRata.id, (t) => t.state === 'awaiting_approval');
    await approve(proRata.id);
    await until(proRata.id, (t) => t.installments.length === 1 && t.state === 'waiting_on_items');

    await until(lapsing.id, (t) => t.state === 'lapsed', 60_000);

    const [kase] = await h.db.query(
      `INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at)
       VALUES ($1, $2, 'overdue', 'agency', 3, now(), now()) RETURNING id`,
      [p.item('Y'), p.projectId],
    );
    const held = await h.http.as('committee.mict').post(`/api/escalations/${kase.id}/decision`, { action: 'hold_tranches', reason: 'a year late' });
    expect(held.status).toBe(200);
    const holdId = held.body.holds[0].id;
    expect((await h.http.as('committee.mict').post(`/api/holds/${holdId}/lift`, { reason: 'new contractor signed' })).status).toBe(200);

    // Every event arrives and is applied, after two failed attempts each.
    const applied = await eventually(async () => receiver.appliedAt('/treasury'), (a) => a.length >= 5, 60_000);
    const byType = (type: string) => applied.filter((e) => e.type === type);
    expect(byType('tranche.released')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          trancheId: whole.id,
          projectId: p.projectId,
          amountRials: '1000000',
          installment: 1,
          complete: true,
          payees: [expect.objectContaining({ organizationId: agency, amountRials: '1000000' })],
        }),
      }),
    ]);
    expect(byType('tranche.installment_released')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ trancheId: proRata.id, amountRials: '400', installment: 1, complete: false }) }),
    ]);
    expect(byType('tranche.lapsed')).toEqual([expect.objectContaining({ data: expect.objectContaining({ trancheId: lapsing.id, amountRials: '500' }) })]);
    expect(byType('hold.placed')).toEqual([expect.objectContaining({ data: expect.objectContaining({ holdId, projectId: p.projectId }) })]);
    expect(byType('hold.lifted')).toEqual([expect.objectContaining({ data: expect.objectContaining({ holdId, reason: 'new contractor signed' }) })]);
    for (const event of applied) {
      expect(event).toEqual({ id: expect.any(String), type: expect.any(String), createdAt: expect.stringMatching(/Z$/), data: expect.any(Object) });
    }

    // Received three times each (500, dropped connection, 204), every time signed, applied once.
    const treasury = receiver.received.filter((r) => r.path === '/treasury');
    expect(treasury.every((r) => r.verified)).toBe(true);
    const ids = [...new Set(treasury.map((r) => r.eventId))];
    expect(ids).toHaveLength(5);
    for (const id of ids) expect([id, treasury.filter((r) => r.eventId === id).length]).toEqual([id, 3]);
    expect(applied.map((e) => e.id).sort()).toEqual(ids.sort());
    // The same body every time: the id in the header is the id in the body.
    for (const r of treasury) expect(r.body.id).toBe(r.eventId);

    // The deactivated subscriber got nothing; the database holds one event per fact.
    expect(receiver.received.filter((r) => r.path === '/quiet')).toEqual([]);
    const events = await h.db.query(`SELECT id::text FROM webhook_events ORDER BY created_at`);
    expect(events.map((e: any) => e.id).sort()).toEqual(ids.sort());

    // Administrators see each delivery with its attempts.
    const deliveries = await eventually(
      async () => (await admin().get('/api/admin/webhooks/deliveries?limit=200')).body as any[],
      (ds) => ds.filter((d) => d.subscriberUrl.endsWith('/treasury')).every((d) => d.status === 'delivered'),
    );
    const treasuryDeliveries = deliveries.filter((d) => d.subscriberUrl.endsWith('/treasury'));
    expect(treasuryDeliveries).toHaveLength(5);
    for (const d of treasuryDeliveries) {
      expect(d).toMatchObject({ status: 'delivered', attempts: 3, nextAttemptAt: null, lastStatusCode: 204 });
      expect(d.attemptLog.map((a: any) => [a.number, a.statusCode, a.ok])).toEqual([
        [1, 500, false],
        [2, null, false],
        [3, 204, true],
      ]);
      expect(d.attemptLog[1].error).toEqual(expect.any(String));
    }
  });

  it('marks a delivery failed after OUTBOX_MAX_ATTEMPTS, and a redeliver sends the same event id again', async () => {
    const failed = await eventually(
      async () => (await admin().get('/api/admin/webhooks/deliveries?status=failed')).body as any[],
      (ds) => ds.length === 1,
      30_000,
    );
    const [delivery] = failed;
    expect(delivery).toMatchObject({ eventType: 'tranche.released', status: 'failed', attempts: 3, nextAttemptAt: null, lastStatusCode: 503 });
    expect(delivery.attemptLog.map((a: any) => a.statusCode)).toEqual([503, 503, 503]);
    const releasedToTreasury = receiver.appliedAt('/treasury').find((e) => e.type === 'tranche.released');
    expect(delivery.eventId).toBe(releasedToTreasury.id);

    expect((await admin().post(`/api/admin/webhooks/deliveries/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/redeliver`)).status).toBe(404);
    expect((await admin().post('/api/admin/webhooks/deliveries/nope/redeliver')).status).toBe(400);
    expect((await h.http.as('pbo.officer1').post(`/api/admin/webhooks/deliveries/${delivery.id}/redeliver`)).status).toBe(403);

    receiver.deadHealthy = true;
    const redelivered = await admin().post(`/api/admin/webhooks/deliveries/${delivery.id}/redeliver`);
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ id: delivery.id, eventId: delivery.eventId, status: 'pending' });
    const pendingAgain = await admin().post(`/api/admin/webhooks/deliveries/${delivery.id}/redeliver`);
    // Refused while still pending; accepted only if the first redeliver already went through.
    if (pendingAgain.status !== 200) expect([pendingAgain.status, pendingAgain.body.code]).toEqual([409, 'delivery_pending']);

    const done = await eventually(
      async () => (await admin().get(`/api/admin/webhooks/deliveries?subscriberId=${delivery.subscriberId}`)).body as any[],
      (ds) => ds[0]?.status === 'delivered',
    );
    expect(done[0]).toMatchObject({ attempts: 4, lastStatusCode: 204 });
    const atDead = receiver.received.filter((r) => r.path === '/dead');
    expect(atDead.map((r) => r.eventId)).toEqual([delivery.eventId, delivery.eventId, delivery.eventId, delivery.eventId]);
    expect(atDead.every((r) => r.verified)).toBe(true);
    expect(receiver.appliedAt('/dead').map((e) => e.id)).toEqual([delivery.eventId]);
    // The dispatcher's history so far (woken by commits, retries shortening its sleep) becomes a replay fixture.
    await recordWorkflowHistory(h, outboxDispatchWorkflowId('webhook', h.env.TEMPORAL_TASK_QUEUE), 'outbox-dispatch-webhook');
  });
});
