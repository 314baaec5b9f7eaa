import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A compiled entry point under dist/ (built by `npm test` before Jest runs). */
export function built(...path: string[]): string {
  const file = join(__dirname, '..', '..', 'dist', ...path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the build first (npm test does)`);
  return file;
}

export interface BuiltProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process printed last (for a failure's message). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not stopped within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a production entry point as a process of its own (a test may kill it) and waits until its
 * output says it is ready; `ready` returns what the caller needs from that output (e.g. its URL).
 */
export async function startBuilt<T>(
  entry: string,
  env: Record<string, string>,
  ready: (output: string) => T | undefined,
  what: string,
): Promise<{ process: BuiltProcess; ready: T }> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  let answer: T | undefined;
  while ((answer = ready(output)) === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(late);
  };
  return { process: { child, exited, output: () => output, stop }, ready: answer };
}
