import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig, EscalationSchedule, logLevels, PelekanModule, temporalConnectionOptions, TrancheReconciler } from '@pelekan/modules';
import { createPelekanWorker } from './worker';

const logger = new Logger('Worker');

/** Temporal may start after us (compose, the local launcher): wait for it instead of crashing. */
async function connect(config: AppConfig): Promise<NativeConnection> {
  const options = temporalConnectionOptions(config);
  const address = options.address;
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect(options);
    } catch (error) {
      if (attempt % 10 === 1) logger.warn(`Temporal at ${address} not reachable yet (${(error as Error).message}); retrying`);
      await sleep(Math.min(1000 * attempt, 5000));
    }
  }
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(PelekanModule.forRoot(), { logger: logLevels(process.env.LOG_LEVEL) });
  const config = app.get(AppConfig);
  const connection = await connect(config);
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const worker = await createPelekanWorker({
    app,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: bundlePath && existsSync(bundlePath) ? { codePath: bundlePath } : undefined,
  });

  // Tranches saved while Temporal was unreachable get their workflow as soon as it answers again.
  const tranches = app.get(TrancheReconciler);
  const reconcile = setInterval(() => {
    tranches.startPendingWorkflows().catch((e) => logger.warn(`reconciling tranche workflows: ${e.message}`));
  }, 30_000);
  void tranches.startPendingWorkflows().catch(() => undefined);
  // A monthly escalation schedule holds explicit Jalali month starts: roll them forward when short.
  const schedule = app.get(EscalationSchedule);
  const renew = setInterval(() => {
    schedule.renew().catch((e) => logger.warn(`renewing the escalation schedule: ${e.message}`));
  }, 24 * 3600_000);

  const stop = () => {
    logger.log('shutting down: finishing running activities');
    worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  logger.log(`Pelekan worker polling ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}/${config.TEMPORAL_NAMESPACE}`);
  await worker.run();
  clearInterval(reconcile);
  clearInterval(renew);
  await connection.close();
  await app.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
