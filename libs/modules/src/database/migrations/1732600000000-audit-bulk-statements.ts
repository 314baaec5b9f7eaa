import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The escalation sweep changes hundreds of thousands of rows in a handful of statements. Auditing
 * those tables row by row made the chain the sweep's bottleneck (a quarter of a million chained
 * entries per month), so they are audited per statement instead: one chained entry per statement
 * holding every row it wrote (before and after), same chain, same verification.
 */
export class AuditBulkStatements1732600000000 implements MigrationInterface {
  name = 'AuditBulkStatements1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_capture_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        actor text := coalesce(nullif(current_setting('pelekan.actor_id', true), ''), 'system');
        context text := nullif(current_setting('pelekan.context', true), '');
      BEGIN
        -- Each branch reads only the transition tables its trigger declares.
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

      -- Audit a bulk-written table per statement. Later migrations: SELECT audit_table_bulk('t');
      CREATE FUNCTION audit_table_bulk(t regclass) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('DROP TRIGGER IF EXISTS audit_capture ON %s', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_insert ON %s', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_update ON %s', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_delete ON %s', t);
        EXECUTE format('CREATE TRIGGER audit_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_capture_statement()', t);
        EXECUTE format('CREATE TRIGGER audit_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_capture_statement()', t);
        EXECUTE format('CREATE TRIGGER audit_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_capture_statement()', t);
      END $$;

      SELECT audit_table_bulk('escalation_cases');
      SELECT audit_table_bulk('escalation_events');
      SELECT audit_table_bulk('notifications');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ DECLARE t text; BEGIN
        FOREACH t IN ARRAY ARRAY['escalation_cases', 'escalation_events', 'notifications'] LOOP
          EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_insert ON %s', t);
          EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_update ON %s', t);
          EXECUTE format('DROP TRIGGER IF EXISTS audit_capture_delete ON %s', t);
          PERFORM audit_table(t::regclass);
        END LOOP;
      END $$;
      DROP FUNCTION audit_table_bulk(regclass);
      DROP FUNCTION audit_capture_statement();
    `);
  }
}
