import { MigrationInterface, QueryRunner } from 'typeorm';

/** The release engine: identity, portfolios and projects, action plans, verification, tranches, ledger. */
export class ReleaseEngine1732300000000 implements MigrationInterface {
  name = 'ReleaseEngine1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name_fa text NOT NULL,
        name_en text NOT NULL,
        parent_id uuid REFERENCES organizations(id),
        committee_member boolean NOT NULL DEFAULT false,
        synthetic boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (parent_id IS DISTINCT FROM id)
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE CHECK (username = lower(username)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('pbo', 'agency', 'committee', 'admin')),
        organization_id uuid REFERENCES organizations(id),
        display_name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (role NOT IN ('agency', 'committee') OR organization_id IS NOT NULL)
      );

      CREATE TABLE portfolios (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name_fa text NOT NULL,
        name_en text NOT NULL,
        approved_by_fa text,
        approved_on_jalali text,
        note_en text,
        max_projects integer CHECK (max_projects > 0),
        synthetic boolean NOT NULL DEFAULT false,
        source jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        portfolio_id uuid NOT NULL REFERENCES portfolios(id),
        code text NOT NULL,
        name_fa text NOT NULL,
        name_en text NOT NULL,
        lead_agency_id uuid REFERENCES organizations(id),
        budget_rials numeric(20, 0) CHECK (budget_rials >= 0),
        confidential boolean NOT NULL DEFAULT false,
        synthetic boolean NOT NULL DEFAULT false,
        reported jsonb,
        repeats jsonb,
        collaborators_note_en text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (portfolio_id, code),
        CHECK (confidential OR lead_agency_id IS NOT NULL)
      );

      CREATE TABLE project_agencies (
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        role text NOT NULL CHECK (role IN ('lead', 'co_lead', 'collaborating')),
        note_en text,
        PRIMARY KEY (project_id, organization_id)
      );
      CREATE INDEX project_agencies_by_org ON project_agencies (organization_id);
      CREATE UNIQUE INDEX one_lead_per_project ON project_agencies (project_id) WHERE role = 'lead';

      CREATE TABLE action_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id),
        code text NOT NULL,
        title_fa text NOT NULL,
        title_en text NOT NULL,
        owner_agency_id uuid NOT NULL REFERENCES organizations(id),
        weight_hundredths integer NOT NULL CHECK (weight_hundredths > 0 AND weight_hundredths <= 10000),
        planned_start timestamptz NOT NULL,
        planned_end timestamptz NOT NULL,
        budget_rials numeric(20, 0) NOT NULL DEFAULT 0 CHECK (budget_rials >= 0),
        declared_percent smallint NOT NULL DEFAULT 0 CHECK (declared_percent BETWEEN 0 AND 100),
        verified_percent smallint NOT NULL DEFAULT 0 CHECK (verified_percent BETWEEN 0 AND 100),
        last_verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, code),
        CHECK (planned_end > planned_start)
      );
      CREATE INDEX action_items_by_owner ON action_items (owner_agency_id);

      CREATE TABLE action_links (
        from_item_id uuid NOT NULL REFERENCES action_items(id) ON DELETE CASCADE,
        to_item_id uuid NOT NULL REFERENCES action_items(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (from_item_id, to_item_id),
        CHECK (from_item_id <> to_item_id)
      );
      CREATE INDEX action_links_by_successor ON action_links (to_item_id);

      CREATE TABLE evidence_blobs (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content bytea NOT NULL
      );

      CREATE TABLE progress_declarations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES action_items(id),
        percent smallint NOT NULL CHECK (percent BETWEEN 0 AND 100),
        note text NOT NULL,
        declared_by uuid NOT NULL REFERENCES users(id),
        declared_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'decided', 'superseded'))
      );
      CREATE UNIQUE INDEX one_pending_declaration_per_item ON progress_declarations (item_id) WHERE status = 'pending';
      CREATE INDEX progress_declarations_queue ON progress_declarations (declared_at) WHERE status = 'pending';

      CREATE TABLE evidence_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sha256 text NOT NULL REFERENCES evidence_blobs(sha256),
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        content_type text NOT NULL,
        filename text NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        organization_id uuid REFERENCES organizations(id),
        declaration_id uuid REFERENCES progress_declarations(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX evidence_by_declaration ON evidence_files (declaration_id);

      CREATE TABLE verification_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        declaration_id uuid NOT NULL UNIQUE REFERENCES progress_declarations(id),
        item_id uuid NOT NULL REFERENCES action_items(id),
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'accepted_lower', 'rejected')),
        verified_percent smallint CHECK (verified_percent BETWEEN 0 AND 100),
        reason text,
        decided_by uuid NOT NULL REFERENCES users(id),
        decided_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id),
        revoke_reason text,
        CHECK ((outcome = 'rejected') = (verified_percent IS NULL)),
        CHECK (outcome = 'accepted' OR reason IS NOT NULL),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      );
      CREATE INDEX verification_decisions_by_item ON verification_decisions (item_id, decided_at DESC);

      CREATE TABLE tranches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id),
        number integer NOT NULL CHECK (number > 0),
        title text,
        amount_rials numeric(20, 0) NOT NULL CHECK (amount_rials > 0),
        state text NOT NULL DEFAULT 'waiting_on_items'
          CHECK (state IN ('waiting_on_items', 'awaiting_approval', 'held', 'approved', 'released', 'rejected')),
        state_seq integer NOT NULL DEFAULT 0,
        state_changed_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        -- false until Temporal confirmed the workflow exists; a reconciler starts the ones left behind
        workflow_started boolean NOT NULL DEFAULT false,
        UNIQUE (project_id, number)
      );
      CREATE INDEX tranches_by_state ON tranches (state);
      CREATE INDEX tranches_without_workflow ON tranches (created_at) WHERE NOT workflow_started;

      CREATE TABLE tranche_items (
        tranche_id uuid NOT NULL REFERENCES tranches(id) ON DELETE CASCADE,
        item_id uuid NOT NULL REFERENCES action_items(id),
        role text NOT NULL CHECK (role IN ('funds', 'gate')),
        source text CHECK (source IN ('chain', 'additional')),
        PRIMARY KEY (tranche_id, item_id, role),
        CHECK ((role = 'gate') = (source IS NOT NULL))
      );
      CREATE INDEX tranche_items_by_item ON tranche_items (item_id, role);

      CREATE TABLE tranche_events (
        id bigserial PRIMARY KEY,
        tranche_id uuid NOT NULL REFERENCES tranches(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users(id),
        from_state text,
        to_state text NOT NULL,
        reason text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        UNIQUE (tranche_id, seq)
      );

      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('treasury', 'agency')),
        organization_id uuid REFERENCES organizations(id),
        balance_rials numeric(24, 0) NOT NULL DEFAULT 0,
        CHECK ((kind = 'agency') = (organization_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX one_treasury ON ledger_accounts (kind) WHERE kind = 'treasury';
      CREATE UNIQUE INDEX one_account_per_agency ON ledger_accounts (organization_id) WHERE kind = 'agency';

      CREATE TABLE ledger_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_key text NOT NULL UNIQUE,
        tranche_id uuid NOT NULL UNIQUE REFERENCES tranches(id),
        project_id uuid NOT NULL REFERENCES projects(id),
        amount_rials numeric(20, 0) NOT NULL CHECK (amount_rials > 0),
        approved_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ledger_postings (
        id bigserial PRIMARY KEY,
        entry_id uuid NOT NULL REFERENCES ledger_entries(id),
        account_id uuid NOT NULL REFERENCES ledger_accounts(id),
        project_id uuid NOT NULL REFERENCES projects(id),
        debit_rials numeric(20, 0) NOT NULL DEFAULT 0 CHECK (debit_rials >= 0),
        credit_rials numeric(20, 0) NOT NULL DEFAULT 0 CHECK (credit_rials >= 0),
        CHECK ((debit_rials = 0) <> (credit_rials = 0))
      );
      CREATE INDEX ledger_postings_by_account ON ledger_postings (account_id);
      CREATE INDEX ledger_postings_by_entry ON ledger_postings (entry_id);

      -- Money that moved and the history of how it moved are never edited, only added to.
      CREATE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$;
      CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
      CREATE TRIGGER tranche_events_append_only BEFORE UPDATE OR DELETE ON tranche_events
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE ledger_postings, ledger_entries, ledger_accounts, tranche_events, tranche_items, tranches,
        verification_decisions, evidence_files, progress_declarations, evidence_blobs, action_links, action_items,
        project_agencies, projects, portfolios, users, organizations;
      DROP FUNCTION refuse_rewrite();
    `);
  }
}
