import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from '@pelekan/modules';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const app = await createApiApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.PORT, host: config.HOST });
  Logger.log(`Pelekan API on ${await app.getUrl()} (docs at /api/docs)`, 'Main');
}

main().catch((error) => {
  // Invalid configuration and unreachable dependencies at boot end here: say it plainly and exit.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
