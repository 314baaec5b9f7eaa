import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governance: monthly escalation (cases, sweeps, inbox), committee holds on tranches, plan revisions
 * and baselines, challenges and cross-agency claims, spending reports, monitoring pauses.
 */
export class Governance1732400000000 implements MigrationInterface {
  name = 'Governance1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Items: an extended due date, when verified progress last moved, a revision's removal, and a
      -- quiet period after a committee decision so a decided case is not reopened the next sweep.
      ALTER TABLE action_items
        ADD COLUMN due_at timestamptz,
        ADD COLUMN progress_moved_at timestamptz,
        ADD COLUMN removed_at timestamptz,
        ADD COLUMN escalation_quiet_until timestamptz;
      UPDATE action_items SET progress_moved_at = last_verified_at;
      ALTER TABLE action_items DROP CONSTRAINT action_items_project_id_code_key;
      CREATE UNIQUE INDEX action_items_code_in_plan ON action_items (project_id, code) WHERE removed_at IS NULL;
      CREATE INDEX action_items_unfinished ON action_items (project_id) WHERE verified_percent < 100 AND removed_at IS NULL;

      -- Every change of verified percent (decision, lower acceptance, revocation) is "movement".
      CREATE FUNCTION note_progress_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.verified_percent IS DISTINCT FROM OLD.verified_percent THEN
          NEW.progress_moved_at := now();
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER action_items_progress_moved BEFORE UPDATE OF verified_percent ON action_items
        FOR EACH ROW EXECUTE FUNCTION note_progress_moved();

      ALTER TABLE users ADD COLUMN agency_head boolean NOT NULL DEFAULT false;

      ALTER TABLE portfolios
        ADD COLUMN monitoring_paused_at timestamptz,
        ADD COLUMN monitoring_pause_reason text,
        ADD COLUMN monitoring_paused_by uuid REFERENCES users(id);
      CREATE TABLE portfolio_monitoring_events (
        id bigserial PRIMARY KEY,
        portfolio_id uuid NOT NULL REFERENCES portfolios(id),
        action text NOT NULL CHECK (action IN ('pause', 'resume')),
        reason text NOT NULL,
        actor_id uuid NOT NULL REFERENCES users(id),
        at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE sweep_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_key text NOT NULL UNIQUE,
        at timestamptz NOT NULL,
        period_seconds bigint NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        examined integer NOT NULL DEFAULT 0,
        stalled integer NOT NULL DEFAULT 0,
        opened integer NOT NULL DEFAULT 0,
        climbed integer NOT NULL DEFAULT 0,
        resolved integer NOT NULL DEFAULT 0,
        notified integer NOT NULL DEFAULT 0
      );
      CREATE INDEX sweep_runs_by_time ON sweep_runs (at DESC);

      CREATE TABLE escalation_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES action_items(id),
        project_id uuid NOT NULL REFERENCES projects(id),
        reason text NOT NULL CHECK (reason IN ('overdue', 'no_movement', 'verification_overdue')),
        party text NOT NULL CHECK (party IN ('agency', 'committee')),
        level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awaiting_revision', 'resolved')),
        opened_at timestamptz NOT NULL,
        level_changed_at timestamptz NOT NULL,
        resolved_at timestamptz,
        resolution text CHECK (resolution IN ('moved', 'extended', 'justified', 'revision_approved', 'item_removed')),
        agency_response text,
        agency_responded_at timestamptz,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX one_live_case_per_item ON escalation_cases (item_id) WHERE status <> 'resolved';
      CREATE INDEX escalation_cases_live ON escalation_cases (level, opened_at) WHERE status <> 'resolved';
      CREATE INDEX escalation_cases_by_project ON escalation_cases (project_id);

      CREATE TABLE escalation_events (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES escalation_cases(id),
        at timestamptz NOT NULL,
        kind text NOT NULL CHECK (kind IN ('opened', 'climbed', 'resolved', 'decided', 'responded')),
        level smallint NOT NULL,
        actor_id uuid REFERENCES users(id),
        sweep_id uuid REFERENCES sweep_runs(id),
        reason text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX escalation_events_by_case ON escalation_events (case_id, id);
      CREATE INDEX escalation_events_by_time ON escalation_events (at);

      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL,
        case_id uuid REFERENCES escalation_cases(id),
        subject_id uuid,
        title_fa text NOT NULL,
        title_en text NOT NULL,
        body_fa text NOT NULL,
        body_en text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      );
      CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC);
      CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

      CREATE TABLE tranche_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id),
        case_id uuid REFERENCES escalation_cases(id),
        reason text NOT NULL,
        placed_by uuid NOT NULL REFERENCES users(id),
        placed_at timestamptz NOT NULL DEFAULT now(),
        lifted_at timestamptz,
        lifted_by uuid REFERENCES users(id),
        lift_reason text,
        CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
      );
      CREATE INDEX tranche_holds_active ON tranche_holds (project_id) WHERE lifted_at IS NULL;

      CREATE TABLE plan_baselines (
        project_id uuid NOT NULL REFERENCES projects(id),
        number integer NOT NULL CHECK (number > 0),
        revision_id uuid,
        approved_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        plan jsonb NOT NULL,
        PRIMARY KEY (project_id, number)
      );

      CREATE TABLE plan_revisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id),
        number integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        reason text NOT NULL,
        proposal jsonb NOT NULL,
        proposed_by uuid NOT NULL REFERENCES users(id),
        proposed_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_reason text,
        baseline_number integer,
        UNIQUE (project_id, number)
      );
      CREATE UNIQUE INDEX one_pending_revision_per_project ON plan_revisions (project_id) WHERE status = 'pending';

      CREATE TABLE challenges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id),
        category text NOT NULL CHECK (category IN
          ('budget', 'inter_agency', 'data_sharing', 'infrastructure', 'legal', 'planning', 'other')),
        description text NOT NULL,
        raised_by uuid NOT NULL REFERENCES users(id),
        raised_by_org uuid NOT NULL REFERENCES organizations(id),
        raised_at timestamptz NOT NULL DEFAULT now(),
        caused_by_org uuid REFERENCES organizations(id),
        claim_status text CHECK (claim_status IN ('awaiting_answer', 'accepted', 'disputed')),
        claim_answer_reason text,
        claim_answered_by uuid REFERENCES users(id),
        claim_answered_at timestamptz,
        CHECK ((caused_by_org IS NULL) = (claim_status IS NULL)),
        CHECK (caused_by_org IS DISTINCT FROM raised_by_org)
      );
      CREATE INDEX challenges_by_project ON challenges (project_id);
      CREATE INDEX claims_by_org ON challenges (caused_by_org) WHERE caused_by_org IS NOT NULL;
      CREATE TABLE challenge_items (
        challenge_id uuid NOT NULL REFERENCES challenges(id),
        item_id uuid NOT NULL REFERENCES action_items(id),
        PRIMARY KEY (challenge_id, item_id)
      );
      CREATE TABLE challenge_solutions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id),
        description text NOT NULL,
        proposed_by uuid NOT NULL REFERENCES users(id),
        proposed_by_org uuid REFERENCES organizations(id),
        proposed_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE spending_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tranche_id uuid NOT NULL REFERENCES tranches(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        amount_rials numeric(20, 0) NOT NULL CHECK (amount_rials > 0),
        note text NOT NULL,
        reported_by uuid NOT NULL REFERENCES users(id),
        reported_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX spending_by_tranche ON spending_reports (tranche_id, organization_id);

      -- refuse_rewrite() comes from the release-engine migration.
      CREATE TRIGGER escalation_events_append_only BEFORE UPDATE OR DELETE ON escalation_events
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER plan_baselines_append_only BEFORE UPDATE OR DELETE ON plan_baselines
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER spending_reports_append_only BEFORE UPDATE OR DELETE ON spending_reports
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE spending_reports, challenge_solutions, challenge_items, challenges, plan_revisions, plan_baselines,
        tranche_holds, notifications, escalation_events, escalation_cases, sweep_runs, portfolio_monitoring_events;
      ALTER TABLE portfolios DROP COLUMN monitoring_paused_at, DROP COLUMN monitoring_pause_reason, DROP COLUMN monitoring_paused_by;
      ALTER TABLE users DROP COLUMN agency_head;
      DROP TRIGGER action_items_progress_moved ON action_items;
      DROP FUNCTION note_progress_moved();
      DROP INDEX action_items_code_in_plan;
      DROP INDEX action_items_unfinished;
      ALTER TABLE action_items ADD CONSTRAINT action_items_project_id_code_key UNIQUE (project_id, code);
      ALTER TABLE action_items DROP COLUMN due_at, DROP COLUMN progress_moved_at, DROP COLUMN removed_at,
        DROP COLUMN escalation_quiet_until;
    `);
  }
}
