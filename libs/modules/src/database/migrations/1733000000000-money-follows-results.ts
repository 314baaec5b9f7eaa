import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money follows results (issue 12): pro-rata and banded tranches, due dates, lapsed remainders.
 *
 * - A tranche has a `release_rule` (core release-rule.ts, as JSON) and an optional `due_at`. It may pay
 *   in several installments: each is a ledger entry numbered within the tranche (`installment`), and
 *   `tranche_seq` is the workflow step that paid it, so a retried payment finds its entry. The ledger
 *   guard now also refuses an entry that would take a tranche's entries past its amount.
 * - `released_rials` is what its entries add up to (kept by the payment transaction); `given_up_rials`
 *   what its lapsed remainder gave up (carried into another tranche or returned to the budget). A
 *   tranche commits `amount − given_up`, or only what it released once rejected (core budget.ts).
 * - New states: `lapsed` (its due date passed; the remainder awaits a PBO decision) and `closed` (the
 *   remainder was carried forward or returned; what it released stays released).
 * - `tranche_remainder_decisions`: a PBO officer's decision on a lapsed remainder, recorded by the API
 *   and applied by the workflow's activity, which re-checks it against the database.
 * - `tranche_carry_ins`: a carried remainder's shares by receiving agency, added to the receiving
 *   tranche's allocations (which stay append-only).
 * - `tranche_approvals.amount_rials`: the installment the officer saw when approving; the payment never
 *   pays more than that.
 */
export class MoneyFollowsResults1733000000000 implements MigrationInterface {
  name = 'MoneyFollowsResults1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tranches
        ADD COLUMN release_rule jsonb NOT NULL DEFAULT '{"kind": "all_or_nothing"}',
        ADD COLUMN due_at timestamptz,
        ADD COLUMN released_rials numeric(20, 0) NOT NULL DEFAULT 0 CHECK (released_rials >= 0),
        ADD COLUMN given_up_rials numeric(20, 0) NOT NULL DEFAULT 0 CHECK (given_up_rials >= 0),
        ADD CONSTRAINT tranche_money_within_amount CHECK (released_rials + given_up_rials <= amount_rials),
        ADD CONSTRAINT banded_tranche_is_due CHECK (release_rule->>'kind' <> 'banded' OR due_at IS NOT NULL);
      UPDATE tranches t SET released_rials = e.amount_rials FROM ledger_entries e WHERE e.tranche_id = t.id;

      ALTER TABLE tranches DROP CONSTRAINT tranches_state_check;
      ALTER TABLE tranches ADD CONSTRAINT tranches_state_check
        CHECK (state IN ('waiting_on_items', 'awaiting_approval', 'held', 'approved', 'lapsed', 'released', 'closed', 'rejected'));
      CREATE INDEX tranches_by_due ON tranches (due_at) WHERE due_at IS NOT NULL;

      ALTER TABLE ledger_entries
        ADD COLUMN installment integer NOT NULL DEFAULT 1 CHECK (installment > 0),
        ADD COLUMN tranche_seq integer,
        DROP CONSTRAINT ledger_entries_tranche_id_key,
        ADD CONSTRAINT one_entry_per_installment UNIQUE (tranche_id, installment);

      ALTER TABLE tranche_approvals ADD COLUMN amount_rials numeric(20, 0) CHECK (amount_rials > 0);

      CREATE TABLE tranche_remainder_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tranche_id uuid NOT NULL REFERENCES tranches(id),
        action text NOT NULL CHECK (action IN ('carry_forward', 'return_to_budget', 'extend')),
        target_tranche_id uuid REFERENCES tranches(id),
        due_at timestamptz,
        reason text NOT NULL,
        decided_by uuid NOT NULL REFERENCES users(id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'applied', 'voided')),
        remainder_rials numeric(20, 0) CHECK (remainder_rials > 0),
        closed_at timestamptz,
        close_reason text,
        CHECK ((action = 'carry_forward') = (target_tranche_id IS NOT NULL)),
        CHECK ((action = 'extend') = (due_at IS NOT NULL)),
        CHECK ((status = 'requested') = (closed_at IS NULL))
      );
      CREATE INDEX tranche_remainder_decisions_of ON tranche_remainder_decisions (tranche_id);

      CREATE TABLE tranche_carry_ins (
        decision_id uuid NOT NULL REFERENCES tranche_remainder_decisions(id),
        to_tranche_id uuid NOT NULL REFERENCES tranches(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        amount_rials numeric(20, 0) NOT NULL CHECK (amount_rials >= 0),
        PRIMARY KEY (decision_id, organization_id)
      );
      CREATE INDEX tranche_carry_ins_to ON tranche_carry_ins (to_tranche_id);
      CREATE TRIGGER tranche_carry_ins_append_only BEFORE UPDATE OR DELETE ON tranche_carry_ins
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      SELECT audit_table('tranche_remainder_decisions');
      SELECT audit_table('tranche_carry_ins');

      -- The guard of every ledger entry, now per installment: the approver as before, an approval of
      -- this tranche by them recorded through the API, and never more than the tranche's amount in all.
      CREATE OR REPLACE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t tranches;
        approver users;
        paid numeric;
      BEGIN
        SELECT * INTO t FROM tranches WHERE id = NEW.tranche_id;
        SELECT * INTO approver FROM users WHERE id = NEW.approved_by;
        IF NEW.approved_by IS NULL OR approver.id IS NULL OR approver.role <> 'pbo' OR NOT approver.active THEN
          RAISE EXCEPTION 'a ledger entry needs an active PBO officer as its approver' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.approved_by = t.created_by THEN
          RAISE EXCEPTION 'four eyes: the creator of tranche % may not approve its release', NEW.tranche_id
            USING ERRCODE = 'check_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM tranche_approvals a
                        WHERE a.tranche_id = NEW.tranche_id AND a.approved_by = NEW.approved_by AND a.status = 'requested') THEN
          RAISE EXCEPTION 'no approval of tranche % by this officer was recorded through the API', NEW.tranche_id
            USING ERRCODE = 'check_violation';
        END IF;
        SELECT coalesce(sum(amount_rials), 0) INTO paid FROM ledger_entries WHERE tranche_id = NEW.tranche_id;
        IF paid + NEW.amount_rials > t.amount_rials THEN
          RAISE EXCEPTION 'tranche % would release % rials, more than its amount of %', NEW.tranche_id,
            paid + NEW.amount_rials, t.amount_rials USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE tranche_carry_ins, tranche_remainder_decisions;
      ALTER TABLE tranche_approvals DROP COLUMN amount_rials;
      ALTER TABLE ledger_entries DROP CONSTRAINT one_entry_per_installment, DROP COLUMN installment, DROP COLUMN tranche_seq,
        ADD CONSTRAINT ledger_entries_tranche_id_key UNIQUE (tranche_id);
      DROP INDEX tranches_by_due;
      ALTER TABLE tranches DROP CONSTRAINT tranches_state_check;
      ALTER TABLE tranches ADD CONSTRAINT tranches_state_check
        CHECK (state IN ('waiting_on_items', 'awaiting_approval', 'held', 'approved', 'released', 'rejected'));
      ALTER TABLE tranches DROP COLUMN release_rule, DROP COLUMN due_at, DROP COLUMN released_rials, DROP COLUMN given_up_rials;
    `);
  }
}
