#!/usr/bin/env node
/**
 * `npm run fuzz`: the long fuzzing run of the API (test/fuzz.e2e-spec.ts) through the same bootstrap
 * as `npm test`. FUZZ_RUNS (default 25000) requests; FUZZ_SEED replays a run.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '25000' };
const child = spawn(
  process.execPath,
  [join(root, 'scripts', 'bootstrap.mjs'), 'test', '--selectProjects', 'integration', '--', 'test/fuzz.e2e-spec.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
