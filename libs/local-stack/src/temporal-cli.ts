import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Log } from './log';

/** The last tag of the Temporal CLI that `go install` can build (later tags carry a replace directive). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function goBinDir(): string | null {
  const go = spawnSync('go', ['env', 'GOBIN', 'GOPATH'], { encoding: 'utf8' });
  if (go.status !== 0) return null;
  const [gobin, gopath] = go.stdout.split('\n').map((s) => s.trim());
  return gobin || (gopath ? join(gopath.split(delimiter)[0], 'bin') : null);
}

/** Where a Temporal CLI may already be: $TEMPORAL_CLI_PATH, then PATH, then Go's bin folder. */
export function findTemporalCli(): string | null {
  const candidates = [
    process.env.TEMPORAL_CLI_PATH,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'temporal')),
    goBinDir() && join(goBinDir()!, 'temporal'),
    join(homedir(), 'go', 'bin', 'temporal'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c) && isExecutable(c)) ?? null;
}

/**
 * Builds the CLI with `go install` (several minutes the first time; the module cache makes later
 * builds quick). Resolves the binary's path, or null when Go is missing or the build fails.
 */
export async function buildTemporalCli(log: Log): Promise<string | null> {
  const bin = goBinDir();
  if (!bin) {
    log('Go is not installed, so the Temporal CLI cannot be built here');
    return null;
  }
  log(`building the Temporal CLI: go install ${TEMPORAL_CLI_MODULE} (first time takes several minutes)`);
  const started = Date.now();
  const ticker = setInterval(() => log(`  still building the Temporal CLI… ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('go', ['install', TEMPORAL_CLI_MODULE], {
        env: { ...process.env, CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', () => resolve(null));
      child.on('exit', resolve);
    });
    const built = join(bin, 'temporal');
    if (code === 0 && existsSync(built)) {
      log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
      return built;
    }
    log(`go install of the Temporal CLI failed (exit code ${code})`);
    return null;
  } finally {
    clearInterval(ticker);
  }
}

/** A usable Temporal CLI: found, or built; null means the caller should fall back to the SDK's download. */
export async function ensureTemporalCli(log: Log): Promise<string | null> {
  const found = findTemporalCli();
  if (found) return found;
  return buildTemporalCli(log);
}
