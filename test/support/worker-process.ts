import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltProcess, built, startBuilt } from './built-process';
import { runFile } from './stack';

export type WorkerProcess = BuiltProcess;

/** The production worker (built by `npm test` before Jest runs) as a real process that a test may kill. */
export async function spawnWorker(env: Record<string, string>, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const { process: started } = await startBuilt(
    built('apps', 'worker', 'src', 'main.js'),
    { ...env, WORKFLOW_BUNDLE_PATH: runFile('workflow-bundle.js'), LOG_LEVEL: 'log', ...extra },
    (output) => (output.includes('polling') ? true : undefined),
    'the worker',
  );
  return started;
}

/**
 * A worker that SIGKILLs itself the first time it reaches `failpoint` (e.g. release.beforeCommit);
 * `killed()` says whether it did (the failpoint leaves its marker file behind).
 */
export async function spawnWorkerKilledAt(env: Record<string, string>, failpoint: string): Promise<WorkerProcess & { killed(): boolean }> {
  const marker = join(mkdtempSync(join(tmpdir(), 'pelekan-failpoint-')), randomUUID());
  const worker = await spawnWorker(env, { ENABLE_FAILPOINTS: 'true', PELEKAN_FAILPOINTS: `${failpoint}=kill-once:${marker}` });
  return Object.assign(worker, { killed: () => existsSync(marker) });
}
