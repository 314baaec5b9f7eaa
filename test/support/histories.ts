import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trancheWorkflowId } from '@pelekan/workflows/tranche.contract';
import type { Harness } from './harness';
import { testStack } from './stack';

export const HISTORIES_DIR = join(__dirname, '..', '..', 'workflows', 'histories');

/**
 * With PELEKAN_RECORD_HISTORIES=1, saves the tranche workflow's history as a replay fixture
 * (workflows/histories/<name>.json), exported by the Temporal CLI in the JSON form the SDK's replayer
 * reads. The replay test runs every saved history against the current workflow code, so a change that
 * breaks running workflows fails in CI.
 */
export async function recordHistory(h: Harness, trancheId: string, name: string): Promise<void> {
  await recordWorkflowHistory(h, trancheWorkflowId(trancheId), name);
}

/**
 * `runId` records one run rather than the latest: after continue-as-new the workflow id names the new
 * run, and a fixture may be the run that ended in ContinueAsNew.
 */
export async function recordWorkflowHistory(h: Harness, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.PELEKAN_RECORD_HISTORIES !== '1') return;
  const cli = testStack().temporalCliPath;
  if (!cli) throw new Error('recording histories needs the Temporal CLI');
  const json = execFileSync(cli, [
    'workflow', 'show',
    '--address', h.env.TEMPORAL_ADDRESS,
    '--namespace', h.env.TEMPORAL_NAMESPACE,
    '--workflow-id', workflowId,
    ...(runId ? ['--run-id', runId] : []),
    '--output', 'json',
  ]);
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), json);
}
