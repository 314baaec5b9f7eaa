import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Http } from './http';

const DIST = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src');
const ENTRY = join(DIST, 'main.js');
const CLI = join(DIST, 'cli.js');

export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  http: Http;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process printed last (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

function built(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: run the build first (npm test does)`);
  return file;
}

/** The production API (`dist/apps/api/src/main.js`) as a process of its own, on a free port. */
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, [built(ENTRY)], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'log', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  let baseUrl: string | undefined;
  while (!(baseUrl = /Pelekan API on (http:\/\/[^\s]+)/.exec(output)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    http: new Http(baseUrl),
    exited,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(late);
    },
  };
}

/** Runs an operator command (`dist/apps/api/src/cli.js <args>`) and answers what it printed. */
export async function runCli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [built(CLI), ...args], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return stdout;
}
