#!/usr/bin/env node
/**
 * The README's two commands land here: `npm start` and `npm test`. On a fresh clone it installs
 * what is missing (npm packages, the Temporal CLI), builds, then runs the stack or the test suite.
 * Node built-ins only: this runs before anything is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => console.log(`[pelekan] ${message}`);

function fail(message) {
  console.error(`[pelekan] ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit code ${result.status ?? result.signal})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node.js 20.19 or newer is needed; this is ${process.versions.node}`);
}

/**
 * Installs the locked packages when node_modules is missing or older than the lockfile. `npm install`
 * rather than `npm ci`: ci refuses a lockfile without entries for other platforms' optional binaries,
 * which a registry mirror may not carry; install takes the locked versions and skips those.
 */
function ensurePackages() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).update(readFileSync(join(root, 'package.json'))).digest('hex');
  const stamp = join(root, 'node_modules', '.pelekan-install');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  say('installing npm packages');
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

function build() {
  say('building');
  run('npm', ['run', '--silent', 'build']);
}

/** Found on PATH or in Go's bin folder, or built with `go install` (minutes, once). */
async function ensureTemporalCli() {
  const require = createRequire(import.meta.url);
  const { ensureTemporalCli: ensure, consoleLog } = require(join(root, 'dist/libs/local-stack/src/index.js'));
  const cli = await ensure(consoleLog);
  if (cli) process.env.TEMPORAL_CLI_PATH = cli;
  else say('no Temporal CLI could be found or built; the Temporal SDK will try to download one');
}

/**
 * Installs a Debian package the tests drive for real when its program is missing and we may (root):
 * Chromium for the browser tests, libxml2-utils (xmllint) for the IATI schema validation. Otherwise
 * the suite that needs it says exactly what to install.
 */
function ensureDebianPackage({ programs, pkg, why }) {
  if (programs.some((c) => existsSync(c))) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    say(`${pkg} is missing: install your distribution's "${pkg}" package ${why}`);
    return;
  }
  say(`installing ${pkg} ${why} (apt-get install ${pkg})`);
  if (!aptUpdated) spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  aptUpdated = true;
  const result = spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) say(`apt-get could not install ${pkg}; the tests that need it will say what is missing`);
}
let aptUpdated = false;

function ensureTestPrograms() {
  ensureDebianPackage({
    programs: [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean),
    pkg: 'chromium',
    why: 'for the browser tests (or set CHROMIUM_PATH)',
  });
  ensureDebianPackage({ programs: ['/usr/bin/xmllint'], pkg: 'libxml2-utils', why: 'for the IATI schema validation (xmllint)' });
}

/** Runs the next stage in its own process group, so Ctrl-C reaches only it and it stops its children in order. */
function handOver(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: true, env: process.env });
  let signalled = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [command, ...rest] = process.argv.slice(2);
checkNode();
ensurePackages();
build();
await ensureTemporalCli();
switch (command) {
  case 'start':
    handOver(process.execPath, ['--enable-source-maps', 'dist/apps/local/src/main.js', ...rest]);
    break;
  case 'test':
    // The habits before the behaviour: the whole tree type-checks (tests and web app included) and lints.
    say('type-checking (apps, libs, workflows, tests, web) and linting');
    run('npm', ['run', '--silent', 'typecheck']);
    run('npm', ['run', '--silent', 'lint']);
    ensureTestPrograms();
    handOver(process.execPath, ['node_modules/jest/bin/jest.js', '--runInBand', ...rest]);
    break;
  case 'bench':
    handOver(process.execPath, ['--enable-source-maps', 'dist/bench/src/main.js', ...rest]);
    break;
  default:
    fail(`unknown command "${command}"; use start, test or bench`);
}
