import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database.module';

const MIGRATION_LOCK = 7_301_776; // any constant: one advisory lock for "migrating Pelekan"

/**
 * Applies pending migrations as the database owner (not the application's role) and returns their
 * names, then grants the application role its rights on the resulting schema. One connection holds an advisory lock
 * throughout, so an API and a one-shot migrate job starting together never migrate twice.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const db = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 1 } });
  await db.initialize();
  try {
    await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await db.runMigrations({ transaction: 'each' });
    // The application role's rights follow the schema: every table, granted exactly what it needs.
    await db.query('SELECT pelekan_grant_app_privileges()');
    return applied.map((m) => m.name);
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await db.destroy();
  }
}
