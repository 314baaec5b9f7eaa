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
