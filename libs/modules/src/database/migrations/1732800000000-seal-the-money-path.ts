import { MigrationInterface, QueryRunner } from 'typeorm';
import { allocateProportionally } from '@pelekan/core';

/**
 * Closing the side doors around the gate (issue "Seal the money path").
 *
 * - `tranche_gate_changes`: every change of a tranche's gate, who made it and why (append-only).
 * - `tranche_allocations`: who receives how much of a tranche, fixed when it is created, so a later
 *   plan revision cannot redirect money already committed.
 * - `tranche_approvals`: an approval as the API recorded it for an authenticated PBO officer. The
 *   payment transaction requires one, so a decision sent straight to Temporal pays nothing.
 * - A trigger refuses a ledger entry whose approver is the tranche's creator, not an active PBO
 *   officer, or has no recorded approval: the rule holds even if the application is bypassed.
 * - Sessions: a token version per user (password reset and disabling end every session) and a deny
 *   list of signed-out tokens. Account requests: granting a privileged role or resetting a
 *   privileged user's password waits for a second administrator.
 * - Login rate-limit counters shared by every API instance.
 * - The database role split: the application connects as a member of `pelekan_app_rw`, which may
 *   read and write domain rows and nothing else; the audit trail is written only by SECURITY DEFINER
 *   trigger functions it cannot call or bypass, and sealed by HMACs computed outside the database.
 */
export class SealTheMoneyPath1732800000000 implements MigrationInterface {
  name = 'SealTheMoneyPath1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tranche_gate_changes (
        id bigserial PRIMARY KEY,
        tranche_id uuid NOT NULL REFERENCES tranches(id),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users(id),
        cause text NOT NULL CHECK (cause IN ('prerequisite_added', 'prerequisite_removed', 'plan_revision')),
        cause_id uuid,
        added_item_ids uuid[] NOT NULL DEFAULT '{}',
        removed_item_ids uuid[] NOT NULL DEFAULT '{}',
        reason text,
        CHECK (cardinality(added_item_ids) + cardinality(removed_item_ids) > 0)
      );
      CREATE INDEX tranche_gate_changes_by_tranche ON tranche_gate_changes (tranche_id, id);
      CREATE TRIGGER tranche_gate_changes_append_only BEFORE UPDATE OR DELETE ON tranche_gate_changes
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      CREATE TABLE tranche_allocations (
        tranche_id uuid NOT NULL REFERENCES tranches(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        amount_rials numeric(20, 0) NOT NULL CHECK (amount_rials >= 0),
        PRIMARY KEY (tranche_id, organization_id)
      );
      CREATE TRIGGER tranche_allocations_append_only BEFORE UPDATE OR DELETE ON tranche_allocations
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      CREATE TABLE tranche_approvals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tranche_id uuid NOT NULL REFERENCES tranches(id),
        approved_by uuid NOT NULL REFERENCES users(id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'paid', 'voided')),
        closed_at timestamptz,
        close_reason text,
        CHECK ((status = 'requested') = (closed_at IS NULL))
      );
      CREATE INDEX tranche_approvals_open ON tranche_approvals (tranche_id, approved_by) WHERE status = 'requested';

      CREATE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        creator uuid;
        approver users;
      BEGIN
        SELECT created_by INTO creator FROM tranches WHERE id = NEW.tranche_id;
        SELECT * INTO approver FROM users WHERE id = NEW.approved_by;
        IF NEW.approved_by IS NULL OR approver.id IS NULL OR approver.role <> 'pbo' OR NOT approver.active THEN
          RAISE EXCEPTION 'a ledger entry needs an active PBO officer as its approver' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.approved_by = creator THEN
          RAISE EXCEPTION 'four eyes: the creator of tranche % may not approve its release', NEW.tranche_id
            USING ERRCODE = 'check_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM tranche_approvals a
                        WHERE a.tranche_id = NEW.tranche_id AND a.approved_by = NEW.approved_by AND a.status = 'requested') THEN
          RAISE EXCEPTION 'no approval of tranche % by this officer was recorded through the API', NEW.tranche_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ledger_entries_guard BEFORE INSERT ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard();

      ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
      CREATE TABLE revoked_tokens (
        jti uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        revoked_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);

      CREATE TABLE account_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('grant_role', 'reset_password')),
        role text CHECK (role IN ('pbo', 'committee', 'admin')),
        password_hash text,
        requested_by uuid NOT NULL REFERENCES users(id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_reason text,
        CHECK ((kind = 'grant_role') = (role IS NOT NULL)),
        CHECK ((kind = 'reset_password') = (password_hash IS NOT NULL)),
        CHECK (decided_by IS DISTINCT FROM requested_by),
        CHECK ((status = 'pending') = (decided_at IS NULL))
      );
      CREATE UNIQUE INDEX one_pending_request_per_user_and_kind ON account_requests (user_id, kind) WHERE status = 'pending';

      CREATE TABLE rate_limit_counters (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (key, window_start)
      );
      CREATE INDEX rate_limit_counters_by_window ON rate_limit_counters (window_start);

      -- HMAC seals over the audit chain's head, computed by the application with AUDIT_KEY (never
      -- stored in the database): a chain recomputed from inside PostgreSQL no longer matches them.
      CREATE TABLE audit_seals (
        upto_id bigint PRIMARY KEY,
        head_hash text NOT NULL,
        prev_upto_id bigint,
        mac text NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

      SELECT audit_table('tranche_gate_changes');
      SELECT audit_table('tranche_allocations');
      SELECT audit_table('tranche_approvals');
      SELECT audit_table('revoked_tokens');
      SELECT audit_table('account_requests', ARRAY['password_hash']);
    `);

    // The audit trail is written by trigger functions running as their owner: the application role
    // has no right on audit_pending at all, so it can neither forge nor drop a staged change.
    const [{ schema }] = await q.query('SELECT current_schema() AS schema');
    for (const fn of ['audit_capture()', 'audit_capture_statement()', 'audit_seal()']) {
      await q.query(`ALTER FUNCTION ${fn} SECURITY DEFINER SET search_path = "${schema.replace(/"/g, '')}", pg_temp`);
    }

    await q.query(`
      -- Grants the application's group role exactly what it needs, table by table. Run after every
      -- migration (runMigrations does), so a new table is never left without (or with too many) rights.
      CREATE FUNCTION pelekan_grant_app_privileges() RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        t record;
        append_only text[] := ARRAY['ledger_entries', 'ledger_postings', 'tranche_events', 'escalation_events',
                                    'plan_baselines', 'spending_reports', 'tranche_gate_changes', 'tranche_allocations',
                                    'audit_seals'];
        read_only text[] := ARRAY['audit_log', 'audit_head'];
        none text[] := ARRAY['audit_pending', 'migrations', 'typeorm_metadata'];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pelekan_app_rw') THEN
          CREATE ROLE pelekan_app_rw NOLOGIN;
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO pelekan_app_rw', current_schema());
        FOR t IN SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') LOOP
          EXECUTE format('REVOKE ALL ON %I FROM pelekan_app_rw', t.name);
          IF t.name = ANY (none) THEN
            CONTINUE;
          ELSIF t.name = ANY (read_only) THEN
            EXECUTE format('GRANT SELECT ON %I TO pelekan_app_rw', t.name);
          ELSIF t.name = ANY (append_only) THEN
            EXECUTE format('GRANT SELECT, INSERT ON %I TO pelekan_app_rw', t.name);
          ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pelekan_app_rw', t.name);
          END IF;
        END LOOP;
        FOR t IN SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = current_schema() AND c.relkind = 'S' LOOP
          EXECUTE format('REVOKE ALL ON SEQUENCE %I FROM pelekan_app_rw', t.name);
          IF t.name <> 'audit_pending_id_seq' THEN
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO pelekan_app_rw', t.name);
          END IF;
        END LOOP;
        -- The audit functions are triggers only; nobody calls them directly.
        REVOKE ALL ON FUNCTION audit_capture(), audit_capture_statement(), audit_seal(), audit_table(regclass, text[]),
          audit_table_bulk(regclass), pelekan_grant_app_privileges() FROM PUBLIC;
      END $$;
    `);

    // Allocations of the tranches still open, as the release would have computed them.
    const open: Array<{ id: string; amount: string }> = await q.query(
      `SELECT id, amount_rials::text AS amount FROM tranches WHERE state NOT IN ('released', 'rejected')`,
    );
    for (const tranche of open) {
      const owners: Array<{ organizationId: string; budget: string }> = await q.query(
        `SELECT i.owner_agency_id AS "organizationId", sum(i.budget_rials)::text AS budget
           FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
          WHERE ti.tranche_id = $1 AND ti.role = 'funds' GROUP BY i.owner_agency_id ORDER BY i.owner_agency_id`,
        [tranche.id],
      );
      const shares = allocateProportionally(BigInt(tranche.amount), owners.map((o) => BigInt(o.budget)));
      for (const [i, owner] of owners.entries()) {
        await q.query('INSERT INTO tranche_allocations (tranche_id, organization_id, amount_rials) VALUES ($1, $2, $3)', [
          tranche.id,
          owner.organizationId,
          shares[i].toString(),
        ]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION pelekan_grant_app_privileges();
      ALTER FUNCTION audit_capture() SECURITY INVOKER RESET search_path;
      ALTER FUNCTION audit_capture_statement() SECURITY INVOKER RESET search_path;
      ALTER FUNCTION audit_seal() SECURITY INVOKER RESET search_path;
      DROP TRIGGER ledger_entries_guard ON ledger_entries;
      DROP FUNCTION ledger_entry_guard();
      DROP TABLE audit_seals, rate_limit_counters, account_requests, revoked_tokens, tranche_approvals,
        tranche_allocations, tranche_gate_changes;
      ALTER TABLE users DROP COLUMN token_version;
    `);
  }
}
