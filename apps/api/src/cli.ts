/**
 * Operator commands for a deployment (the docker `migrate` job runs these):
 *   node dist/apps/api/src/cli.js migrate     apply pending database migrations
 *   node dist/apps/api/src/cli.js seed-demo   load the report's portfolios and the synthetic demo
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DemoDataService, loadConfig, PelekanModule, runMigrations } from '@pelekan/modules';

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'migrate': {
      const applied = await runMigrations(loadConfig().DATABASE_URL);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      return;
    }
    case 'seed-demo': {
      const app = await NestFactory.createApplicationContext(PelekanModule.forRoot(), { logger: ['error', 'warn'] });
      const summary = await app.get(DemoDataService).load();
      await app.close();
      console.log(`demo data loaded; users ${summary.users.map((u) => u.username).join(', ')} (password "${summary.password}")`);
      return;
    }
    default:
      throw new Error(`unknown command "${command ?? ''}"; use migrate or seed-demo`);
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
