import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { consoleLog, dataDir, ensureTemporalCli, startEmbeddedPostgres, startTemporalDevServer } from '../../libs/local-stack/src'; // global setup runs outside Jest's module mapper
import { bundleWorkflowCode } from '@temporalio/worker';
import { runFile, TestStack } from './stack';

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

declare global {
   
  var __PELEKAN_STACK_STOP__: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.PELEKAN_TEST_RUN = String(process.pid);
  const log = consoleLog;
  const cli = await ensureTemporalCli(log);
  const [postgres, temporal, bundle] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dataDir(), `test-postgres-${process.pid}`), throwaway: true, log }),
    startTemporalDevServer({ cliPath: cli, log }),
    // Bundled once for every suite: webpack takes seconds.
    bundleWorkflowCode({ workflowsPath: join(__dirname, '..', '..', 'workflows', 'src', 'index.ts'), logger: quietLogger }),
  ]);
  mkdirSync(dirname(runFile('workflow-bundle.js')), { recursive: true });
  writeFileSync(runFile('workflow-bundle.js'), bundle.code);
  const stack: TestStack = {
    postgresUrlTemplate: postgres.url('{db}'),
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    temporalCliPath: cli,
  };
  writeFileSync(runFile('stack.json'), JSON.stringify(stack, null, 2));
  globalThis.__PELEKAN_STACK_STOP__ = async () => {
    await temporal.stop();
    await postgres.stop();
  };
}
