/**
 * Operator commands for a deployment (the docker `migrate` job runs these):
 *   node dist/apps/api/src/cli.js migrate     apply pending database migrations
 *   node dist/apps/api/src/cli.js seed-demo   load the report's portfolios and the synthetic demo
 *   node dist/apps/api/src/cli.js verify-audit  walk the audit log's hash chain; exit 2 naming the first tampered row
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { dataSourceOptions, DemoDataService, loadConfig, PelekanModule, runMigrations, verifyAuditChain } from '@pelekan/modules';

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
    case 'verify-audit': {
      const db = new DataSource({ ...dataSourceOptions(loadConfig().DATABASE_URL), extra: { max: 1 } });
      await db.initialize();
      try {
        const result = await verifyAuditChain(db);
        if (result.ok) {
          console.log(`audit log ok: ${result.checked} rows chained; head ${result.head.id} ${result.head.hash}`);
        } else {
          console.error(`audit log TAMPERED at row ${result.firstBadId}: ${result.problem} (${result.checked} rows checked)`);
          process.exitCode = 2;
        }
      } finally {
        await db.destroy();
      }
      return;
    }
    default:
      throw new Error(`unknown command "${command ?? ''}"; use migrate, seed-demo or verify-audit`);
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
