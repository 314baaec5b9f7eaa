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

export const STACK_FILE = join(__dirname, '..', '..', '.data', 'test-stack.json');

export function testStack(): TestStack {
  return JSON.parse(readFileSync(STACK_FILE, 'utf8'));
}

export const WORKFLOW_BUNDLE_FILE = join(__dirname, '..', '..', '.data', 'test-workflow-bundle.js');
