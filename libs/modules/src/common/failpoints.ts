/**
 * Fault injection for the crash tests: with ENABLE_FAILPOINTS=true and
 * PELEKAN_FAILPOINTS="release.afterCommit=kill-once:/tmp/marker" the process kills itself with
 * SIGKILL at that point, once (the marker file records that it already did). Inert otherwise.
 */
import { existsSync, writeFileSync } from 'node:fs';

export type FailpointName = 'release.beforeCommit' | 'release.afterCommit';

export function failpoint(name: FailpointName): void {
  if (process.env.ENABLE_FAILPOINTS !== 'true') return;
  const spec = (process.env.PELEKAN_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim().split('='))
    .find(([key]) => key === name)?.[1];
  if (!spec) return;
  const [action, marker] = spec.split(':');
  if (action !== 'kill-once' || !marker || existsSync(marker)) return;
  writeFileSync(marker, `${name} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
