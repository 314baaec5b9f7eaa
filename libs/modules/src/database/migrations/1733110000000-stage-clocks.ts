import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stage clocks (issue 13): how long each declaration, appeal and tranche spends in each stage, and a
 * case for every stage left open past its limit.
 *
 * - The view `stage_clocks` lists every clock, open or ended, read from the rows each stage already
 *   writes (nothing new is recorded): stage, subject_id (the declaration, the appeal or the tranche),
 *   item_id or tranche_id, project_id, agency_id (the item owner; for a tranche its project's lead
 *   agency), member_id (who ended it), started_at, ended_at (NULL while open), deadline_at (an appeal's
 *   own deadline; NULL for the others, whose limit is STAGE_LIMITS). The stages and what ends each are
 *   core stage-clock.ts's. A tranche enters a stage once per episode (a gate may open again after it
 *   closed), so (stage, subject_id, started_at) names one clock.
 * - `stage_cases`: a stage open past its limit, opened by the escalation sweep on the committee level
 *   of the ladder for the party that owns the stage (the committee or the PBO), climbing to the council
 *   one level per period while the stage stays open, resolved by the sweep once the stage ended. One
 *   live case per (stage, subject).
 */
export class StageClocks1733110000000 implements MigrationInterface {
  name = 'StageClocks1733110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW stage_clocks AS
        -- declared → decided (a declaration superseded before a decision leaves no clock)
        SELECT 'declaration_decided'::text AS stage, d.id AS subject_id, d.item_id, NULL::uuid AS tranche_id, i.project_id,
               i.owner_agency_id AS agency_id, v.decided_by AS member_id, d.declared_at AS started_at, v.decided_at AS ended_at,
               NULL::timestamptz AS deadline_at
          FROM progress_declarations d
          JOIN action_items i ON i.id = d.item_id
          LEFT JOIN verification_decisions v ON v.declaration_id = d.id
         WHERE d.status = 'pending' OR v.id IS NOT NULL
        UNION ALL
        -- the sample that selected an acceptance opened → its field check (an acceptance revoked before
        -- its check needs none: no clock)
        SELECT 'field_checked', sd.declaration_id, sd.item_id, NULL, i.project_id, sd.owner_agency_id, fc.checked_by,
               s.opened_at, fc.checked_at, NULL
          FROM sample_draws sd
          JOIN verification_samples s ON s.id = sd.sample_id
          JOIN action_items i ON i.id = sd.item_id
          JOIN verification_decisions vd ON vd.id = sd.decision_id
          LEFT JOIN field_checks fc ON fc.declaration_id = sd.declaration_id
         WHERE sd.selected AND (fc.id IS NOT NULL OR vd.revoked_at IS NULL)
        UNION ALL
        -- appeal filed → decided, by its own deadline
        SELECT 'appeal_decided', a.id, a.item_id, NULL, i.project_id, a.owner_agency_id, a.decided_by, a.filed_at, a.decided_at,
               a.deadline_at
          FROM verification_appeals a
          JOIN action_items i ON i.id = a.item_id
        UNION ALL
        -- the gate opened (awaiting approval; held counts as waiting still) → approved or rejected. A gate
        -- that closed again first (or a lapse) stops the clock without a decision: no clock.
        SELECT 'tranche_approved', t.id, NULL, t.id, t.project_id, p.lead_agency_id, n.actor_id, e.at, n.at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.at, x.actor_id, x.to_state FROM tranche_events x
             WHERE x.tranche_id = e.tranche_id AND x.seq > e.seq AND x.to_state NOT IN ('awaiting_approval', 'held')
             ORDER BY x.seq LIMIT 1) n ON true
         WHERE e.to_state = 'awaiting_approval' AND coalesce(e.from_state, '') NOT IN ('awaiting_approval', 'held')
           AND (n.to_state IS NULL OR n.to_state IN ('approved', 'rejected'))
        UNION ALL
        -- approved → paid (the step after the approval records the ledger entry). An approval voided
        -- before payment: no clock. The member is the approving officer.
        SELECT 'tranche_paid', t.id, NULL, t.id, t.project_id, p.lead_agency_id, e.actor_id, e.at, n.at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.at, x.detail FROM tranche_events x
             WHERE x.tranche_id = e.tranche_id AND x.seq > e.seq ORDER BY x.seq LIMIT 1) n ON true
         WHERE e.to_state = 'approved' AND (n.at IS NULL OR n.detail ? 'ledgerEntryId')
        UNION ALL
        -- lapsed → the PBO's decision on the remainder (its first one not voided, recorded by the API)
        SELECT 'remainder_decided', t.id, NULL, t.id, t.project_id, p.lead_agency_id, r.decided_by, e.at, r.requested_at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.requested_at, x.decided_by FROM tranche_remainder_decisions x
             WHERE x.tranche_id = e.tranche_id AND x.requested_at >= e.at AND x.status <> 'voided'
             ORDER BY x.requested_at LIMIT 1) r ON true
         WHERE e.to_state = 'lapsed';

      -- The open clocks alone, as the sweep reads them: the same branches as stage_clocks, each with the
      -- condition that makes it open (a pending declaration or appeal, an unchecked selection, a tranche
      -- in the state its stage is), so each is read from its few rows through an index instead of every
      -- clock ever. Held equal to stage_clocks WHERE ended_at IS NULL by test/stage-clocks.e2e-spec.ts.
      CREATE VIEW open_stage_clocks AS
        SELECT 'declaration_decided'::text AS stage, d.id AS subject_id, d.item_id, NULL::uuid AS tranche_id, i.project_id,
               i.owner_agency_id AS agency_id, v.decided_by AS member_id, d.declared_at AS started_at, v.decided_at AS ended_at,
               NULL::timestamptz AS deadline_at
          FROM progress_declarations d
          JOIN action_items i ON i.id = d.item_id
          LEFT JOIN verification_decisions v ON v.declaration_id = d.id
         WHERE d.status = 'pending' AND v.id IS NULL
        UNION ALL
        SELECT 'field_checked', sd.declaration_id, sd.item_id, NULL, i.project_id, sd.owner_agency_id, fc.checked_by,
               s.opened_at, fc.checked_at, NULL
          FROM sample_draws sd
          JOIN verification_samples s ON s.id = sd.sample_id
          JOIN action_items i ON i.id = sd.item_id
          JOIN verification_decisions vd ON vd.id = sd.decision_id
          LEFT JOIN field_checks fc ON fc.declaration_id = sd.declaration_id
         WHERE sd.selected AND fc.id IS NULL AND vd.revoked_at IS NULL
        UNION ALL
        SELECT 'appeal_decided', a.id, a.item_id, NULL, i.project_id, a.owner_agency_id, a.decided_by, a.filed_at, a.decided_at,
               a.deadline_at
          FROM verification_appeals a
          JOIN action_items i ON i.id = a.item_id
         WHERE a.status = 'pending'
        UNION ALL
        SELECT 'tranche_approved', t.id, NULL, t.id, t.project_id, p.lead_agency_id, n.actor_id, e.at, n.at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.at, x.actor_id, x.to_state FROM tranche_events x
             WHERE x.tranche_id = e.tranche_id AND x.seq > e.seq AND x.to_state NOT IN ('awaiting_approval', 'held')
             ORDER BY x.seq LIMIT 1) n ON true
         WHERE e.to_state = 'awaiting_approval' AND coalesce(e.from_state, '') NOT IN ('awaiting_approval', 'held')
           AND n.to_state IS NULL AND t.state IN ('awaiting_approval', 'held')
        UNION ALL
        SELECT 'tranche_paid', t.id, NULL, t.id, t.project_id, p.lead_agency_id, e.actor_id, e.at, n.at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.at, x.detail FROM tranche_events x
             WHERE x.tranche_id = e.tranche_id AND x.seq > e.seq ORDER BY x.seq LIMIT 1) n ON true
         WHERE e.to_state = 'approved' AND n.at IS NULL AND t.state = 'approved'
        UNION ALL
        SELECT 'remainder_decided', t.id, NULL, t.id, t.project_id, p.lead_agency_id, r.decided_by, e.at, r.requested_at, NULL
          FROM tranche_events e
          JOIN tranches t ON t.id = e.tranche_id
          JOIN projects p ON p.id = t.project_id
          LEFT JOIN LATERAL (
            SELECT x.requested_at, x.decided_by FROM tranche_remainder_decisions x
             WHERE x.tranche_id = e.tranche_id AND x.requested_at >= e.at AND x.status <> 'voided'
             ORDER BY x.requested_at LIMIT 1) r ON true
         WHERE e.to_state = 'lapsed' AND r.requested_at IS NULL AND t.state = 'lapsed';

      -- pelekan_grant_app_privileges() grants tables; the view is read-only for the application.
      GRANT SELECT ON stage_clocks, open_stage_clocks TO pelekan_app_rw;

      -- The statistics read the clocks that ended in a range of months (decisions: verification_decisions_by_time,
      -- read-indexes); the tranche stages start at these events.
      CREATE INDEX field_checks_by_time ON field_checks (checked_at);
      CREATE INDEX verification_appeals_decided ON verification_appeals (decided_at) WHERE decided_at IS NOT NULL;
      CREATE INDEX tranche_events_stage_starts ON tranche_events (tranche_id, seq) WHERE to_state IN ('awaiting_approval', 'approved', 'lapsed');

      CREATE TABLE stage_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        stage text NOT NULL CHECK (stage IN ('declaration_decided', 'field_checked', 'appeal_decided', 'tranche_approved', 'tranche_paid', 'remainder_decided')),
        subject_id uuid NOT NULL,
        started_at timestamptz NOT NULL,
        item_id uuid REFERENCES action_items(id),
        tranche_id uuid REFERENCES tranches(id),
        project_id uuid NOT NULL REFERENCES projects(id),
        party text NOT NULL CHECK (party IN ('committee', 'pbo')),
        level smallint NOT NULL CHECK (level BETWEEN 3 AND 4),
        opened_at timestamptz NOT NULL,
        level_changed_at timestamptz NOT NULL,
        resolved_at timestamptz,
        opened_sweep_id uuid NOT NULL REFERENCES sweep_runs(id),
        resolved_sweep_id uuid REFERENCES sweep_runs(id),
        CHECK ((resolved_at IS NULL) = (resolved_sweep_id IS NULL)),
        CHECK ((item_id IS NULL) <> (tranche_id IS NULL))
      );
      CREATE UNIQUE INDEX one_live_stage_case ON stage_cases (stage, subject_id) WHERE resolved_at IS NULL;
      CREATE INDEX stage_cases_by_clock ON stage_cases (stage, subject_id, started_at);
      CREATE INDEX stage_cases_by_project ON stage_cases (project_id);

      -- Written by the sweep in bulk: audited per statement, like escalation_cases.
      SELECT audit_table_bulk('stage_cases');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE stage_cases;
      DROP INDEX tranche_events_stage_starts, verification_appeals_decided, field_checks_by_time;
      DROP VIEW open_stage_clocks, stage_clocks;
    `);
  }
}
