/**
 * The servers the integration suites share: one throwaway PostgreSQL and one in-memory Temporal dev
 * server for the whole run, started by Jest's global setup. Each suite gets its own database and
 * task queue, so suites never see each other's data or workflows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestStack {
  postgresUrlTemplate: string; // with {db} for the database name
  temporalAddress: string;
  temporalNamespace: string;
  temporalCliPath: string | null;
}

/**
 * Files of this test run, named by the run (set by global setup, inherited by the test processes),
 * so two test runs on one machine never read each other's servers.
 */
export function runFile(kind: 'stack.json' | 'workflow-bundle.js'): string {
  const run = process.env.PELEKAN_TEST_RUN;
  if (!run) throw new Error('PELEKAN_TEST_RUN is not set: run the integration tests through jest (global setup sets it)');
  return join(__dirname, '..', '..', '.data', `test-${run}-${kind}`);
}

export function testStack(): TestStack {
  return JSON.parse(readFileSync(runFile('stack.json'), 'utf8'));
}
