import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The escalation sweep at national scale (issue 11).
 *
 * Levels are derived, not rewritten each period. A case's `level` and `level_changed_at` now say
 * "it was recorded at this level at this instant" (for a case the sweep opens: the first level, when it
 * opened); while open it stands one level higher per full period since, never past the top. Each
 * sweep run records the instants it judges by (`level_cutoffs`: one, two, … periods before its
 * instant, computed by core levelCutoffs), those of the run before it (`previous_cutoffs`) and the top
 * level: a case climbed at a run when it stands higher by the run's cutoffs than by the previous
 * ones, and every read judges levels by the latest run's cutoffs. When a case stops climbing (awaiting
 * a revision, resolved) `frozen_level` keeps the level it stopped at. So the sweep writes only the
 * cases it opens, those it resolves and the notices; its opening ('opened', for the cases it marks
 * `derived_ladder`) and every climb are read back through the view `escalation_ladder`, which is
 * `escalation_events` plus those derived events, with the columns of `escalation_events`.
 *
 * A case's item and project are checked by one foreign key on both (the sweep opens a quarter of a
 * million cases in a month: one check each, not two).
 *
 * Audit: a statement on a bulk-audited table is recorded in chained rows of at most 10,000 rows each
 * (the single row holding a whole sweep outgrew PostgreSQL's limit for one value). Each chunk row
 * looks exactly like the bulk rows before it (row_key {"rows": n}, before/after arrays of whole rows;
 * an UPDATE's before and after chunks hold the same rows), so the chain and its verification are
 * unchanged. Staged changes (audit_pending, emptied at every commit) are stored uncompressed.
 */
export class SweepAtScale1732900000000 implements MigrationInterface {
  name = 'SweepAtScale1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sweep_runs
        ADD COLUMN level_cutoffs timestamptz[],
        ADD COLUMN previous_cutoffs timestamptz[],
        ADD COLUMN top_level smallint;

      ALTER TABLE escalation_cases
        ADD COLUMN frozen_level smallint CHECK (frozen_level BETWEEN 1 AND 4),
        ADD COLUMN derived_ladder boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT derived_ladder_opens_at_its_level CHECK (NOT derived_ladder OR level_changed_at = opened_at);

      -- The stored level no longer orders live cases; the sweep and the ladder find cases by the instant
      -- their level was recorded at.
      DROP INDEX escalation_cases_live;
      CREATE INDEX escalation_cases_by_level_time ON escalation_cases (level_changed_at);

      -- A case's project is its item's: one foreign key on both (checked once per case the sweep opens,
      -- not twice) says so, where two said only that each exists. Items never change project.
      CREATE UNIQUE INDEX action_items_id_project ON action_items (id, project_id);
      ALTER TABLE action_items ADD CONSTRAINT action_items_id_project_key UNIQUE USING INDEX action_items_id_project;
      ALTER TABLE escalation_cases
        DROP CONSTRAINT escalation_cases_item_id_fkey,
        DROP CONSTRAINT escalation_cases_project_id_fkey,
        ADD CONSTRAINT escalation_cases_item_project_fkey FOREIGN KEY (item_id, project_id) REFERENCES action_items (id, project_id);

      CREATE VIEW escalation_ladder AS
        SELECT e.id, e.case_id, e.at, e.kind, e.level, e.actor_id, e.sweep_id, e.reason, e.detail
          FROM escalation_events e
        UNION ALL
        SELECT NULL::bigint, c.id, c.level_changed_at, 'opened'::text, c.level, NULL::uuid, NULL::uuid, c.reason, '{}'::jsonb
          FROM escalation_cases c
         WHERE c.derived_ladder
        UNION ALL
        SELECT NULL::bigint, c.id, s.at, 'climbed'::text, x.level, NULL::uuid, s.id, c.reason, '{}'::jsonb
          FROM sweep_runs s
          JOIN escalation_cases c
            ON c.level_changed_at <= s.level_cutoffs[1]
           AND c.level_changed_at > coalesce(s.previous_cutoffs[cardinality(s.previous_cutoffs)], '-infinity')
           AND (c.status = 'open' OR c.frozen_level IS NOT NULL)
         CROSS JOIN LATERAL (
           SELECT least(s.top_level, c.level + (SELECT count(*) FROM unnest(s.level_cutoffs) k WHERE c.level_changed_at <= k))::smallint AS level,
                  least(s.top_level, c.level + (SELECT count(*) FROM unnest(s.previous_cutoffs) k WHERE c.level_changed_at <= k))::smallint AS before
         ) x
         WHERE x.level > x.before AND x.level <= coalesce(c.frozen_level, s.top_level);

      -- pelekan_grant_app_privileges() grants tables; the view is read-only for the application.
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pelekan_app_rw') THEN
          CREATE ROLE pelekan_app_rw NOLOGIN;
        END IF;
      END $$;
      GRANT SELECT ON escalation_ladder TO pelekan_app_rw;

      CREATE OR REPLACE FUNCTION audit_capture_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        actor text := coalesce(nullif(current_setting('pelekan.actor_id', true), ''), 'system');
        context text := nullif(current_setting('pelekan.context', true), '');
        chunk constant bigint := 10000;
      BEGIN
        -- Each branch reads only the transition tables its trigger declares. Rows are numbered in the
        -- order the statement wrote them (an UPDATE writes its old and new rows in the same order), and
        -- every 10,000 become one staged entry, in order.
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', count(*)), NULL, to_jsonb(array_agg(x.r))
            FROM (SELECT n AS r, (row_number() OVER () - 1) / chunk AS k FROM new_rows n) x
           GROUP BY x.k ORDER BY x.k;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', a.n), b.rows, a.rows
            FROM (SELECT x.k, count(*) AS n, to_jsonb(array_agg(x.r)) AS rows
                    FROM (SELECT n AS r, (row_number() OVER () - 1) / chunk AS k FROM new_rows n) x GROUP BY x.k) a
            JOIN (SELECT x.k, to_jsonb(array_agg(x.r)) AS rows
                    FROM (SELECT o AS r, (row_number() OVER () - 1) / chunk AS k FROM old_rows o) x GROUP BY x.k) b ON b.k = a.k
           ORDER BY a.k;
        ELSE
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', count(*)), to_jsonb(array_agg(x.r)), NULL
            FROM (SELECT o AS r, (row_number() OVER () - 1) / chunk AS k FROM old_rows o) x
           GROUP BY x.k ORDER BY x.k;
        END IF;
        RETURN NULL;
      END $$;
    `);
    // A staged change lives until its transaction commits: stored as is, not compressed twice.
    await q.query('ALTER TABLE audit_pending ALTER COLUMN before SET STORAGE EXTERNAL, ALTER COLUMN after SET STORAGE EXTERNAL');
    // CREATE OR REPLACE resets what the function runs as: the trail is written as its owner, as before.
    // The chunks of a statement are aggregated side by side: memory enough for a sweep's statements.
    const [{ schema }] = await q.query('SELECT current_schema() AS schema');
    await q.query(
      `ALTER FUNCTION audit_capture_statement() SECURITY DEFINER SET search_path = "${schema.replace(/"/g, '')}", pg_temp SET work_mem = '64MB'`,
    );
    await q.query('REVOKE ALL ON FUNCTION audit_capture_statement() FROM PUBLIC');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_capture_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        actor text := coalesce(nullif(current_setting('pelekan.actor_id', true), ''), 'system');
        context text := nullif(current_setting('pelekan.context', true), '');
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', count(*)), NULL, jsonb_agg(to_jsonb(n))
            FROM new_rows n HAVING count(*) > 0;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', count(*)),
                 (SELECT jsonb_agg(to_jsonb(o)) FROM old_rows o), jsonb_agg(to_jsonb(n))
            FROM new_rows n HAVING count(*) > 0;
        ELSE
          INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
          SELECT actor, context, TG_TABLE_NAME, TG_OP, jsonb_build_object('rows', count(*)), jsonb_agg(to_jsonb(o)), NULL
            FROM old_rows o HAVING count(*) > 0;
        END IF;
        RETURN NULL;
      END $$;
      ALTER FUNCTION audit_capture_statement() RESET work_mem;
      ALTER TABLE audit_pending ALTER COLUMN before SET STORAGE EXTENDED, ALTER COLUMN after SET STORAGE EXTENDED;

      DROP VIEW escalation_ladder;
      DROP INDEX escalation_cases_by_level_time;
      -- Levels as the latest run derived them become stored levels again.
      UPDATE escalation_cases c
         SET level = CASE WHEN c.status = 'open'
                          THEN least(4, c.level + (SELECT count(*) FROM unnest(r.level_cutoffs) k WHERE c.level_changed_at <= k))
                          ELSE coalesce(c.frozen_level, c.level) END
        FROM (SELECT (SELECT level_cutoffs FROM sweep_runs ORDER BY at DESC, started_at DESC LIMIT 1) AS level_cutoffs) r;
      CREATE INDEX escalation_cases_live ON escalation_cases (level, opened_at) WHERE status <> 'resolved';
      ALTER TABLE escalation_cases
        DROP CONSTRAINT escalation_cases_item_project_fkey,
        ADD CONSTRAINT escalation_cases_item_id_fkey FOREIGN KEY (item_id) REFERENCES action_items (id),
        ADD CONSTRAINT escalation_cases_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id);
      ALTER TABLE action_items DROP CONSTRAINT action_items_id_project_key;
      ALTER TABLE escalation_cases DROP CONSTRAINT derived_ladder_opens_at_its_level, DROP COLUMN derived_ladder, DROP COLUMN frozen_level;
      ALTER TABLE sweep_runs DROP COLUMN level_cutoffs, DROP COLUMN previous_cutoffs, DROP COLUMN top_level;
    `);
  }
}
