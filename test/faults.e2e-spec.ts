/**
 * Faults, on real servers, bounded in time.
 *
 * 1. The worker process is SIGKILLed at random moments of FAULT_CYCLES (default 32) release cycles,
 *    and at random inside the release transaction (failpoints before and after its commit), then
 *    restarted: every approved tranche is released exactly once, no ledger entry is lost or doubled,
 *    and the balances equal the sum of the released tranches.
 * 2. PostgreSQL and the Temporal dev server (with its persistent file) are stopped and started again
 *    in the middle of activity: meanwhile the API answers 503 with a clear message, then recovers by
 *    itself, and nothing is lost.
 *
 * The dice (which worker, when to kill) come from FAULT_SEED, printed in the suite's name: run again
 * with FAULT_SEED=<seed> to replay the same choices (timings against real servers still vary).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as PgClient } from 'pg';
import { consoleLog, EmbeddedDatabase, startTemporalDevServer, TemporalDevServer } from '@pelekan/local-stack';
import { demoProject } from './support/demo';
import { createUser, orgId, projectWithChain } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';
import { expectLedgerConsistent } from './support/ledger-invariants';
import { seededRandom } from './support/seeded';
import { testStack } from './support/stack';
import { spawnWorker, WorkerProcess } from './support/worker-process';

const CYCLES = Number(process.env.FAULT_CYCLES ?? 32);
const dice = seededRandom('FAULT_SEED');
const ITO = 'information-technology-organization-of-iran';

jest.setTimeout(420_000);

/** The ledger's money invariants (support/ledger-invariants.ts), on the harness's database. */
const ledgerOf = (h: Harness) => (sql: string, params?: unknown[]) => h.db.query(sql, params);

describe(`faults: the worker killed at random points of ${CYCLES} release cycles (FAULT_SEED=${dice.seed})`, () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  const markers = mkdtempSync(join(tmpdir(), 'pelekan-chaos-'));
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
    rmSync(markers, { recursive: true, force: true });
  });

  it('releases every approved tranche exactly once', async () => {
    h = await startHarness({ demoData: true, worker: false, env: { GATE_RECHECK_INTERVAL: '3 seconds' } });
    const org = await orgId(h.http, ITO);
    await createUser(h.http, 'agency.ito', 'agency', org);
    const projects: Array<Awaited<ReturnType<typeof projectWithChain>>> = [];
    for (let i = 0; i < CYCLES; i++) projects.push(await projectWithChain(h.http, `CHAOS-${i}`, org, '1000'));

    // A random worker: plain, or one that kills itself inside the release transaction (before or after commit).
    let incarnation = 0;
    let kills = 0;
    let failpointKills = 0;
    const startWorker = async () => {
      const roll = dice.next();
      const failpoint = roll < 0.25 ? 'release.beforeCommit' : roll < 0.5 ? 'release.afterCommit' : null;
      const extra: Record<string, string> = failpoint
        ? { ENABLE_FAILPOINTS: 'true', PELEKAN_FAILPOINTS: `${failpoint}=kill-once:${join(markers, `${++incarnation}-${randomUUID()}`)}` }
        : {};
      worker = await spawnWorker(h.env, extra);
      const mine = worker;
      void mine.exited.then(({ signal }) => {
        if (signal === 'SIGKILL' && failpoint && mine === worker) failpointKills++;
      });
    };
    await startWorker();

    // Chaos: while cycles run, kill the worker at a random moment (or find it killed by a failpoint) and restart it.
    let chaos = true;
    const monkey = (async () => {
      while (chaos) {
        await sleep(500 + dice.next() * 3500);
        if (!chaos) break;
        const victim = worker!;
        if (victim.child.exitCode === null && victim.child.signalCode === null) {
          victim.child.kill('SIGKILL');
          kills++;
        }
        await victim.exited;
        await startWorker();
      }
    })();

    // The cycles: create (officer 1), wait for the gate, approve (officer 2), each at its own pace.
    const cycle = async (p: (typeof projects)[number], i: number) => {
      await sleep(dice.next() * 8000);
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('A')] });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state !== 'waiting_on_items', 180_000);
      await sleep(dice.next() * 3000);
      // The approval waits for the workflow; a dead worker may make it time out: ask again (four eyes and the
      // workflow's validator make a repeat harmless; the idempotency key makes it the same request).
      const key = `approve-${id}`;
      for (let attempt = 0; ; attempt++) {
        const answer = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' }, { headers: { 'idempotency-key': key } });
        // 503 while the worker is down is an answer to retry; anything else 5xx is a defect.
        expect(answer.status === 503 || answer.status < 500).toBe(true);
        if (answer.status === 201) break;
        const now = (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body;
        if (now.state === 'approved' || now.state === 'released') break;
        if (attempt > 30) throw new Error(`tranche ${i} could not be approved: ${answer.status} ${JSON.stringify(answer.body)}`);
        await sleep(1000);
      }
      return id;
    };
    const started = Date.now();
    const ids = await Promise.all(projects.map(cycle));
    chaos = false;
    await monkey;
    // The last one may carry a failpoint: replace it with a plain worker.
    await worker!.stop();
    worker = await spawnWorker(h.env);

    // A last, healthy worker finishes what the killed ones left.
    await eventually(
      async () => (await h.db.query(`SELECT count(*)::int AS n FROM tranches WHERE id = ANY($1::uuid[]) AND state = 'released'`, [ids]))[0].n,
      (n) => n === ids.length,
      180_000,
    );
    console.log(
      `faults: ${ids.length} release cycles in ${Math.round((Date.now() - started) / 1000)} s; worker killed ${kills} times at random, ${failpointKills} times inside the release`,
    );
    expect(kills + failpointKills).toBeGreaterThanOrEqual(3);

    await expectLedgerConsistent(ledgerOf(h), ids);
    for (const id of ids) {
      const t = (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body;
      expect(t.history.filter((e: any) => e.toState === 'approved')).toHaveLength(1);
      expect(t.history.filter((e: any) => e.toState === 'released')).toHaveLength(1);
      expect(t.ledgerEntry?.amountRials).toBe('600');
    }
    expect((await h.http.as('admin').get('/api/audit/verify')).body.ok).toBe(true);
  });
});

describe('faults: PostgreSQL and Temporal restarted in the middle of activity', () => {
  let h: Harness;
  let postgres: EmbeddedDatabase;
  let temporal: TemporalDevServer;
  let worker: WorkerProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pelekan-restart-'));
  const log = process.env.PELEKAN_TEST_VERBOSE ? consoleLog : () => undefined;
  const startPostgres = async (port?: number): Promise<EmbeddedDatabase> => {
    const child = spawn(process.execPath, [join(__dirname, 'support', 'postgres-process.js'), join(dir, 'postgres'), String(port ?? 0)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`PostgreSQL did not start (exit ${code})`)));
    });
    const started: number = JSON.parse(line).port;
    const url = (db: string) => `postgres://postgres:pelekan-local@127.0.0.1:${started}/${db}`;
    return {
      port: started,
      url,
      createDatabase: async (name) => {
        const admin = new PgClient({ connectionString: url('postgres') });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
      },
      dropDatabase: async () => undefined,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  };
  const startTemporal = (port?: number) =>
    startTemporalDevServer({ cliPath: testStack().temporalCliPath, dbFile: join(dir, 'temporal.sqlite'), port, log });

  afterAll(async () => {
    await worker?.stop();
    await h?.close();
    await temporal?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while a dependency is down, then recovers by itself and loses nothing', async () => {
    [postgres, temporal] = await Promise.all([startPostgres(), startTemporal()]);
    await postgres.createDatabase('pelekan');
    h = await startHarness({
      demoData: true,
      worker: false,
      ownerUrl: postgres.url('pelekan'),
      env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, GATE_RECHECK_INTERVAL: '2 seconds' },
    });
    worker = await spawnWorker(h.env);
    const keepWorkerAlive = setInterval(() => {
      // The worker may give up while Temporal is away; a supervisor (here: this loop) restarts it.
      if (worker && worker.child.exitCode !== null) void spawnWorker(h.env).then((w) => (worker = w), () => undefined);
    }, 2000);
    try {
      const demo = await demoProject(h.http);
      const first = demo.tranche(1);
      await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${first}`)).body, (t) => t.state === 'awaiting_approval');
      await h.http.login('admin');
      await h.http.login('agency.demo');
      const org = await orgId(h.http, ITO);
      const later = await projectWithChain(h.http, 'RESTART-1', org, '1000');

      // Temporal goes away.
      const temporalPort = Number(temporal.address.split(':').pop());
      await temporal.stop();
      const health = await h.http.request('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'degraded', database: { ok: true }, temporal: { ok: false } });
      const t0 = Date.now();
      const decision = await h.http.as('pbo.officer2').post(`/api/tranches/${first}/decision`, { action: 'approve' });
      const decisionMs = Date.now() - t0;
      expect(decision.status).toBe(503);
      expect(decisionMs).toBeLessThan(10_000);
      expect(decision.body).toMatchObject({ code: 'dependency_unavailable', details: { dependency: 'temporal' } });
      expect(decision.body.message).toMatch(/workflow service is unreachable; try again/);
      expect(decision.headers.get('retry-after')).toBe('5');
      // What needs only the database still works, and a tranche created now is kept and started later.
      expect((await h.http.as('pbo.officer1').get('/api/projects')).status).toBe(200);
      const whileDown = await h.http.as('pbo.officer1').post(`/api/projects/${later.projectId}/tranches`, { fundedItemIds: [later.item('A')] });
      expect(whileDown.status).toBe(201);

      // Temporal comes back on its port with its file: the workflows are still there.
      temporal = await startTemporal(temporalPort);
      await eventually(async () => (await h.http.request('GET', '/health')).status, (s) => s === 200, 60_000);
      const approved = await eventually(
        () => h.http.as('pbo.officer2').post(`/api/tranches/${first}/decision`, { action: 'approve' }, { headers: { 'idempotency-key': `restart-${first}` } }),
        (a) => a.status === 201,
        60_000,
      );
      expect(approved.status).toBe(201);

      // PostgreSQL goes away while the release is being paid.
      const pgPort = postgres.port;
      await postgres.stop();
      const dbHealth = await h.http.request('GET', '/health');
      expect(dbHealth.status).toBe(503);
      expect(dbHealth.body).toMatchObject({ database: { ok: false } });
      for (const [method, path] of [
        ['GET', '/api/projects'],
        ['GET', `/api/tranches/${first}`],
        ['POST', '/api/portfolios'],
      ] as const) {
        const answer = await h.http.request(method, path, {
          token: await h.http.login('pbo.officer1'),
          ...(method === 'POST' ? { json: { code: 'DOWN', nameFa: 'x', nameEn: 'x' }, headers: { 'idempotency-key': randomUUID() } } : {}),
        });
        expect([path, answer.status]).toEqual([path, 503]);
        expect(answer.body).toMatchObject({ code: 'dependency_unavailable', message: 'the database is unreachable; try again shortly' });
      }
      const login = await h.http.request('POST', '/api/auth/login', { json: { username: 'admin', password: 'pelekan-demo' } });
      expect(login.status).toBe(503);

      // PostgreSQL comes back: the pool reconnects, the activities retry, nothing was lost.
      postgres = await startPostgres(pgPort);
      await eventually(async () => (await h.http.request('GET', '/health')).status, (s) => s === 200, 60_000);
      expect((await h.http.as('pbo.officer1').get('/api/projects')).status).toBe(200);
      await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${first}`)).body, (t) => t.state === 'released', 90_000);
      // The tranche saved while Temporal was down got its workflow (the reconciler) and can be released too.
      const second = whileDown.body.id;
      await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${second}`)).body, (t) => t.state === 'awaiting_approval', 90_000);
      expect((await h.http.as('pbo.officer2').post(`/api/tranches/${second}/decision`, { action: 'approve' })).status).toBe(201);
      await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${second}`)).body, (t) => t.state === 'released', 60_000);
      await expectLedgerConsistent(ledgerOf(h), [first, second]);
      expect((await h.http.as('admin').get('/api/audit/verify')).body.ok).toBe(true);
      console.log(`faults: a decision while Temporal was down was answered 503 in ${decisionMs} ms`);
    } finally {
      clearInterval(keepWorkerAlive);
    }
  });
});
