import { Connection } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Log } from './log';
import { freePort } from './ports';

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  namespace: string;
  /** The Temporal Web UI, when started with one. */
  uiUrl: string | null;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** The CLI binary; null falls back to the SDK downloading one (needs internet). */
  cliPath: string | null;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  dbFile?: string;
  port?: number;
  /** Serve the Web UI on this port; null for none. */
  uiPort?: number | null;
  namespace?: string;
  log: Log;
}

/** Resolves once the namespace answers over gRPC, or throws after `timeoutMs`. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs = 120_000, alive = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && alive()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(`Temporal at ${address} did not answer: ${(lastError as Error)?.message ?? 'process exited'}`);
}

/** Starts `temporal server start-dev`, a real single-process Temporal server (SQLite inside). */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  const port = await freePort(options.port ?? 0);
  const uiPort = options.uiPort === null || options.uiPort === undefined ? null : await freePort(options.uiPort);
  if (!options.cliPath) return startWithSdkDownload({ ...options, namespace, port, uiPort });

  if (options.dbFile) mkdirSync(dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    'error',
    ...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];
  const child: ChildProcess = spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const address = `127.0.0.1:${port}`;
  try {
    await waitForTemporal(address, namespace, 120_000, () => !exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    address,
    namespace,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last resort on a machine without Go: the SDK downloads the CLI itself and runs the same dev server. */
async function startWithSdkDownload(
  options: TemporalDevServerOptions & { namespace: string; port: number; uiPort: number | null },
): Promise<TemporalDevServer> {
  options.log('no Temporal CLI found or built; letting the Temporal SDK download one');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      namespace: options.namespace,
      dbFilename: options.dbFile,
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
    },
  });
  return {
    address: env.address,
    namespace: options.namespace,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    stop: () => env.teardown(),
  };
}
