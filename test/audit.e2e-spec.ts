/**
 * The audit log: every state change (who, what, when, before/after) is recorded by the database,
 * append-only and hash-chained; the verify endpoint and command point at the first tampered row.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import { AuditService } from '@pelekan/modules';
import { demoProject, pdfBytes } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

const CLI = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'cli.js');

/** Tables that hold no domain state and so carry no audit trigger. */
const NOT_AUDITED = ['audit_log', 'audit_pending', 'audit_head', 'audit_seals', 'idempotency_keys', 'rate_limit_counters', 'migrations'];

describe('audit log', () => {
  let h: Harness;
  let superuser: PgClient;
  const userId = async (username: string) => (await h.db.query('SELECT id FROM users WHERE username = $1', [username]))[0].id as string;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    superuser = new PgClient({ connectionString: h.ownerUrl });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser?.end();
    await h?.close();
  });

  it('attaches the audit trigger to every domain table', async () => {
    const rows: Array<{ name: string; audited: boolean }> = await h.db.query(`
      SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
                                 AND t.tgname IN ('audit_capture', 'audit_capture_insert')) AS audited
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1`);
    const missing = rows.filter((r) => !r.audited && !NOT_AUDITED.includes(r.name)).map((r) => r.name);
    // A new table needs `SELECT audit_table('its_name')` (or audit_table_bulk for sweep-written tables) in its migration.
    expect(missing).toEqual([]);
    expect(rows.length).toBeGreaterThan(15);
  });

  it('records who changed what, when, with the row before and after', async () => {
    const officer = await userId('pbo.officer1');
    const { projectId } = await demoProject(h.http);
    const answer = await h.http.as('pbo.officer1').put(`/api/projects/${projectId}/budget`, { budgetRials: '123456789000' });
    expect(answer.status).toBe(200);
    const [row] = await h.db.query(
      `SELECT * FROM audit_log WHERE table_name = 'projects' AND op = 'UPDATE' AND row_key = $1::jsonb ORDER BY id DESC LIMIT 1`,
      [JSON.stringify({ id: projectId })],
    );
    expect(row).toMatchObject({ actor: officer, context: 'PUT /api/projects/:id/budget' });
    expect(row.after.budget_rials).toBe(123456789000);
    expect(row.before.budget_rials).not.toBe(123456789000);
    expect(new Date(row.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await h.http.as('admin').get(`/api/audit/entries?table=projects&rowId=${projectId}`);
    expect(listed.status).toBe(200);
    expect(listed.body[0]).toMatchObject({ actor: officer, actorUsername: 'pbo.officer1', op: 'UPDATE', table: 'projects' });
  });

  it('keeps secrets and file contents out of the log', async () => {
    const [user] = await h.db.query(`SELECT after FROM audit_log WHERE table_name = 'users' AND after->>'username' = 'admin'`);
    expect(user.after.password_hash).toBe('[redacted]');
    const upload = await h.http.as('agency.demo').upload('/api/evidence', 'x.pdf', pdfBytes('audited'));
    expect(upload.status).toBe(201);
    const [blob] = await h.db.query(`SELECT after FROM audit_log WHERE table_name = 'evidence_blobs' AND row_key->>'sha256' = $1`, [
      upload.body.sha256,
    ]);
    expect(blob.after.content).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('names the worker for what activities write', async () => {
    const { tranche } = await demoProject(h.http);
    const id = tranche(1);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' })).status).toBe(201);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'released');
    const [entry] = await h.db.query(`SELECT actor, context FROM audit_log WHERE table_name = 'ledger_entries' AND after->>'tranche_id' = $1`, [id]);
    expect(entry).toEqual({ actor: 'system:worker', context: 'activity releaseTranche' });
  });

  it('refuses to rewrite, delete or truncate the log', async () => {
    for (const sql of ['UPDATE audit_log SET actor = $1 WHERE id = 1', 'DELETE FROM audit_log WHERE id = 1 AND actor <> $1', 'TRUNCATE audit_log']) {
      const params = sql.includes('$1') ? ['intruder'] : [];
      await expect(superuser.query(sql, params)).rejects.toThrow(/append-only/);
    }
    await expect(superuser.query('UPDATE audit_head SET last_id = 0')).rejects.toThrow(/only moves forward/);
  });

  it('gives the application role no way around the trail: it cannot forge, drop, rewrite or switch off audit rows', async () => {
    // h.db is the application's own pool, connected as the restricted role.
    const refused: Record<string, string> = {
      'INSERT INTO audit_pending (actor, table_name, op, row_key) VALUES (\'x\', \'x\', \'INSERT\', \'{}\')': 'permission denied',
      'DELETE FROM audit_pending': 'permission denied',
      'UPDATE audit_log SET actor = \'intruder\' WHERE id = 1': 'permission denied',
      'INSERT INTO audit_log SELECT * FROM audit_log LIMIT 1': 'permission denied',
      'UPDATE audit_head SET last_hash = last_hash': 'permission denied',
      'DELETE FROM audit_seals': 'permission denied',
      'DELETE FROM ledger_entries': 'permission denied',
      'UPDATE tranche_events SET reason = \'x\'': 'permission denied',
      'ALTER TABLE projects DISABLE TRIGGER audit_capture': 'must be owner',
      "SET session_replication_role = 'replica'": 'permission denied',
      "SELECT audit_table('projects')": 'permission denied',
      'CREATE TABLE intruder (id int)': 'permission denied',
    };
    const answers: Record<string, string> = {};
    for (const sql of Object.keys(refused)) {
      answers[sql] = await h.db.query(sql).then(
        () => 'allowed',
        (e: Error) => (e.message.includes(refused[sql]) ? refused[sql] : e.message),
      );
    }
    expect(answers).toEqual(refused);
    const [{ current_user: role }] = await h.db.query('SELECT current_user');
    expect(role).toBe('pelekan_app');
  });

  it('verifies the chain (admins only)', async () => {
    const verified = await h.http.as('admin').get('/api/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, firstBadId: null, problem: null });
    expect(verified.body.checked).toBeGreaterThan(100);
    expect(verified.body.head.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await h.http.as('pbo.officer1').get('/api/audit/verify')).status).toBe(403);
  });

  describe('tampering, as a database superuser with the protection switched off', () => {
    const asSuperuser = async (sql: string, params: unknown[] = []) => {
      await superuser.query('BEGIN');
      await superuser.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await superuser.query(sql, params);
      await superuser.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      await superuser.query('COMMIT');
    };
    let victim: any;
    beforeAll(async () => {
      // As jsonb, so the instant keeps its microseconds when the row is put back.
      [{ victim }] = await h.db.query(
        `SELECT to_jsonb(a) AS victim FROM audit_log a WHERE table_name = 'tranches' ORDER BY id LIMIT 1 OFFSET 1`,
      );
    });
    afterEach(async () => {
      // Put the original row back: the chain verifies again.
      await asSuperuser('DELETE FROM audit_log WHERE id = $1', [victim.id]);
      await asSuperuser(
        `INSERT INTO audit_log SELECT * FROM jsonb_populate_record(NULL::audit_log, $1::jsonb)`,
        [JSON.stringify(victim)],
      );
      expect((await h.http.as('admin').get('/api/audit/verify')).body.ok).toBe(true);
    });

    it('points at an edited row', async () => {
      await asSuperuser(`UPDATE audit_log SET after = jsonb_set(after, '{amount_rials}', '1') WHERE id = $1`, [victim.id]);
      const verified = await h.http.as('admin').get('/api/audit/verify');
      expect(verified.body).toMatchObject({ ok: false, firstBadId: String(victim.id), problem: expect.stringContaining('edited') });

      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the build first (npm test does)`);
      const run = promisify(execFile)(process.execPath, [CLI, 'verify-audit'], {
        env: { ...process.env, ...h.env, LOG_LEVEL: 'error' },
      });
      await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(`TAMPERED at row ${victim.id}`) });
    });

    it('points at a row rewritten with a recomputed hash', async () => {
      await asSuperuser(
        `UPDATE audit_log SET actor = 'someone-else', hash = audit_row_hash(ROW(id, at, txid, 'someone-else', context, table_name, op,
           row_key, before, after, prev_hash, hash)::audit_log) WHERE id = $1`,
        [victim.id],
      );
      const verified = await h.http.as('admin').get('/api/audit/verify');
      expect(verified.body).toMatchObject({ ok: false, firstBadId: String(victim.id), problem: expect.stringContaining('rewritten') });
    });

    it('points at a removed row', async () => {
      await asSuperuser('DELETE FROM audit_log WHERE id = $1', [victim.id]);
      const verified = await h.http.as('admin').get('/api/audit/verify');
      expect(verified.body).toMatchObject({ ok: false, firstBadId: String(victim.id), problem: expect.stringContaining('missing') });
    });
  });

  it('passes the command on an intact chain', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'verify-audit'], {
      env: { ...process.env, ...h.env, LOG_LEVEL: 'error' },
    });
    expect(stdout).toMatch(/audit log ok: \d+ rows chained/);
  });

  it('catches a chain rewritten and recomputed from inside PostgreSQL, by the seals keyed outside it', async () => {
    // A seal over the head as it stands (the application seals every AUDIT_SEAL_INTERVAL).
    const sealed = await h.app.get(AuditService).seal();
    expect(sealed).not.toBeNull();
    const [{ victimId }] = await h.db.query(
      `SELECT id::text AS "victimId" FROM audit_log WHERE table_name = 'tranches' ORDER BY id LIMIT 1 OFFSET 1`,
    );
    // A superuser edits a row and recomputes every hash after it, head included: the chain as such holds.
    await superuser.query('BEGIN');
    await superuser.query('SELECT * FROM audit_head FOR UPDATE');
    await superuser.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await superuser.query(
      `DO $$ DECLARE r audit_log; prev text; BEGIN
         SELECT hash INTO prev FROM audit_log WHERE id = ${victimId} - 1;
         FOR r IN SELECT * FROM audit_log WHERE id >= ${victimId} ORDER BY id LOOP
           IF r.id = ${victimId} THEN r.actor := 'someone-else'; END IF;
           r.prev_hash := prev;
           r.hash := audit_row_hash(r);
           UPDATE audit_log SET actor = r.actor, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
           prev := r.hash;
         END LOOP;
         UPDATE audit_head SET last_hash = prev;
       END $$`,
    );
    await superuser.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    await superuser.query('COMMIT');
    const [inside] = await h.db.query('SELECT ok FROM audit_verify()');
    expect(inside.ok).toBe(true);

    const verified = await h.http.as('admin').get('/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: false, problem: expect.stringContaining('AUDIT_KEY') });
    expect(BigInt(verified.body.firstBadId)).toBeLessThanOrEqual(BigInt(victimId));
    const run = promisify(execFile)(process.execPath, [CLI, 'verify-audit'], { env: { ...process.env, ...h.env, LOG_LEVEL: 'error' } });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('TAMPERED') });
  });
});
