import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification you can trust (issue 13): published risk-based samples, field checks, appeals.
 *
 * - `verification_samples`: a sample an administrator opens over a period of acceptances, with the seed
 *   fixed in public and its parameters; periods do not overlap, so a declaration is drawn at most once.
 * - `sample_draws`: its population as drawn when it opened (every acceptance in the period not revoked):
 *   each declaration's draw (the first 8 bytes of SHA-256(seed:id), an unsigned 64-bit integer), its
 *   probability in millionths and why, and whether it was selected (core sampling.ts). Append-only: the
 *   published selection is what paid or held money. Audited per statement (a month's population is one insert).
 * - `field_checks`: the field check of a selected declaration, one per declaration, by a committee
 *   member of another organization than the one who accepted it. Until it is confirmed the acceptance
 *   does not count; a discrepancy puts the item on the field percent.
 * - `verification_appeals`: the owner agency's appeal of a rejection or an accept-at-lower-percent, one
 *   per decision, decided by another member; an overturn puts the item on the appeal's percent.
 * - Evidence may now be uploaded by a committee member (for a field check) and cited by a field check or
 *   an appeal (join tables: a file backs one declaration, and may be re-cited by its appeal).
 */
export class VerificationYouCanTrust1733100000000 implements MigrationInterface {
  name = 'VerificationYouCanTrust1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verification_samples (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        period_from timestamptz NOT NULL,
        period_to timestamptz NOT NULL,
        seed text NOT NULL CHECK (length(seed) BETWEEN 1 AND 200),
        base_rate_ppm integer NOT NULL CHECK (base_rate_ppm BETWEEN 0 AND 1000000),
        always_above_rials numeric(20, 0) NOT NULL CHECK (always_above_rials >= 0),
        opened_by uuid NOT NULL REFERENCES users(id),
        opened_at timestamptz NOT NULL DEFAULT now(),
        population integer NOT NULL CHECK (population >= 0),
        selected integer NOT NULL CHECK (selected BETWEEN 0 AND population),
        CHECK (period_from < period_to),
        CONSTRAINT verification_sample_periods_do_not_overlap EXCLUDE USING gist (tstzrange(period_from, period_to, '[)') WITH &&)
      );
      CREATE TRIGGER verification_samples_append_only BEFORE UPDATE OR DELETE ON verification_samples
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      CREATE TABLE sample_draws (
        sample_id uuid NOT NULL REFERENCES verification_samples(id),
        declaration_id uuid NOT NULL UNIQUE REFERENCES progress_declarations(id),
        decision_id uuid NOT NULL REFERENCES verification_decisions(id),
        item_id uuid NOT NULL REFERENCES action_items(id),
        owner_agency_id uuid NOT NULL REFERENCES organizations(id),
        accepted_by uuid NOT NULL REFERENCES users(id),
        draw numeric(20, 0) NOT NULL CHECK (draw >= 0 AND draw < 18446744073709551616),
        probability_ppm integer NOT NULL CHECK (probability_ppm BETWEEN 0 AND 1000000),
        basis text NOT NULL CHECK (basis IN ('tranche_at_or_above', 'agency_risk')),
        agency_discrepancies integer NOT NULL CHECK (agency_discrepancies >= 0),
        selected boolean NOT NULL,
        PRIMARY KEY (sample_id, declaration_id)
      );
      CREATE INDEX sample_draws_selected ON sample_draws (item_id) WHERE selected;
      CREATE TRIGGER sample_draws_append_only BEFORE UPDATE OR DELETE ON sample_draws
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      CREATE TABLE field_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sample_id uuid NOT NULL,
        declaration_id uuid NOT NULL UNIQUE,
        decision_id uuid NOT NULL REFERENCES verification_decisions(id),
        item_id uuid NOT NULL REFERENCES action_items(id),
        owner_agency_id uuid NOT NULL REFERENCES organizations(id),
        accepted_by uuid NOT NULL REFERENCES users(id),
        outcome text NOT NULL CHECK (outcome IN ('confirmed', 'discrepancy')),
        verified_percent smallint NOT NULL CHECK (verified_percent BETWEEN 0 AND 100),
        reason text NOT NULL,
        checked_by uuid NOT NULL REFERENCES users(id),
        checked_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (sample_id, declaration_id) REFERENCES sample_draws(sample_id, declaration_id)
      );
      CREATE INDEX field_checks_by_agency ON field_checks (owner_agency_id, checked_at);
      CREATE INDEX field_checks_by_acceptor ON field_checks (accepted_by, checked_at);
      CREATE TRIGGER field_checks_append_only BEFORE UPDATE OR DELETE ON field_checks
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

      CREATE TABLE field_check_evidence (
        field_check_id uuid NOT NULL REFERENCES field_checks(id),
        evidence_id uuid NOT NULL UNIQUE REFERENCES evidence_files(id),
        PRIMARY KEY (field_check_id, evidence_id)
      );

      CREATE TABLE verification_appeals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        decision_id uuid NOT NULL UNIQUE REFERENCES verification_decisions(id),
        declaration_id uuid NOT NULL REFERENCES progress_declarations(id),
        item_id uuid NOT NULL REFERENCES action_items(id),
        owner_agency_id uuid NOT NULL REFERENCES organizations(id),
        reason text NOT NULL,
        filed_by uuid NOT NULL REFERENCES users(id),
        filed_at timestamptz NOT NULL DEFAULT now(),
        deadline_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'overturned')),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_reason text,
        verified_percent smallint CHECK (verified_percent BETWEEN 0 AND 100),
        CHECK ((status = 'pending') = (decided_at IS NULL)),
        CHECK ((status = 'pending') = (decided_by IS NULL)),
        CHECK ((status = 'overturned') = (verified_percent IS NOT NULL))
      );
      CREATE INDEX verification_appeals_pending ON verification_appeals (filed_at) WHERE status = 'pending';
      CREATE INDEX verification_appeals_by_agency ON verification_appeals (owner_agency_id, filed_at);

      CREATE TABLE appeal_evidence (
        appeal_id uuid NOT NULL REFERENCES verification_appeals(id),
        evidence_id uuid NOT NULL REFERENCES evidence_files(id),
        PRIMARY KEY (appeal_id, evidence_id)
      );

      SELECT audit_table('verification_samples');
      SELECT audit_table_bulk('sample_draws');
      SELECT audit_table('field_checks');
      SELECT audit_table('field_check_evidence');
      SELECT audit_table('verification_appeals');
      SELECT audit_table('appeal_evidence');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE appeal_evidence, verification_appeals, field_check_evidence, field_checks, sample_draws, verification_samples;
    `);
  }
}
