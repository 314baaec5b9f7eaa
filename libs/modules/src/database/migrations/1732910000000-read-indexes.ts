import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The busy reads at national scale (issue 11), each index checked against the query it serves:
 *
 * - Keyset paging of every list: an index in each list's sort order, so a page (the first or the
 *   hundredth) is an index seek and `limit` rows, never a sort of the whole table. The pipeline by
 *   state (replacing the plain `tranches (state)`, which it covers), every tranche, ledger entries of
 *   a project and of all, projects by portfolio and code (in the numeric order people read "2" before
 *   "10", an ICU collation), projects led by an agency.
 * - The committee's monthly pack reads a month of tranche events and verification decisions by time.
 * - A declaration's item: the full history of an item's declarations (the unique index covers only
 *   the pending one).
 *   Checked and left out: `ledger_postings (project_id)` (no query filters postings by project; they
 *   are read by entry and by account, both indexed).
 */
export class ReadIndexes1732910000000 implements MigrationInterface {
  name = 'ReadIndexes1732910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE COLLATION IF NOT EXISTS pelekan_numeric (provider = icu, locale = 'und-u-kn-true');

      DROP INDEX tranches_by_state;
      CREATE INDEX tranches_pipeline ON tranches (state, created_at DESC, id DESC);
      CREATE INDEX tranches_by_time ON tranches (created_at DESC, id DESC);

      CREATE INDEX ledger_entries_by_time ON ledger_entries (created_at DESC, id DESC);
      CREATE INDEX ledger_entries_by_project ON ledger_entries (project_id, created_at DESC, id DESC);

      CREATE INDEX projects_in_order ON projects (portfolio_id, code COLLATE pelekan_numeric, id);
      CREATE INDEX projects_by_lead ON projects (lead_agency_id, portfolio_id, code COLLATE pelekan_numeric, id);

      CREATE INDEX tranche_events_by_time ON tranche_events (at);
      CREATE INDEX verification_decisions_by_time ON verification_decisions (decided_at);
      CREATE INDEX verification_decisions_revoked ON verification_decisions (revoked_at) WHERE revoked_at IS NOT NULL;

      CREATE INDEX progress_declarations_by_item ON progress_declarations (item_id, declared_at DESC);
      CREATE INDEX progress_declarations_pending ON progress_declarations (declared_at, id) WHERE status = 'pending';
      DROP INDEX progress_declarations_queue;

    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX progress_declarations_queue ON progress_declarations (declared_at) WHERE status = 'pending';
      DROP INDEX progress_declarations_pending;
      DROP INDEX progress_declarations_by_item;
      DROP INDEX verification_decisions_revoked;
      DROP INDEX verification_decisions_by_time;
      DROP INDEX tranche_events_by_time;
      DROP INDEX projects_by_lead;
      DROP INDEX projects_in_order;
      DROP INDEX ledger_entries_by_project;
      DROP INDEX ledger_entries_by_time;
      DROP INDEX tranches_by_time;
      DROP INDEX tranches_pipeline;
      CREATE INDEX tranches_by_state ON tranches (state);
      DROP COLLATION pelekan_numeric;
    `);
  }
}
