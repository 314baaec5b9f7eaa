import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BuiltProcess, built, startBuilt } from './built-process';
import { Http } from './http';

export interface ApiProcess extends BuiltProcess {
  baseUrl: string;
  http: Http;
}

/** The production API (`dist/apps/api/src/main.js`) as a process of its own, on a free port. */
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const { process: started, ready: baseUrl } = await startBuilt(
    built('apps', 'api', 'src', 'main.js'),
    { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'log', NO_COLOR: '1' },
    (output) => /Pelekan API on (http:\/\/[^\s]+)/.exec(output)?.[1],
    'the API',
  );
  return { ...started, baseUrl, http: new Http(baseUrl) };
}

/** Runs an operator command (`dist/apps/api/src/cli.js <args>`) and answers what it printed. */
export async function runCli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [built('apps', 'api', 'src', 'cli.js'), ...args], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return stdout;
}
