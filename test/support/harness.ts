import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/app';
import { createPelekanWorker } from '../../apps/worker/src/worker';
import { DemoDataService, DemoSummary, runMigrations } from '@pelekan/modules';
import { Http } from './http';
import { runFile, testStack } from './stack';

let runtimeInstalled = false;

export interface Harness {
  http: Http;
  baseUrl: string;
  env: Record<string, string>;
  app: NestFastifyApplication;
  db: DataSource;
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
}

export async function createTestDatabase(): Promise<string> {
  const stack = testStack();
  const name = `pelekan_t_${randomBytes(6).toString('hex')}`;
  const admin = new PgClient({ connectionString: stack.postgresUrlTemplate.replace('{db}', 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = stack.postgresUrlTemplate.replace('{db}', name);
  await runMigrations(url);
  return url;
}

/** The API on a fresh database, listening on a free port, with its own Temporal task queue. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const stack = testStack();
  const env: Record<string, string> = {
    DATABASE_URL: await createTestDatabase(),
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.temporalNamespace,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    GATE_RECHECK_INTERVAL: '5 seconds',
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
    connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
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
    demo,
    startWorker,
    stopWorker,
    close: async () => {
      await stopWorker();
      await app.close();
    },
  };
}
