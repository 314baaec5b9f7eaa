import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { cursorBatches, row } from '../database/database';
import type { Table } from './open-data';
import { PUBLIC_PROJECTS_SQL, type RawPublicProjectRow } from './portal.repository';

/** The public tables, each one statement (no parameters) read through a cursor. */
export const OPEN_DATA_SQL = {
  portfolios: `SELECT code, name_fa, name_en, approved_on_jalali, monitoring_paused_at::text, monitoring_pause_reason, synthetic
                 FROM portfolios ORDER BY code`,
  projects: `${PUBLIC_PROJECTS_SQL} ORDER BY pr.code COLLATE pelekan_numeric, pr.id`,
  items: `SELECT p.code AS project_code, i.code, i.title_fa, i.title_en, o.name_en AS owner_agency_en, i.weight_hundredths / 100.0 AS weight,
                 i.planned_start::text, coalesce(i.due_at, i.planned_end)::text AS due_at, i.budget_rials::text,
                 i.declared_percent, i.verified_percent, i.last_verified_at::text
            FROM action_items i JOIN projects p ON p.id = i.project_id JOIN organizations o ON o.id = i.owner_agency_id
           WHERE NOT p.confidential AND i.removed_at IS NULL ORDER BY p.code, i.code`,
  tranches: `SELECT p.code AS project_code, t.number, t.amount_rials::text, t.state, t.created_at::text, t.released_at::text,
                    t.release_rule->>'kind' AS release_rule, t.due_at::text, t.released_rials::text
               FROM tranches t JOIN projects p ON p.id = t.project_id WHERE NOT p.confidential ORDER BY p.code, t.number`,
  releases: `SELECT p.code AS project_code, t.number AS tranche, e.installment, e.amount_rials::text, e.created_at::text AS released_at
               FROM ledger_entries e JOIN tranches t ON t.id = e.tranche_id JOIN projects p ON p.id = e.project_id
              WHERE NOT p.confidential ORDER BY e.created_at, e.id`,
} as const;

export type OpenDataTable = keyof typeof OPEN_DATA_SQL;

/** SQL of the open data: the data version, and each table read in batches (memory holds one batch, however large the table). */
@Injectable()
export class OpenDataRepository {
  /** The audit chain's head: it moves with every committed change of any domain table. */
  async auditHead(m: EntityManager): Promise<string> {
    const head = await row<{ head: string }>(m, 'SELECT last_id::text AS head FROM audit_head');
    return head?.head ?? '0';
  }

  /** The table's rows, `size` at a time, through a cursor of the caller's transaction `tx`. */
  table(tx: EntityManager, table: 'projects', size: number): AsyncGenerator<RawPublicProjectRow[]>;
  table(tx: EntityManager, table: Exclude<OpenDataTable, 'projects'>, size: number): AsyncGenerator<Table>;
  table(tx: EntityManager, table: OpenDataTable, size: number): AsyncGenerator<Array<Table[number] & RawPublicProjectRow>> {
    return cursorBatches<Table[number] & RawPublicProjectRow>(tx, OPEN_DATA_SQL[table], size);
  }
}
