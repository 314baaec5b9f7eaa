/**
 * `npm run bench`: Pelekan at national scale on one machine, each figure beside the limit it is
 * compared with, measured in the same run. Prints a table and writes bench/results/<time>.json.
 *   --scale N        multiply the base data (20,000 projects, 400,000 items, 60,000 tranches); 5 for 5x
 *   --quick          a small run for CI and smoke checks (about 2 minutes)
 *   --workflows N    open tranche workflows for the worker figures (default 10,000; scale 1 has 30,000 waiting
 *                    tranches, so 60,000 needs --scale 2)
 *   --only a,b       run only these sections: sweep, size, reads, release, workflows (data is always generated)
 * Besides the table, bench/results/latest.json (and a timestamped copy) holds `scale`, the machine and a
 * flat `figures` object (e.g. "sweep.firstRunSeconds"), so runs can be compared by a script.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Runtime, DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient, Pool } from 'pg';
import {
  ActionPlansService,
  durationMs,
  EscalationSweep,
  loadConfig,
  PelekanModule,
  PortfoliosService,
  ProjectsService,
  prepareDatabase,
  TrancheReadModel,
  TrancheWorkflows,
} from '@pelekan/modules';
import { DataSource } from 'typeorm';
import type { INestApplicationContext } from '@nestjs/common';
import { PortalService } from '../../libs/modules/src/portal/portal.service';
import {
  consoleLog,
  dataDir,
  ensureTemporalCli,
  freePort,
  startEmbeddedPostgres,
  startTemporalDevServer,
} from '@pelekan/local-stack';
import { createPelekanWorker } from '../../apps/worker/src/worker';
import { generateNationalData, scaled, type Generated } from './generate';
import { closedLoop, percentile, timed, type LoadResult } from './load';

interface Row {
  figure: string;
  value: string;
  beside: string;
  note?: string;
}

const root = join(__dirname, '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag('quick');
const factor = quick ? 0.02 : option('scale', 1);
const openWorkflows = option('workflows', quick ? 300 : 10_000);
const loadSeconds = quick ? 3 : 10;
/** How long the idle worker is watched once its workflows settled. */
const idleSeconds = quick ? 10 : 60;
const onlyArg = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
const sections = new Set((onlyArg ?? 'sweep,size,reads,release,workflows').split(',').map((s) => s.trim()));
const runs = (section: 'sweep' | 'size' | 'reads' | 'release' | 'workflows') => sections.has(section);
/** The flat figures of latest.json: numbers only, keyed "area.figure". */
const figures: Record<string, number> = {};
const releaseCycles = quick ? 20 : 100;
const say = (m: string) => console.log(`[bench] ${m}`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    scale: factor,
  };

  const cli = await ensureTemporalCli(consoleLog);
  const [postgres, temporal] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dataDir(), `bench-postgres-${process.pid}`), throwaway: true, log: consoleLog }),
    startTemporalDevServer({ cliPath: cli, log: consoleLog }),
  ]);
  const admin = new PgClient({ connectionString: postgres.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE pelekan_bench');
  await admin.end();
  const databaseUrl = postgres.url('pelekan_bench');
  // The owner migrates and generates; the API and the worker connect as the application role, as deployed.
  const appDatabaseUrl = await prepareDatabase(databaseUrl, { login: 'pelekan_app', password: 'pelekan-app-bench' });
  const pool = new Pool({ connectionString: databaseUrl, max: 40 });
  // Ctrl-C stops the servers too, so no PostgreSQL or Temporal is left running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      api?.kill('SIGKILL');
      void Promise.allSettled([temporal.stop(), postgres.stop()]).then(() => process.exit(130));
    });
  }
  let api: ChildProcess | undefined;
  let appContext: INestApplicationContext | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  try {
    say(`generating data at scale ${factor}`);
    const gen = await timed(() => generateNationalData(pool, scaled(factor)));
    const data: Generated = gen.value;
    results.data = { ...data, seconds: gen.seconds };
    rows.push({
      figure: 'Generated data',
      value: `${fmt(data.projects)} projects, ${fmt(data.items)} items, ${fmt(data.tranches)} tranches`,
      beside: `${fmt(gen.seconds, 1)} s to generate`,
    });

    const env = {
      DATABASE_URL: appDatabaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: 'bench',
      JWT_SECRET: randomBytes(32).toString('hex'),
      AUDIT_KEY: randomBytes(32).toString('hex'),
      // The load generator is one address sending thousands of reads a minute.
      PUBLIC_RATE_LIMIT: '100000000',
      ESCALATION_PERIOD: '30 days',
      LOG_LEVEL: 'error',
    };
    const app = await NestFactory.createApplicationContext(PelekanModule.forRoot(env), { logger: ['error'] });
    appContext = app;

    // 1. The escalation sweep over every item, beside a bare scan of the same rows.
    if (runs('sweep')) {
      say('escalation sweep');
      const floor = await timed(() => pool.query('SELECT count(*) FROM action_items WHERE verified_percent < 100 AND removed_at IS NULL'));
      const sweep = app.get(EscalationSweep);
      const first = await timed(() => sweep.run({ runKey: 'bench-1', at: new Date().toISOString() }));
      const second = await timed(() => sweep.run({ runKey: 'bench-2', at: new Date(Date.now() + 31 * 86400_000).toISOString() }));
      results.sweep = { first: { ...first.value, seconds: first.seconds }, second: { ...second.value, seconds: second.seconds }, floorSeconds: floor.seconds };
      Object.assign(figures, {
        'sweep.items': data.items,
        'sweep.firstRunSeconds': first.seconds,
        'sweep.climbRunSeconds': second.seconds,
        'sweep.bareScanSeconds': floor.seconds,
        'sweep.opened': first.value.opened,
        'sweep.climbed': second.value.climbed,
      });
      rows.push({
        figure: 'Escalation sweep, first run (opens cases)',
        value: `${fmt(first.seconds, 2)} s for ${fmt(data.items)} items (${fmt(data.items / first.seconds)} items/s); ${fmt(first.value.opened)} opened, ${fmt(first.value.notified)} notified`,
        beside: `bare scan of unfinished items ${fmt(floor.seconds * 1000, 0)} ms`,
      });
      rows.push({
        figure: 'Escalation sweep, a period later (climbs)',
        value: `${fmt(second.seconds, 2)} s; ${fmt(second.value.climbed)} climbed, ${fmt(second.value.opened)} opened, ${fmt(second.value.resolved)} resolved, ${fmt(second.value.notified)} notified`,
        beside: `ratio to bare scan ${fmt(second.seconds / floor.seconds, 0)}x`,
      });
      // What the sweeps wrote to the audit chain: entries of at most 10,000 rows each, and the chain still verifies.
      const audit = (
        await pool.query(
          `SELECT count(*)::int AS entries, coalesce(max((row_key->>'rows')::int), 0)::int AS "maxRows",
                  coalesce(max(pg_column_size(coalesce(after, before))), 0)::float8 AS "maxBytes"
             FROM audit_log WHERE table_name IN ('escalation_cases', 'escalation_events', 'notifications') AND row_key ? 'rows'`,
        )
      ).rows[0] as { entries: number; maxRows: number; maxBytes: number };
      const verified = await timed(() => pool.query<{ ok: boolean; checked: string }>('SELECT ok, checked FROM audit_verify()'));
      if (!verified.value.rows[0].ok) throw new Error('the audit chain does not verify after the sweeps');
      Object.assign(figures, {
        'sweep.auditEntries': audit.entries,
        'sweep.auditMaxRowsPerEntry': audit.maxRows,
        'sweep.auditMaxEntryMiB': audit.maxBytes / 2 ** 20,
        'sweep.auditVerifySeconds': verified.seconds,
      });
      rows.push({
        figure: 'Escalation sweeps in the audit chain',
        value: `${fmt(audit.entries)} entries, at most ${fmt(audit.maxRows)} rows and ${fmt(audit.maxBytes / 2 ** 20, 1)} MiB each`,
        beside: `whole chain (${fmt(Number(verified.value.rows[0].checked))} rows) verified in ${fmt(verified.seconds, 1)} s`,
      });
    }

    // 2. Database size per 100,000 items.
    if (runs('size')) {
      const size = (
        await pool.query(
          `SELECT pg_database_size(current_database())::float8 AS db,
                  (SELECT sum(pg_total_relation_size(c))::float8 FROM unnest(ARRAY['action_items', 'action_links', 'tranche_items',
                    'progress_declarations', 'escalation_cases', 'escalation_events', 'notifications']::regclass[]) c) AS item_tables,
                  (SELECT avg(pg_column_size(i.*))::float8 FROM action_items i) AS row_bytes`,
        )
      ).rows[0];
      const per100k = (bytes: number) => (bytes / data.items) * 100_000 / 2 ** 20;
      results.size = size;
      rows.push({
        figure: 'Database size per 100,000 items',
        value: `${fmt(per100k(size.db), 1)} MiB whole database; ${fmt(per100k(size.item_tables), 1)} MiB item tables with indexes`,
        beside: `raw item rows ${fmt((size.row_bytes * 100_000) / 2 ** 20, 1)} MiB (${fmt(size.row_bytes)} B/row)`,
      });
    }

    // The API in its own process, for the reads and the release path.
    const port = await freePort(0);
    api = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
      if (i > 300) throw new Error('the API did not start');
      await sleep(200);
    }

    // 3. API reads under load from this process, the API in its own, beside the same SQL on pg. The
    //    HTTP client is node:http on kept-alive connections, as lean as the pg client beside it (fetch
    //    spent about three times the CPU per request on this machine, taken from the API it measures);
    //    every answer is read to its end, as a client does.
    if (runs('reads')) {
      say('API read throughput');
      const { Agent, request } = await import('node:http');
      const { readFileSync } = await import('node:fs');
      /** CPU time (user + system) the API process used so far, from /proc (NaN where there is none). */
      const apiCpuMs = () => {
        try {
          const fields = readFileSync(`/proc/${api!.pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
        } catch {
          return NaN;
        }
      };
      const agent = new Agent({ keepAlive: true, maxSockets: 64 });
      const login = (await (
        await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'bench.pbo2', password: data.password }),
        })
      ).json()) as { accessToken: string };
      const headers = { authorization: `Bearer ${login.accessToken}` };
      const projectIds: string[] = (await pool.query(`SELECT id FROM projects ORDER BY random() LIMIT 2000`)).rows.map((r) => r.id);
      const get = (path: (i: number) => string) => (i: number) =>
        new Promise<boolean>((resolve, reject) => {
          const call = request(`${base}${path(i)}`, { agent, headers }, (answer) => {
            answer.on('data', () => undefined);
            answer.on('end', () => resolve(answer.statusCode === 200));
            answer.on('error', reject);
          });
          call.on('error', reject);
          call.end();
        });
      const publicIsPortal = (await fetch(`${base}/api/public/portfolios/${data.portfolio25Id}`)).ok;
      // The pipeline is keyset-paged: its first page, of the default size, as the PBO workspace loads it.
      const pipelinePage = (await (await fetch(`${base}/api/tranches?state=awaiting_approval`, { headers })).json()) as { items: unknown[]; next: string | null };
      figures['api.pipeline.pageRows'] = pipelinePage.items.length;
      const publicPortfolio = publicIsPortal
        ? (i: number) => `/api/public/portfolios/${data.portfolio25Id}?i=${i}`
        : (i: number) => `/api/portfolios/${data.portfolio25Id}?i=${i}`;
      // "Same SQL": the statements each endpoint's services really issue, recorded once in this process
      // (TypeORM's logger sees every query) and replayed on pg with the id of each call substituted.
      const projects = app.get(ProjectsService);
      const plans = app.get(ActionPlansService);
      const tranches = app.get(TrancheReadModel);
      const sample = projectIds[0];
      const reads: Array<{ key: string; name: string; http: (i: number) => Promise<boolean>; service: (i: number) => Promise<unknown> }> = [
        {
          key: 'projectPage',
          name: 'Project page (project + action plan)',
          http: async (i) => (await get((k) => `/api/projects/${projectIds[k % projectIds.length]}`)(i)) &&
            (await get((k) => `/api/projects/${projectIds[k % projectIds.length]}/action-plan`)(i)),
          service: async (i) => {
            const id = projectIds[i % projectIds.length];
            await projects.getProject(id);
            await plans.getPlan(id);
          },
        },
        {
          key: 'pipeline',
          name: `PBO pipeline (tranches awaiting approval, with gates; first page, ${pipelinePage.items.length} rows)`,
          http: get(() => '/api/tranches?state=awaiting_approval'),
          service: () => tranches.list({ state: 'awaiting_approval' }),
        },
        {
          key: 'portal',
          name: 'Portfolio of 25 projects (portal page)',
          http: get(publicPortfolio),
          service: () => (publicIsPortal ? app.get(PortalService).portfolio(data.portfolio25Id) : app.get(PortfoliosService).getPortfolio(data.portfolio25Id)),
        },
      ];
      const readResults: Record<string, { http: LoadResult; service: LoadResult; sql: LoadResult; statements: number }> = {};
      for (const read of reads) {
        const statements = await recordSql(app, () => read.service(0));
        const sql = async (i: number) => {
          const id = projectIds[i % projectIds.length];
          for (const s of statements) {
            await pool.query(s.sql, s.params.map((v) => (v === sample ? id : v)));
          }
          return true;
        };
        // CPU time per call of the API process and of this one (the load and the pg client): on a
        // shared machine the throughput figures move with the neighbours; CPU per call much less.
        const cpu = async (loop: () => Promise<LoadResult>) => {
          const [api0, self0, t0] = [apiCpuMs(), process.cpuUsage(), performance.now()];
          const result = await loop();
          const self = process.cpuUsage(self0);
          // CPU per second of the loop (warm-up included) over calls per second of the measured part.
          const perCall = (ms: number) => ms / ((performance.now() - t0) / 1000) / (result.perSecond || 1);
          return { result, apiMs: perCall(apiCpuMs() - api0), clientMs: perCall((self.user + self.system) / 1000) };
        };
        const http = await cpu(() => closedLoop(read.http, { concurrency: 32, seconds: loadSeconds, warmupSeconds: 1 }));
        const service = await closedLoop(async (i) => (await read.service(i), true), { concurrency: 32, seconds: loadSeconds, warmupSeconds: 1 });
        const raw = await cpu(() => closedLoop(sql, { concurrency: 32, seconds: loadSeconds, warmupSeconds: 1 }));
        readResults[read.name] = { http: http.result, service, sql: raw.result, statements: statements.length };
        figures[`api.${read.key}.apiCpuMsPerCall`] = http.apiMs;
        figures[`api.${read.key}.clientCpuMsPerCall`] = http.clientMs;
        figures[`api.${read.key}.pgClientCpuMsPerCall`] = raw.clientMs;
        const [h, r] = [http.result, raw.result];
        figures[`api.${read.key}.rps`] = h.perSecond;
        figures[`api.${read.key}.p99Ms`] = h.p99ms;
        figures[`api.${read.key}.pgRps`] = r.perSecond;
        figures[`api.${read.key}.p50Ms`] = h.p50ms;
        figures[`api.${read.key}.httpToPgPercent`] = (100 * h.perSecond) / r.perSecond;
        rows.push({
          figure: `API: ${read.name}, 32 concurrent`,
          value:
            `${fmt(h.perSecond)} req/s, p50 ${fmt(h.p50ms, 1)} ms, p99 ${fmt(h.p99ms, 1)} ms${h.errors ? `, ${h.errors} errors` : ''}; ` +
            `CPU per call: API ${fmt(http.apiMs, 2)} ms, client ${fmt(http.clientMs, 2)} ms`,
          beside:
            `same ${statements.length} SQL statements on pg: ${fmt(r.perSecond)}/s, p50 ${fmt(r.p50ms, 1)} ms, client CPU ${fmt(raw.clientMs, 2)} ms/call ` +
            `(HTTP keeps ${fmt((100 * h.perSecond) / r.perSecond, 0)}%); services in-process: ${fmt(service.perSecond)}/s`,
        });
      }
      results.reads = readResults;
      agent.destroy();
    }

    // The worker, for the release path and the open workflows.
    const connection = await NativeConnection.connect({ address: temporal.address });
    worker = await createPelekanWorker({
      app,
      connection,
      namespace: temporal.namespace,
      taskQueue: 'bench',
      workflowBundle: { codePath: join(root, 'dist/workflow-bundle.js') },
    });
    running = worker.run();

    // 4. The release path through HTTP, the workflow and the ledger, beside a trivial workflow.
    if (runs('release')) {
      say('release path');
      const release = await releasePath(pool, base, data, releaseCycles);
      results.release = release;
      const trivial = await trivialBaseline(temporal.address, temporal.namespace, releaseCycles * 2);
      results.trivial = trivial;
      Object.assign(figures, {
        'release.rps': release.releasesPerSecond,
        'release.trivialRps': trivial.perSecond,
        'release.payP99Ms': release.pay.p99,
        'gate.p99Ms': release.gate.p99,
        'gate.p50Ms': release.gate.p50,
      });
      rows.push({
        figure: 'Verification completing a gate → tranche awaiting approval',
        value: `p50 ${fmt(release.gate.p50, 0)} ms, p99 ${fmt(release.gate.p99, 0)} ms (${releaseCycles} tranches)`,
        beside: `trivial workflow+activity: p50 ${fmt(trivial.p50, 0)} ms, p99 ${fmt(trivial.p99, 0)} ms`,
      });
      rows.push({
        figure: 'Approval → ledger entry',
        value: `p50 ${fmt(release.pay.p50, 0)} ms, p99 ${fmt(release.pay.p99, 0)} ms; ${fmt(release.releasesPerSecond, 1)} releases/s with ${releaseCycles} at once`,
        beside: `trivial workflow+activity: ${fmt(trivial.perSecond, 1)}/s`,
      });
    }

    // 5. The worker with many tranche workflows open and waiting, in its own process (as deployed): the
    // in-process worker stops polling first, so every task of these workflows goes to the process measured.
    if (runs('workflows')) {
      worker?.shutdown();
      await running?.catch(() => undefined);
      worker = undefined;
      running = undefined;
      const measured = await startWorkerProcess(env, temporal.address, temporal.namespace);
      try {
        const waiting: Array<{ id: string; createdBy: string }> = (
          await pool.query(
            `SELECT id, created_by AS "createdBy" FROM tranches WHERE state = 'waiting_on_items' ORDER BY id LIMIT $1`,
            [openWorkflows],
          )
        ).rows;
        const startRss = procStats(measured.pid).rssMiB;
        say(`opening ${fmt(waiting.length)} tranche workflows on the worker process ${measured.pid} (RSS ${fmt(startRss)} MiB)`);
        const cpuAtStart = procStats(measured.pid).cpuSeconds;
        const workflows = app.get(TrancheWorkflows);
        const opened = await timed(async () => {
          for (let i = 0; i < waiting.length; i += 100) await Promise.all(waiting.slice(i, i + 100).map((t) => workflows.start(t)));
        });
        // Settled: every workflow has run its first gate check and sleeps; seen as two quiet 5-second windows in a row.
        const settle = await settleOf(measured.pid, { quietPercent: 10, windowMs: quick ? 2000 : 5000, maxMs: Math.max(15 * 60_000, waiting.length * 60) });
        const burstCpuSeconds = procStats(measured.pid).cpuSeconds - cpuAtStart;
        say(`settled ${fmt(settle.seconds)} s after the last start; measuring idle for ${idleSeconds} s`);
        const s0 = procStats(measured.pid);
        const t0 = performance.now();
        await sleep(idleSeconds * 1000);
        const s1 = procStats(measured.pid);
        const idleCpuPercent = ((s1.cpuSeconds - s0.cpuSeconds) * 100_000) / (performance.now() - t0);
        const cpuMsPerWorkflow = (burstCpuSeconds * 1000) / Math.max(1, waiting.length);
        // Later, each waiting tranche re-checks its gate once a GATE_RECHECK_INTERVAL: about the work of its
        // start (two workflow tasks and an activity), spread over the interval.
        const recheckInterval = loadConfig(env).GATE_RECHECK_INTERVAL;
        const rechecksPerSecond = waiting.length / (durationMs(recheckInterval) / 1000);
        const recheckCpuPercent = (rechecksPerSecond * cpuMsPerWorkflow) / 10;
        results.openWorkflows = {
          count: waiting.length,
          startSeconds: opened.seconds,
          settleSeconds: settle.seconds,
          settled: settle.settled,
          rssMiBBeforeStart: startRss,
          rssMiB: s1.rssMiB,
          peakRssMiB: s1.peakRssMiB,
          idleCpuPercent,
          idleSeconds,
          burstCpuSeconds,
          cpuMsPerWorkflow,
          recheckInterval,
          rechecksPerSecond,
          recheckCpuPercent,
        };
        Object.assign(figures, {
          'worker.openWorkflows': waiting.length,
          'worker.rssMiB': s1.rssMiB,
          'worker.peakRssMiB': s1.peakRssMiB,
          'worker.idleCpuPercent': idleCpuPercent,
          'worker.settleSeconds': settle.seconds,
          'worker.startPerSecond': waiting.length / opened.seconds,
          'worker.cpuMsPerWorkflow': cpuMsPerWorkflow,
          'worker.rechecksPerSecond': rechecksPerSecond,
          'worker.recheckCpuPercent': recheckCpuPercent,
        });
        rows.push({
          figure: `Worker process with ${fmt(waiting.length)} open tranche workflows`,
          value:
            `RSS ${fmt(s1.rssMiB)} MiB (${fmt(startRss)} MiB before, peak ${fmt(s1.peakRssMiB)} MiB); ` +
            `idle CPU ${fmt(idleCpuPercent, 1)}% of a core over ${idleSeconds} s${settle.settled ? '' : ' (never settled)'}`,
          beside:
            `started at ${fmt(waiting.length / opened.seconds)} workflows/s, settled ${fmt(settle.seconds)} s later; ` +
            `${fmt(cpuMsPerWorkflow, 1)} ms CPU per workflow start; re-checks every ${recheckInterval}: ` +
            `${fmt(rechecksPerSecond, 2)}/s ≈ ${fmt(recheckCpuPercent, 1)}% of a core`,
        });
      } finally {
        await measured.stop();
      }
    }

    print(rows);
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const report = JSON.stringify({ scale: factor, machine: results.machine, figures, ...results, table: rows }, null, 2);
    writeFileSync(file, report);
    writeFileSync(join(dir, 'latest.json'), report);
    say(`results written to ${file} and bench/results/latest.json`);
  } finally {
    // The worker first: its activities use the app's database connection.
    worker?.shutdown();
    await running?.catch(() => undefined);
    await appContext?.close();
    api?.kill('SIGTERM');
    await pool.end();
    await temporal.stop();
    await postgres.stop();
  }
}

/** Every statement TypeORM sends while `work` runs (transaction control left out). */
async function recordSql(app: INestApplicationContext, work: () => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
  const ds: { logger: { logQuery: (q: string, p?: unknown[]) => void } } = app.get(DataSource);
  const recorded: Array<{ sql: string; params: unknown[] }> = [];
  const original = ds.logger.logQuery;
  ds.logger.logQuery = function (this: unknown, q: string, p?: unknown[]) {
    if (!/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q.trim())) recorded.push({ sql: q, params: p ?? [] });
    return original.call(this, q, p);
  };
  try {
    await work();
  } finally {
    ds.logger.logQuery = original;
  }
  return recorded;
}

/**
 * Fresh tranches gated on one item each, with a pending 100% declaration of that item: time from
 * the committee's accepting call to "awaiting approval", then from the PBO approval to the ledger entry.
 */
async function releasePath(pool: Pool, base: string, data: Generated, n: number) {
  const token = async (username: string) =>
    (
      await (
        await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: data.password }),
        })
      ).json() as { accessToken: string }
    ).accessToken;
  const [pbo, pbo2, committee] = await Promise.all([token('bench.pbo'), token('bench.pbo2'), token('bench.committee')]);
  const call = (t: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${t}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  // Items 1 and 2 of generated projects are tied to no tranche: link 1 → 2 and fund 2, gated on 1.
  const { rows } = await pool.query(
    `SELECT p.id AS project, g.id AS gate, f.id AS funded FROM projects p
       JOIN action_items g ON g.project_id = p.id AND g.code = '1' JOIN action_items f ON f.project_id = p.id AND f.code = '2'
      WHERE p.code LIKE 'B-%' ORDER BY p.code LIMIT $1`,
    [n],
  );
  await pool.query(
    `UPDATE action_items SET verified_percent = 0 WHERE id = ANY($1::uuid[])`,
    [rows.map((r) => r.gate)],
  );
  await pool.query(`INSERT INTO action_links (from_item_id, to_item_id) SELECT unnest($1::uuid[]), unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [
    rows.map((r) => r.gate),
    rows.map((r) => r.funded),
  ]);
  const cases = [];
  for (const r of rows) {
    const created = (await (await call(pbo, 'POST', `/api/projects/${r.project}/tranches`, { fundedItemIds: [r.funded], amountRials: '1000' })).json()) as { id: string };
    await pool.query(`UPDATE progress_declarations SET status = 'superseded' WHERE item_id = $1 AND status = 'pending'`, [r.gate]);
    const [{ id: declaration }] = (
      await pool.query(
        `INSERT INTO progress_declarations (item_id, percent, note, declared_by) VALUES ($1, 100, 'bench', (SELECT id FROM users WHERE username = 'bench.agency')) RETURNING id`,
        [r.gate],
      )
    ).rows;
    cases.push({ tranche: created.id, declaration });
  }
  const awaiting = async (ids: string[]) =>
    new Set<string>(
      (await pool.query(`SELECT id FROM tranches WHERE id = ANY($1::uuid[]) AND state = 'awaiting_approval'`, [ids])).rows.map((r) => r.id),
    );
  const inLedger = async (ids: string[]) =>
    new Set<string>((await pool.query('SELECT tranche_id FROM ledger_entries WHERE tranche_id = ANY($1::uuid[])', [ids])).rows.map((r) => r.tranche_id));

  // Gate: verifications issued ten at a time, each timed to its tranche's "awaiting approval".
  const gateMs: number[] = [];
  for (let i = 0; i < cases.length; i += 10) {
    const batch = cases.slice(i, i + 10);
    const t0 = performance.now();
    await Promise.all(batch.map((c) => call(committee, 'POST', `/api/declarations/${c.declaration}/decision`, { decision: 'accept' })));
    const reached = await until(batch.map((c) => c.tranche), awaiting);
    for (const c of batch) gateMs.push(reached.get(c.tranche)! - t0);
  }
  // Pay: every approval at once.
  const t0 = performance.now();
  const approvals = new Map<string, number>();
  await Promise.all(
    cases.map(async (c) => {
      approvals.set(c.tranche, performance.now());
      await call(pbo2, 'POST', `/api/tranches/${c.tranche}/decision`, { action: 'approve' });
    }),
  );
  const paid = await until(cases.map((c) => c.tranche), inLedger);
  const allPaidSeconds = (Math.max(...paid.values()) - t0) / 1000;
  const payMs = cases.map((c) => paid.get(c.tranche)! - approvals.get(c.tranche)!).sort((a, b) => a - b);
  gateMs.sort((a, b) => a - b);
  return {
    gate: { p50: percentile(gateMs, 50), p99: percentile(gateMs, 99) },
    pay: { p50: percentile(payMs, 50), p99: percentile(payMs, 99) },
    releasesPerSecond: cases.length / allPaidSeconds,
  };
}

/** When each id first passes the probe (polled every few milliseconds). */
async function until(ids: string[], probe: (pending: string[]) => Promise<Set<string>>): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  const deadline = performance.now() + 120_000;
  while (at.size < ids.length) {
    if (performance.now() > deadline) throw new Error(`${ids.length - at.size} of ${ids.length} did not get there in 2 minutes`);
    const done = await probe(ids.filter((id) => !at.has(id)));
    const now = performance.now();
    for (const id of done) at.set(id, now);
    if (at.size < ids.length) await sleep(5);
  }
  return at;
}

/** A workflow that runs one empty activity, on the same server: the floor for any workflow round trip. */
async function trivialBaseline(address: string, namespace: string, n: number) {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./trivial.workflow'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: 'bench-trivial',
    workflowBundle: bundle,
    activities: { noop: async () => undefined },
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }), namespace });
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
        const s = performance.now();
        await client.workflow.execute('trivialWorkflow', { taskQueue: 'bench-trivial', workflowId: `trivial-${i + k}` });
        latencies.push(performance.now() - s);
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  worker.shutdown();
  await running;
  await connection.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: n / seconds };
}

/** The worker as deployed: `dist/apps/worker/src/main.js` in its own process, with the bench's settings. */
async function startWorkerProcess(env: Record<string, string>, address: string, namespace: string) {
  const child = spawn(process.execPath, [join(root, 'dist/apps/worker/src/main.js')], {
    env: { ...process.env, ...env, WORKFLOW_BUNDLE_PATH: join(root, 'dist/workflow-bundle.js') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  // Ready once Temporal lists it among the task queue's workflow pollers (identity "<pid>@<host>").
  const connection = await Connection.connect({ address });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode}`);
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      if (pollers?.some((p) => p.identity?.startsWith(`${pid}@`))) break;
      if (i > 600) throw new Error('the worker process did not start polling in 2 minutes');
      await sleep(200);
    }
  } finally {
    await connection.close();
  }
  return {
    pid,
    stop: async () => {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

const CLOCK_TICKS = 100; // USER_HZ, `getconf CLK_TCK` on Linux

/** A process's resident memory and CPU time so far, from /proc. */
function procStats(pid: number): { rssMiB: number; peakRssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces, so count after its ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024, cpuSeconds: ticks / CLOCK_TICKS };
}

/** Waits until the process uses under `quietPercent` of a core in two windows in a row (or `maxMs` passes). */
async function settleOf(pid: number, o: { quietPercent: number; windowMs: number; maxMs: number }) {
  const t0 = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - t0 < o.maxMs) {
    const before = procStats(pid).cpuSeconds;
    const w0 = performance.now();
    await sleep(o.windowMs);
    const percent = ((procStats(pid).cpuSeconds - before) * 100_000) / (performance.now() - w0);
    quiet = percent < o.quietPercent ? quiet + 1 : 0;
  }
  return { seconds: (performance.now() - t0) / 1000, settled: quiet >= 2 };
}

function print(rows: Row[]): void {
  const w = [Math.max(...rows.map((r) => r.figure.length)), Math.max(...rows.map((r) => r.value.length))];
  console.log('');
  console.log(`${'figure'.padEnd(w[0])} | ${'measured'.padEnd(w[1])} | compared with`);
  console.log(`${'-'.repeat(w[0])}-|-${'-'.repeat(w[1])}-|-${'-'.repeat(30)}`);
  for (const r of rows) console.log(`${r.figure.padEnd(w[0])} | ${r.value.padEnd(w[1])} | ${r.beside}`);
  console.log('');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
