import { Client } from 'pg';

/** The group role migrations grant the application's rights to (see pelekan_grant_app_privileges()). */
export const APP_GROUP_ROLE = 'pelekan_app_rw';

/**
 * Makes `login` a role that may sign in with `password` and holds the application's rights (and
 * nothing else). Run by whoever owns the database (the embedded launcher, the tests); in docker the
 * database's init script does the same. Needs CREATEROLE on first use.
 */
export async function ensureAppLogin(ownerUrl: string, login: string, password: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login)) throw new Error(`"${login}" is not a plain role name`);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // Roles are cluster-wide: two databases on one server (tests) may race to create them.
    await client.query('SELECT pg_advisory_lock(7301777)');
    const quoted = password.replace(/'/g, "''");
    for (const [role, ddl] of [
      [APP_GROUP_ROLE, `CREATE ROLE ${APP_GROUP_ROLE} NOLOGIN`],
      [login, `CREATE ROLE ${login} LOGIN PASSWORD '${quoted}' NOSUPERUSER NOCREATEDB NOCREATEROLE`],
    ] as const) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!rowCount) await client.query(ddl);
    }
    await client.query(`ALTER ROLE ${login} LOGIN PASSWORD '${quoted}'`);
    await client.query(`GRANT ${APP_GROUP_ROLE} TO ${login}`);
  } finally {
    await client.query('SELECT pg_advisory_unlock(7301777)').catch(() => undefined);
    await client.end();
  }
}

/** The same server and database as `url`, signed in as another role. */
export function urlAs(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Migrates the database as its owner, makes sure the application's login role exists with its
 * rights, and returns the URL the application should use (same server and database, that role).
 */
export async function prepareDatabase(ownerUrl: string, app: { login: string; password: string }): Promise<string> {
  const { runMigrations } = await import('./migrate');
  await runMigrations(ownerUrl);
  await ensureAppLogin(ownerUrl, app.login, app.password);
  return urlAs(ownerUrl, app.login, app.password);
}
