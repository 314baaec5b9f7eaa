/**
 * Operator commands for a deployment (the docker `migrate` job runs these):
 *   node dist/apps/api/src/cli.js migrate        apply pending migrations as the database owner (DATABASE_OWNER_URL,
 *                                                else DATABASE_URL) and grant the application role its rights
 *   node dist/apps/api/src/cli.js seed-demo      load the report's portfolios and the synthetic demo (never in production)
 *   node dist/apps/api/src/cli.js verify-audit   walk the audit log's hash chain and check its AUDIT_KEY seals;
 *                                                exit 2 naming the first tampered row
 *   node dist/apps/api/src/cli.js verify-sample <file.json | URL>
 *                                                recompute a published verification sample (GET /api/public/
 *                                                verification-samples/:id) from its seed and ids alone; exit 2 on
 *                                                any draw, probability or selection that differs (needs no database)
 *   node dist/apps/api/src/cli.js create-admin <username>
 *                                                create an administrator with the password in PELEKAN_ADMIN_PASSWORD
 *                                                (the first ones of a deployment; later ones need two administrators)
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { type PublishedSample, recomputeSample } from '@pelekan/core/sampling';
import { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  DemoDataService,
  hashPassword,
  loadConfig,
  PelekanModule,
  runMigrations,
  verifyAuditChain,
} from '@pelekan/modules';

async function withDatabase<T>(url: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = new DataSource({ ...dataSourceOptions(url), extra: { max: 1 } });
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function main(command: string | undefined, args: string[]): Promise<void> {
  switch (command) {
    case 'migrate': {
      const ownerUrl = process.env.DATABASE_OWNER_URL || loadConfig().DATABASE_URL;
      const applied = await runMigrations(ownerUrl);
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
      const config = loadConfig();
      const result = await withDatabase(config.DATABASE_URL, (db) => verifyAuditChain(db, config.AUDIT_KEY));
      if (result.ok) {
        console.log(
          `audit log ok: ${result.checked} rows chained; head ${result.head.id} ${result.head.hash}; ` +
            `${result.seals.checked} seals checked, sealed up to row ${result.seals.sealedUpTo ?? 'none yet'}`,
        );
      } else {
        console.error(`audit log TAMPERED at row ${result.firstBadId}: ${result.problem} (${result.checked} rows checked)`);
        process.exitCode = 2;
      }
      return;
    }
    case 'verify-sample': {
      const source = args[0];
      if (!source) throw new Error('usage: verify-sample <file.json | URL of /api/public/verification-samples/:id>');
      const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : readFileSync(source, 'utf8');
      const sample = JSON.parse(text) as PublishedSample;
      const problems = recomputeSample(sample);
      const selected = sample.draws.filter((d) => d.selected).length;
      if (problems.length === 0) {
        console.log(`sample ok: seed "${sample.seed}", ${sample.draws.length} declarations, ${selected} selected, each recomputed`);
      } else {
        for (const problem of problems) console.error(problem);
        console.error(`sample DIFFERS in ${problems.length} place(s)`);
        process.exitCode = 2;
      }
      return;
    }
    case 'create-admin': {
      const username = args[0];
      const password = process.env.PELEKAN_ADMIN_PASSWORD ?? '';
      if (!username || !/^[a-z0-9][a-z0-9._-]{2,63}$/.test(username)) throw new Error('usage: create-admin <username> (lowercase letters, digits, . _ -)');
      if (password.length < 12) throw new Error('set PELEKAN_ADMIN_PASSWORD to the new administrator\'s password (at least 12 characters)');
      const hash = await hashPassword(password);
      await withDatabase(loadConfig().DATABASE_URL, async (db) => {
        await db.query("SELECT set_config('pelekan.actor_id', 'system:cli create-admin', false)");
        const inserted = await db.query(
          `INSERT INTO users (username, password_hash, role, display_name, active) VALUES ($1, $2, 'admin', $1, true)
           ON CONFLICT (username) DO NOTHING RETURNING id`,
          [username, hash],
        );
        if (inserted.length === 0) throw new Error(`a user named ${username} exists already`);
      });
      console.log(`administrator ${username} created`);
      return;
    }
    default:
      throw new Error(`unknown command "${command ?? ''}"; use migrate, seed-demo, verify-audit, verify-sample or create-admin`);
  }
}

main(process.argv[2], process.argv.slice(3)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
