import { rmSync } from 'node:fs';
import { runFile } from './stack';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__PELEKAN_STACK_STOP__?.();
  for (const kind of ['stack.json', 'workflow-bundle.js'] as const) rmSync(runFile(kind), { force: true });
}
