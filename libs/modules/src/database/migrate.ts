import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database.module';

const MIGRATION_LOCK = 7_301_776; // any constant: one advisory lock for "migrating Pelekan"

/**
 * Applies pending migrations and returns their names. One connection holds an advisory lock
 * throughout, so an API and a one-shot migrate job starting together never migrate twice.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const db = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 1 } });
  await db.initialize();
  try {
    await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await db.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await db.destroy();
  }
}
