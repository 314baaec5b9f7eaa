import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log and idempotency keys.
 *
 * Audit: every INSERT, UPDATE and DELETE on a domain table is recorded by a trigger (who, what,
 * when, the row before and after) in `audit_log`, which refuses UPDATE, DELETE and TRUNCATE. Rows
 * are chained: each row's hash is sha256 of the previous row's hash and the row's own content, so an
 * edited, removed or inserted row breaks the chain at that row (`audit_verify()` finds it).
 *
 * Chaining happens at commit, not at the write: the row trigger stages the change in
 * `audit_pending`; a deferred constraint trigger moves the transaction's staged changes into the
 * chain while holding the one-row head `audit_head` FOR UPDATE. The chain lock is thus the last
 * lock a transaction takes and is held only while committing: writers run in parallel, never
 * deadlock on it, and the chain's order is the commit order.
 *
 * A later migration attaches a new table with one line: `SELECT audit_table('my_table');`
 * (bytea columns are recorded as their sha256; `SELECT audit_table('t', ARRAY['secret_col'])`
 * redacts columns).
 *
 * Who: `current_setting('pelekan.actor_id')`, set by the application for each database session it
 * hands out (see audit/audit-actor.ts); 'system' when unset (migrations, psql).
 */
export class AuditAndIdempotency1732500000000 implements MigrationInterface {
  name = 'AuditAndIdempotency1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        txid bigint NOT NULL,
        actor text NOT NULL,
        context text,
        table_name text NOT NULL,
        op text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
        row_key jsonb NOT NULL,
        before jsonb,
        after jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_log_by_row ON audit_log (table_name, row_key);
      CREATE INDEX audit_log_by_actor ON audit_log (actor, id);

      CREATE TABLE audit_pending (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        txid bigint NOT NULL DEFAULT txid_current(),
        actor text NOT NULL,
        context text,
        table_name text NOT NULL,
        op text NOT NULL,
        row_key jsonb NOT NULL,
        before jsonb,
        after jsonb
      );

      CREATE TABLE audit_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_id bigint NOT NULL,
        last_hash text NOT NULL
      );
      INSERT INTO audit_head VALUES (true, 0, repeat('0', 64));

      -- The canonical content of a chained row, hashed with the previous row's hash.
      CREATE FUNCTION audit_row_hash(a audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws(E'\\x1f',
          a.prev_hash, a.id::text, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.txid::text,
          a.actor, coalesce(a.context, ''), a.table_name, a.op, a.row_key::text,
          coalesce(a.before::text, 'null'), coalesce(a.after::text, 'null')), 'UTF8')), 'hex')
      $$;

      -- Row trigger: stage the change. TG_ARGV[0]: primary-key columns, [1]: bytea columns (kept as
      -- their sha256), [2]: redacted columns.
      CREATE FUNCTION audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        pk text[] := string_to_array(TG_ARGV[0], ',');
        blobs text[] := string_to_array(nullif(TG_ARGV[1], ''), ',');
        redacted text[] := string_to_array(nullif(TG_ARGV[2], ''), ',');
        old_j jsonb;
        new_j jsonb;
        key jsonb := '{}'::jsonb;
        c text;
        digest text;
      BEGIN
        IF TG_OP <> 'INSERT' THEN old_j := to_jsonb(OLD); END IF;
        IF TG_OP <> 'DELETE' THEN new_j := to_jsonb(NEW); END IF;
        IF TG_OP = 'UPDATE' AND old_j = new_j THEN RETURN NULL; END IF;
        FOREACH c IN ARRAY coalesce(blobs, '{}') LOOP
          IF old_j IS NOT NULL THEN
            EXECUTE format('SELECT encode(sha256(($1).%I), ''hex'')', c) INTO digest USING OLD;
            old_j := jsonb_set(old_j, ARRAY[c], to_jsonb('sha256:' || digest));
          END IF;
          IF new_j IS NOT NULL THEN
            EXECUTE format('SELECT encode(sha256(($1).%I), ''hex'')', c) INTO digest USING NEW;
            new_j := jsonb_set(new_j, ARRAY[c], to_jsonb('sha256:' || digest));
          END IF;
        END LOOP;
        FOREACH c IN ARRAY coalesce(redacted, '{}') LOOP
          IF old_j ? c THEN old_j := jsonb_set(old_j, ARRAY[c], '"[redacted]"'); END IF;
          IF new_j ? c THEN new_j := jsonb_set(new_j, ARRAY[c], '"[redacted]"'); END IF;
        END LOOP;
        FOREACH c IN ARRAY pk LOOP
          key := key || jsonb_build_object(c, coalesce(new_j, old_j) -> c);
        END LOOP;
        INSERT INTO audit_pending (actor, context, table_name, op, row_key, before, after)
        VALUES (coalesce(nullif(current_setting('pelekan.actor_id', true), ''), 'system'),
                nullif(current_setting('pelekan.context', true), ''),
                TG_TABLE_NAME, TG_OP, key, old_j, new_j);
        RETURN NULL;
      END $$;

      -- Deferred to commit: chain the transaction's staged changes under the head's row lock.
      CREATE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head audit_head;
        p audit_pending;
        r audit_log;
      BEGIN
        -- One firing per staged row; the first seals them all, the others return at once.
        IF NEW.id <= coalesce(nullif(current_setting('pelekan.audit_sealed_upto', true), '')::bigint, 0) THEN
          RETURN NULL;
        END IF;
        SELECT * INTO head FROM audit_head FOR UPDATE;
        FOR p IN SELECT * FROM audit_pending ORDER BY id LOOP
          r := ROW(head.last_id + 1, p.at, p.txid, p.actor, p.context, p.table_name, p.op, p.row_key, p.before, p.after,
                   head.last_hash, NULL)::audit_log;
          r.hash := audit_row_hash(r);
          INSERT INTO audit_log VALUES (r.*);
          head.last_id := r.id;
          head.last_hash := r.hash;
          PERFORM set_config('pelekan.audit_sealed_upto', p.id::text, true);
        END LOOP;
        DELETE FROM audit_pending;
        UPDATE audit_head SET last_id = head.last_id, last_hash = head.last_hash;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER audit_pending_seal AFTER INSERT ON audit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_seal();

      -- The log is append-only; the head only moves forward.
      CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
      CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
      CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.last_id < OLD.last_id THEN
          RAISE EXCEPTION 'the audit head only moves forward' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
        FOR EACH ROW EXECUTE FUNCTION audit_head_forward();

      -- Attach the audit trigger to a table (idempotent). Later migrations: SELECT audit_table('t');
      CREATE FUNCTION audit_table(t regclass, redact text[] DEFAULT '{}') RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        pk text;
        blobs text;
      BEGIN
        SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum)) INTO pk
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
         WHERE i.indrelid = t AND i.indisprimary;
        IF pk IS NULL THEN
          RAISE EXCEPTION 'audit_table: % has no primary key', t;
        END IF;
        SELECT string_agg(attname, ',' ORDER BY attnum) INTO blobs
          FROM pg_attribute WHERE attrelid = t AND attnum > 0 AND NOT attisdropped AND atttypid = 'bytea'::regtype;
        EXECUTE format('DROP TRIGGER IF EXISTS audit_capture ON %s', t);
        EXECUTE format(
          'CREATE TRIGGER audit_capture AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION audit_capture(%L, %L, %L)',
          t, pk, coalesce(blobs, ''), array_to_string(redact, ','));
      END $$;

      -- Walks the chain; the first row whose content, link or position is wrong, or ok.
      CREATE FUNCTION audit_verify() RETURNS TABLE (ok boolean, checked bigint, first_bad_id bigint, problem text,
                                                    head_id bigint, head_hash text)
      LANGUAGE plpgsql STABLE AS $$
      DECLARE
        h audit_head;
        n bigint;
        bad record;
      BEGIN
        SELECT * INTO h FROM audit_head;
        SELECT count(*) INTO n FROM audit_log;
        SELECT c.id, c.problem, c.prev_id INTO bad FROM (
          SELECT a.id,
                 CASE
                   WHEN a.id <> coalesce(lag(a.id) OVER w, 0) + 1 THEN
                     format('rows %s to %s are missing', coalesce(lag(a.id) OVER w, 0) + 1, a.id - 1)
                   WHEN a.hash <> audit_row_hash(a) THEN
                     'its content does not match its hash (edited)'
                   WHEN a.prev_hash IS DISTINCT FROM coalesce(lag(a.hash) OVER w, repeat('0', 64)) THEN
                     'its link to the previous row is broken'
                 END AS problem,
                 lag(a.id) OVER w AS prev_id
            FROM audit_log a WINDOW w AS (ORDER BY a.id)
        ) c WHERE c.problem IS NOT NULL ORDER BY c.id LIMIT 1;
        IF bad.id IS NOT NULL THEN
          IF bad.problem LIKE 'rows % are missing' THEN
            RETURN QUERY SELECT false, n, coalesce(bad.prev_id, 0) + 1, bad.problem, h.last_id, h.last_hash;
          ELSIF bad.problem LIKE '%link%' THEN
            -- This row's own hash covers its link, so the link is original: the previous row was rewritten.
            RETURN QUERY SELECT false, n, bad.prev_id,
                                'its hash differs from the one the next row chained to (rewritten)', h.last_id, h.last_hash;
          ELSE
            RETURN QUERY SELECT false, n, bad.id, bad.problem, h.last_id, h.last_hash;
          END IF;
          RETURN;
        END IF;
        IF coalesce((SELECT max(a.id) FROM audit_log a), 0) <> h.last_id
           OR coalesce((SELECT a.hash FROM audit_log a ORDER BY a.id DESC LIMIT 1), repeat('0', 64)) <> h.last_hash THEN
          RETURN QUERY SELECT false, n, coalesce((SELECT max(a.id) FROM audit_log a), 0) + 1,
                              format('the log ends before the head (row %s, hash %s)', h.last_id, h.last_hash),
                              h.last_id, h.last_hash;
          RETURN;
        END IF;
        RETURN QUERY SELECT true, n, NULL::bigint, NULL::text, h.last_id, h.last_hash;
      END $$;

      -- Idempotency keys: the first answer to a mutating request, replayed to its repeats.
      CREATE TABLE idempotency_keys (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'done')),
        response_status integer,
        response_type text,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        UNIQUE (user_id, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    `);

    // Every domain table that exists now (this migration's own tables and the migrations table excepted).
    const tables: Array<{ name: string }> = await q.query(`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r'
         AND c.relname NOT IN ('audit_log', 'audit_pending', 'audit_head', 'idempotency_keys', 'migrations', 'typeorm_metadata')
       ORDER BY c.relname`);
    for (const { name } of tables) {
      await q.query(`SELECT audit_table($1::regclass, $2::text[])`, [name, name === 'users' ? ['password_hash'] : []]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const tables: Array<{ name: string }> = await q.query(`
      SELECT DISTINCT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'audit_capture'`);
    for (const { name } of tables) await q.query(`DROP TRIGGER audit_capture ON "${name}"`);
    await q.query(`
      DROP FUNCTION audit_table(regclass, text[]), audit_verify(), audit_row_hash(audit_log);
      DROP TABLE idempotency_keys, audit_log, audit_pending, audit_head;
      DROP FUNCTION audit_seal(), audit_capture(), audit_refuse_truncate(), audit_head_forward();
    `);
  }
}
