import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/app';
import { createPelekanWorker } from '../../apps/worker/src/worker';
import { DemoDataService, DemoSummary, loadConfig, prepareDatabase, temporalConnectionOptions } from '@pelekan/modules';
import { Http } from './http';
import { runFile, testStack } from './stack';

let runtimeInstalled = false;

export interface Harness {
  http: Http;
  baseUrl: string;
  env: Record<string, string>;
  app: NestFastifyApplication;
  /** The application's own pool: the restricted role (DML on domain tables only). */
  db: DataSource;
  /** The database owner's URL (migrations, and tests that play a superuser). */
  ownerUrl: string;
  /** Runs one statement as the database owner. */
  asOwner<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  demo: DemoSummary | null;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Run an in-process worker (default true). Crash tests run theirs as child processes instead. */
  worker?: boolean;
  demoData?: boolean;
  env?: Record<string, string>;
  /** A database to use (migrated here) instead of a fresh one. */
  ownerUrl?: string;
}

/** The application role the suites connect as (cluster-wide, created once). */
export const TEST_APP_ROLE = { login: 'pelekan_app', password: 'pelekan-app-test' };

/** A fresh database, migrated by its owner; returns the owner's URL and the application role's. */
export async function createTestDatabase(): Promise<{ ownerUrl: string; appUrl: string }> {
  const stack = testStack();
  const name = `pelekan_t_${randomBytes(6).toString('hex')}`;
  const admin = new PgClient({ connectionString: stack.postgresUrlTemplate.replace('{db}', 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const ownerUrl = stack.postgresUrlTemplate.replace('{db}', name);
  return { ownerUrl, appUrl: await prepareDatabase(ownerUrl, TEST_APP_ROLE) };
}

export async function asOwner<T = any>(ownerUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new PgClient({ connectionString: ownerUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What every process of one test deployment shares: its database, the test Temporal server, its own task queue and secrets. */
export function stackEnv(databaseUrl: string): Record<string, string> {
  const stack = testStack();
  return {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.temporalNamespace,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_KEY: randomBytes(32).toString('hex'),
    GATE_RECHECK_INTERVAL: '5 seconds',
  };
}

/** The API on a fresh database, listening on a free port, with its own Temporal task queue. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const database = options.ownerUrl
    ? { ownerUrl: options.ownerUrl, appUrl: await prepareDatabase(options.ownerUrl, TEST_APP_ROLE) }
    : await createTestDatabase();
  const env: Record<string, string> = {
    ...stackEnv(database.appUrl),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    ...options.env,
  };
  const app = await createApiApp(env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = await app.getUrl();
  const db = app.get(DataSource);

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  const startWorker = async () => {
    connection = await NativeConnection.connect(temporalConnectionOptions(loadConfig(env)));
    worker = await createPelekanWorker({
      app,
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowBundle: { codePath: runFile('workflow-bundle.js') },
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    if (!worker) return;
    worker.shutdown();
    await running;
    await connection?.close();
    worker = undefined;
  };
  if (options.worker !== false) await startWorker();
  const demo = options.demoData ? await app.get(DemoDataService).load() : null;

  return {
    http: new Http(baseUrl),
    baseUrl,
    env,
    app,
    db,
    ownerUrl: database.ownerUrl,
    asOwner: (sql, params) => asOwner(database.ownerUrl, sql, params),
    demo,
    startWorker,
    stopWorker,
    close: async () => {
      await stopWorker();
      await app.close();
    },
  };
}
