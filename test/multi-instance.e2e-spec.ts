/**
 * More than one instance: two API processes and two worker processes (the production builds, as
 * `docker compose up --scale api=2 --scale worker=2` runs them) on one PostgreSQL database and one
 * Temporal server.
 *
 * - Idempotency keys, sessions, sign-in limits and the public rate limit hold across both APIs
 *   (all of them live in PostgreSQL).
 * - The escalation schedule (a Temporal Schedule that both workers make sure exists) runs once per
 *   period, not once per worker.
 * - Release cycles are driven through both APIs (declared on one, verified on the other, approved on
 *   either) while one worker is SIGKILLed: inside the release transaction by a failpoint, or at a
 *   random moment. Every approved tranche is paid exactly once, and the surviving worker finishes
 *   what the dead one left.
 *
 * The dice (the failpoint, when to kill, the pace of the cycles) come from MULTI_SEED, printed in the
 * suite's name: run again with MULTI_SEED=<seed> to replay the same choices.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { escalationScheduleId } from '@pelekan/workflows/escalation.contract';
import { trancheWorkflowId } from '@pelekan/workflows/tranche.contract';
import { completedActivity } from './support/activity-runs';
import { ApiProcess, runCli, spawnApi } from './support/api-process';
import { declare } from './support/demo';
import { orgId, projectWithPlan } from './support/fixtures';
import { asOwner, createTestDatabase, stackEnv } from './support/harness';
import { eventually, Http } from './support/http';
import { expectLedgerConsistent, Query } from './support/ledger-invariants';
import { seededRandom } from './support/seeded';
import { spawnWorker, WorkerProcess } from './support/worker-process';

const CYCLES = Number(process.env.MULTI_CYCLES ?? 10);
const PERIOD_MS = 3000;
const PUBLIC_LIMIT = 6;
const LOGIN_LIMIT = 5;
const dice = seededRandom('MULTI_SEED');

jest.setTimeout(180_000);

/** Stops a child process politely, then not. */
async function stopWithin(process: { child: { kill(signal: NodeJS.Signals): boolean }; stop(): Promise<void> } | undefined, ms = 15_000) {
  if (!process) return;
  const late = setTimeout(() => process.child.kill('SIGKILL'), ms);
  await process.stop().catch(() => undefined);
  clearTimeout(late);
}

describe(`two API processes and two workers on one database and one Temporal (MULTI_SEED=${dice.seed})`, () => {
  const markers = mkdtempSync(join(tmpdir(), 'pelekan-multi-'));
  const failpoint = dice.next() < 0.5 ? 'release.beforeCommit' : 'release.afterCommit';
  let env: Record<string, string>;
  let ownerUrl: string;
  let apis: ApiProcess[] = [];
  let survivor: WorkerProcess | undefined;
  let doomed: WorkerProcess | undefined;
  let temporal: Client | undefined;
  let workersReadyAt = 0;
  let one: Http;
  let two: Http;
  const query: Query = (sql, params) => asOwner(ownerUrl, sql, params);

  beforeAll(async () => {
    const database = await createTestDatabase();
    ownerUrl = database.ownerUrl;
    env = {
      ...stackEnv(database.appUrl),
      GATE_RECHECK_INTERVAL: '3 seconds',
      ESCALATION_PERIOD: `${PERIOD_MS / 1000} seconds`,
      LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
      PUBLIC_RATE_LIMIT: String(PUBLIC_LIMIT),
      // As behind the compose file's proxy: the client address comes from X-Forwarded-For.
      TRUST_PROXY: '127.0.0.1',
      DB_POOL_SIZE: '8',
    };
    await runCli(env, 'seed-demo');
    const [a, b, w1, w2] = await Promise.allSettled([
      spawnApi(env),
      spawnApi(env),
      spawnWorker(env),
      spawnWorker(env, { ENABLE_FAILPOINTS: 'true', PELEKAN_FAILPOINTS: `${failpoint}=kill-once:${join(markers, 'killed')}` }),
    ]);
    const value = <T>(s: PromiseSettledResult<T>) => (s.status === 'fulfilled' ? s.value : undefined);
    apis = [value(a), value(b)].filter((x): x is ApiProcess => x !== undefined);
    survivor = value(w1);
    doomed = value(w2);
    const failed = [a, b, w1, w2].find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    workersReadyAt = Date.now();
    [one, two] = apis.map((api) => api.http);
    temporal = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }), namespace: env.TEMPORAL_NAMESPACE });
  });

  afterAll(async () => {
    await Promise.all([...apis, survivor, doomed].map((p) => stopWithin(p)));
    await temporal?.connection.close();
    rmSync(markers, { recursive: true, force: true });
  });

  it('replays an idempotency key on the other API, runs it once when sent to both at once, and refuses it for another body', async () => {
    const post = (http: Http, body: unknown, key: string) => http.as('pbo.officer1').post('/api/portfolios', body, { headers: { 'idempotency-key': key } });
    const count = async (code: string) => (await query<{ n: number }>('SELECT count(*)::int AS n FROM portfolios WHERE code = $1', [code]))[0].n;

    const key = randomUUID();
    const body = { code: 'MULTI-IDEM-1', nameFa: 'سبد', nameEn: 'One request, two instances' };
    const first = await post(one, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(two, body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await post(two, { ...body, code: 'MULTI-IDEM-2' }, key);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused', errors: [{ field: 'Idempotency-Key' }] });
    expect(await count('MULTI-IDEM-1')).toBe(1);
    expect(await count('MULTI-IDEM-2')).toBe(0);

    const together = randomUUID();
    const concurrent = { code: 'MULTI-IDEM-3', nameFa: 'سبد', nameEn: 'Sent to both at once' };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i % 2 ? two : one, concurrent, together)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(await count('MULTI-IDEM-3')).toBe(1);
  });

  it('ends on one API a session signed out on the other', async () => {
    const signIn = await one.request('POST', '/api/auth/login', { json: { username: 'agency.demo', password: 'pelekan-demo' } });
    expect(signIn.status).toBe(200);
    const token: string = signIn.body.accessToken;
    expect((await two.request('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await two.request('POST', '/api/auth/logout', { token })).status).toBe(200);
    const after = await one.request('GET', '/api/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('session has ended');
  });

  it('counts sign-in attempts for one username across both APIs', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      const answer = await (i % 2 ? two : one).request('POST', '/api/auth/login', {
        json: { username: 'nobody.multi', password: 'wrong-password-1' },
        headers: { 'x-forwarded-for': `192.0.2.${i + 1}` },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429, 429]);
  });

  it('holds the public rate limit across both APIs, without a database round trip per request', async () => {
    const get = (http: Http, address: string, path = '/api/public/portfolios', headers: Record<string, string> = {}) =>
      http.request('GET', path, { headers: { 'x-forwarded-for': address, ...headers } });

    // One client alternating between the instances, a second apart (each instance has exchanged its
    // counts with PostgreSQL before the other serves the next request): one limit, not one per instance.
    // The in-memory store this replaced answered 200 to all eight.
    const paced: number[] = [];
    for (let i = 0; i < PUBLIC_LIMIT + 2; i++) {
      const answer = await get(i % 2 ? two : one, '198.51.100.7');
      paced.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body.code).toBe('too_many_requests');
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      await sleep(1000);
    }
    expect(paced).toEqual([...Array(PUBLIC_LIMIT).fill(200), 429, 429]);

    // A burst on one instance, then a burst on the other once the first has exchanged its counts: the
    // second instance, new to the address, reads the global count before deciding, in arrival order.
    const burst = async (http: Http, n: number) => (await Promise.all(Array.from({ length: n }, () => get(http, '198.51.100.8')))).map((a) => a.status).sort();
    expect(await burst(one, 4)).toEqual([200, 200, 200, 200]);
    await sleep(1000);
    expect(await burst(two, 5)).toEqual([200, 200, 429, 429, 429]);
    // Every hit reached PostgreSQL's shared counter.
    await eventually(
      async () => (await query<{ hits: number }>(`SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_limit_counters WHERE key = 'public:198.51.100.8'`))[0].hits,
      (hits) => hits === 9,
      5_000,
    );

    // Open data: an ETag from one instance is current on the other (it names the data's version). The
    // workers' sweeps (every PERIOD_MS) move the version between two requests now and then; such a miss
    // must coincide with a moved audit head, and the next pair agrees.
    const head = async () => (await query<{ h: string }>('SELECT last_id::text AS h FROM audit_head'))[0].h;
    let agreed = false;
    for (let attempt = 0; attempt < 5 && !agreed; attempt++) {
      const before = await head();
      const address = `198.51.100.${20 + attempt}`; // each pair from its own address, well inside the public limit
      const file = await get(one, address, '/api/public/open-data/portfolios.csv');
      expect(file.status).toBe(200);
      const etag = file.headers.get('etag')!;
      const second = await get(two, address, '/api/public/open-data/portfolios.csv', { 'if-none-match': etag });
      agreed = second.status === 304;
      if (!agreed) expect({ status: second.status, headMoved: (await head()) !== before }).toEqual({ status: 200, headMoved: true });
    }
    expect(agreed).toBe(true);
  });

  it('runs the escalation schedule once per period with two workers', async () => {
    // At least five periods with both workers up (a run scheduled by the window's end had 4 s to finish).
    const windowStart = workersReadyAt + PERIOD_MS;
    await sleep(Math.max(0, windowStart + 5 * PERIOD_MS + 4000 - Date.now()));
    const windowEnd = Date.now() - 4000;
    const runs = await query<{ run_key: string; at: Date; finished_at: Date | null; period_seconds: string }>(
      'SELECT run_key, at, finished_at, period_seconds::text FROM sweep_runs ORDER BY at',
    );
    const schedule = escalationScheduleId(env.TEMPORAL_TASK_QUEUE);
    expect(runs.filter((r) => !r.run_key.startsWith(schedule))).toEqual([]);
    const times = runs.map((r) => r.at.getTime());
    expect(new Set(times).size).toBe(times.length);
    expect(new Set(times.map((t) => t % PERIOD_MS)).size).toBe(1);
    const inWindow = runs.filter((r) => r.at.getTime() >= windowStart && r.at.getTime() <= windowEnd);
    expect(inWindow.length).toBeGreaterThanOrEqual(5);
    expect(inWindow[0].at.getTime() - windowStart).toBeLessThan(PERIOD_MS);
    expect(windowEnd - inWindow[inWindow.length - 1].at.getTime()).toBeLessThan(PERIOD_MS);
    for (let k = 1; k < inWindow.length; k++) expect(inWindow[k].at.getTime() - inWindow[k - 1].at.getTime()).toBe(PERIOD_MS);
    expect(inWindow.every((r) => r.finished_at !== null && r.period_seconds === String(PERIOD_MS / 1000))).toBe(true);
    const description = await temporal!.schedule.getHandle(schedule).describe();
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([PERIOD_MS]);
    console.log(`multi-instance: ${inWindow.length} sweeps in ${Math.round((windowEnd - windowStart) / 1000)} s with two workers, one per period`);
  });

  it(`releases every approved tranche of ${CYCLES} cycles exactly once while a worker is killed, and the other finishes them`, async () => {
    // Signed in once per API before the cycles run at once (concurrent first sign-ins would each count
    // against LOGIN_RATE_LIMIT).
    for (const http of [one, two]) for (const user of ['admin', 'pbo.officer1', 'pbo.officer2', 'agency.demo', 'committee.mict']) await http.login(user);
    const demoAgency = await orgId(one, 'demo-agency');
    const plan = {
      items: [
        { code: 'A', weight: 60, budgetRials: '600' },
        { code: 'B', weight: 40, budgetRials: '400' },
      ],
      links: [{ from: 'A', to: 'B' }],
    };
    const projects: Array<Awaited<ReturnType<typeof projectWithPlan>>> = [];
    for (let i = 0; i < CYCLES; i++) projects.push(await projectWithPlan(i % 2 ? two : one, `MULTI-${i}`, demoAgency, plan));

    // The doomed worker dies inside its first release (the failpoint), or at a random moment if
    // that comes first.
    let diedAt = 0;
    let how = '';
    void doomed!.exited.then(({ signal }) => {
      diedAt = Date.now();
      how ||= `${signal} by the ${failpoint} failpoint`;
    });
    const killAfter = 2000 + dice.next() * 10_000;
    const monkey = (async () => {
      await sleep(killAfter);
      if (doomed!.child.exitCode === null && doomed!.child.signalCode === null) {
        how = `SIGKILL at a random moment (${Math.round(killAfter)} ms into the cycles)`;
        doomed!.child.kill('SIGKILL');
      }
    })();

    // Each cycle: the tranche created and its gate declared through one API, verified through the
    // other, approved through either (a repeat goes to the other one with the same key).
    const cycle = async (p: (typeof projects)[number], i: number) => {
      const [mine, theirs] = i % 2 ? [two, one] : [one, two];
      await sleep(dice.next() * 4000);
      const created = await mine.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('B')] });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      const declaration = await declare(mine, 'agency.demo', p.item('A'), 100);
      const verified = await theirs.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(verified.status).toBe(201);
      await eventually(async () => (await theirs.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval', 120_000);
      const key = `approve-${id}`;
      for (let attempt = 0; ; attempt++) {
        const api = attempt % 2 ? mine : theirs;
        const answer = await api.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' }, { headers: { 'idempotency-key': key } });
        // 503 while a worker that held the workflow is gone is an answer to retry; any other 5xx is a defect.
        expect(answer.status === 503 || answer.status < 500).toBe(true);
        if (answer.status === 201) {
          const repeat = await (api === mine ? theirs : mine)
            .as('pbo.officer2')
            .post(`/api/tranches/${id}/decision`, { action: 'approve' }, { headers: { 'idempotency-key': key } });
          expect(repeat.status).toBe(201);
          expect(repeat.headers.get('idempotent-replayed')).toBe('true');
          expect(repeat.body).toEqual(answer.body);
          break;
        }
        const now = (await api.as('pbo.officer2').get(`/api/tranches/${id}`)).body;
        if (now.state === 'approved' || now.state === 'released') break;
        if (attempt > 30) throw new Error(`tranche ${i} could not be approved: ${answer.status} ${JSON.stringify(answer.body)}`);
        await sleep(1000);
      }
      return id;
    };
    const started = Date.now();
    const ids = await Promise.all(projects.map(cycle));
    await monkey;
    expect(await doomed!.exited).toEqual({ code: null, signal: 'SIGKILL' });

    await eventually(
      async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM tranches WHERE id = ANY($1::uuid[]) AND state = 'released'`, [ids]))[0].n,
      (n) => n === ids.length,
      120_000,
    );
    // Released in the database is not yet done in Temporal (a worker killed after its commit leaves the
    // activity to be retried): wait for every workflow to finish.
    const outcomes = await Promise.all(ids.map((id) => temporal!.workflow.getHandle(trancheWorkflowId(id)).result()));
    expect(outcomes.map((o) => o.state)).toEqual(ids.map(() => 'released'));
    const insideRelease = existsSync(join(markers, 'killed'));
    console.log(
      `multi-instance: ${ids.length} release cycles through two APIs in ${Math.round((Date.now() - started) / 1000)} s; ` +
        `worker ${doomed!.child.pid} killed: ${insideRelease ? `SIGKILL by the ${failpoint} failpoint` : how}`,
    );

    await expectLedgerConsistent(query, ids);
    for (const [n, id] of ids.entries()) {
      const t = (await (n % 2 ? two : one).as('pbo.officer2').get(`/api/tranches/${id}`)).body;
      expect(t.history.filter((e: any) => e.toState === 'approved')).toHaveLength(1);
      expect(t.history.filter((e: any) => e.toState === 'released')).toHaveLength(1);
      expect(t.ledgerEntry?.amountRials).toBe('400');
    }

    // Who paid: releases completed after the doomed worker died were completed by the survivor; a
    // release it died inside was retried and completed by the survivor.
    const survivorIdentity = `${survivor!.child.pid}@`;
    const runs = await Promise.all(ids.map((id) => completedActivity(temporal!, trancheWorkflowId(id), 'releaseTranche')));
    for (const run of runs) {
      expect(run).not.toBeNull();
      if (run!.completedAt > diedAt) expect(run!.identity.startsWith(survivorIdentity)).toBe(true);
    }
    if (insideRelease) {
      const retried = runs.filter((r) => r!.attempt > 1);
      expect(retried.length).toBeGreaterThanOrEqual(1);
      for (const r of retried) expect(r!.identity.startsWith(survivorIdentity)).toBe(true);
    }
    expect(survivor!.child.exitCode).toBeNull();

    for (const http of [one, two]) expect((await http.as('admin').get('/api/audit/verify')).body.ok).toBe(true);
  });
});
