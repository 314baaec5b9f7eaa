import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runFile } from './stack';

const ENTRY = join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js');

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** The production worker (built by `npm test` before Jest runs) as a real process that a test may kill. */
export async function spawnWorker(env: Record<string, string>, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run the build first (npm test does)`);
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, ...env, WORKFLOW_BUNDLE_PATH: runFile('workflow-bundle.js'), LOG_LEVEL: 'log', ...extra },
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
  while (!output.includes('polling')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
