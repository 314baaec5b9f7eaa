import { Injectable } from '@nestjs/common';
import type { PlanItemRow } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';

/** An organization or a project as plans name it. */
export interface NamedRef {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** An item with its owner agency, as the plan and item routes show it. */
export interface ActionItemRecord {
  id: string;
  projectId: string;
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgency: NamedRef;
  weightHundredths: number;
  plannedStart: Date;
  plannedEnd: Date;
  budgetRials: bigint;
  declaredPercent: number;
  verifiedPercent: number;
  lastVerifiedAt: Date | null;
  /** plannedEnd, or the later date the monitoring committee extended it to. */
  dueAt: Date;
  progressMovedAt: Date | null;
  removedAt: Date | null;
}

/** What progress roll-ups need of an item. */
export interface ProgressItemRow {
  ownerAgencyId: string;
  /** Hundredths. */
  weight: number;
  declaredPercent: number;
  verifiedPercent: number;
  plannedStart: Date;
  plannedEnd: Date;
  lastVerifiedAt: Date | null;
}

export interface ItemRef {
  id: string;
  code: string;
}

export interface ItemPlace extends ItemRef {
  projectId: string;
  removedAt: Date | null;
}

const ITEM_COLUMNS = `
  i.id, i.project_id AS "projectId", i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn",
  json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) AS "ownerAgency",
  i.weight_hundredths AS "weightHundredths", i.planned_start AS "plannedStart", i.planned_end AS "plannedEnd",
  i.budget_rials::text AS "budgetRials", i.declared_percent AS "declaredPercent",
  i.verified_percent AS "verifiedPercent", i.last_verified_at AS "lastVerifiedAt",
  coalesce(i.due_at, i.planned_end) AS "dueAt", i.progress_moved_at AS "progressMovedAt", i.removed_at AS "removedAt"`;

type WithTextRials<T> = Omit<T, 'budgetRials'> & { budgetRials: string };

const withRials = <T extends { budgetRials: bigint }>(r: WithTextRials<T>): T => ({ ...r, budgetRials: BigInt(r.budgetRials) }) as T;

/** The SQL of action items: the rows of a project's action plan. */
@Injectable()
export class ActionItemsRepository {
  async find(m: EntityManager, id: string): Promise<ActionItemRecord | null> {
    const found = await row<WithTextRials<ActionItemRecord>>(
      m,
      `SELECT ${ITEM_COLUMNS} FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id WHERE i.id = $1`,
      [id],
    );
    return found && withRials<ActionItemRecord>(found);
  }

  /** The project's live items (not retired by a revision), in no particular order. */
  async liveOf(m: EntityManager, projectId: string): Promise<ActionItemRecord[]> {
    const found = await rows<WithTextRials<ActionItemRecord>>(
      m,
      `SELECT ${ITEM_COLUMNS} FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id
        WHERE i.project_id = $1 AND i.removed_at IS NULL`,
      [projectId],
    );
    return found.map((r) => withRials<ActionItemRecord>(r));
  }

  /** The project's live items as plan rows, by code (what a snapshot of the plan holds). */
  async planRowsOf(m: EntityManager, projectId: string): Promise<PlanItemRow[]> {
    const found = await rows<WithTextRials<PlanItemRow>>(
      m,
      `SELECT code, title_fa AS "titleFa", title_en AS "titleEn", owner_agency_id AS "ownerAgencyId",
              weight_hundredths AS "weightHundredths", planned_start AS "plannedStart", planned_end AS "plannedEnd",
              budget_rials::text AS "budgetRials"
         FROM action_items WHERE project_id = $1 AND removed_at IS NULL ORDER BY code`,
      [projectId],
    );
    return found.map((r) => withRials<PlanItemRow>(r));
  }

  /** Ids and codes of the project's live items. */
  liveRefsOf(m: EntityManager, projectId: string): Promise<ItemRef[]> {
    return rows<ItemRef>(m, 'SELECT id, code FROM action_items WHERE project_id = $1 AND removed_at IS NULL', [projectId]);
  }

  /** Locks the project's live items, in id order (after the project: see database.ts). */
  lockLiveOf(m: EntityManager, projectId: string): Promise<ItemRef[]> {
    return rows<ItemRef>(
      m,
      'SELECT id, code FROM action_items WHERE project_id = $1 AND removed_at IS NULL ORDER BY id FOR UPDATE',
      [projectId],
    );
  }

  /** Locks every item of the project, retired ones too, in id order. */
  async lockAllOf(m: EntityManager, projectId: string): Promise<void> {
    await rows(m, 'SELECT id FROM action_items WHERE project_id = $1 ORDER BY id FOR UPDATE', [projectId]);
  }

  /** Where the items are (live or retired), without locking them. */
  placesOf(m: EntityManager, ids: string[]): Promise<ItemPlace[]> {
    return rows<ItemPlace>(
      m,
      `SELECT id, project_id AS "projectId", code, removed_at AS "removedAt" FROM action_items WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Locks the items in id order and says where they are. */
  lockPlacesOf(m: EntityManager, ids: string[]): Promise<ItemPlace[]> {
    return rows<ItemPlace>(
      m,
      `SELECT id, project_id AS "projectId", code, removed_at AS "removedAt" FROM action_items
        WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await row(m, 'SELECT 1 FROM action_items WHERE id = $1', [id])) !== null;
  }

  /** "PROJECT:code" for each item id. */
  async namesOf(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const found = await rows<{ id: string; name: string }>(
      m,
      `SELECT x.id, p.code || ':' || x.code AS name FROM action_items x JOIN projects p ON p.id = x.project_id WHERE x.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(found.map((r) => [r.id, r.name]));
  }

  progressRowsOf(m: EntityManager, projectId: string): Promise<ProgressItemRow[]> {
    return rows<ProgressItemRow>(
      m,
      `SELECT owner_agency_id AS "ownerAgencyId", weight_hundredths AS weight, declared_percent AS "declaredPercent",
              verified_percent AS "verifiedPercent", planned_start AS "plannedStart", planned_end AS "plannedEnd",
              last_verified_at AS "lastVerifiedAt"
         FROM action_items WHERE project_id = $1 AND removed_at IS NULL`,
      [projectId],
    );
  }

  async deleteAllOf(m: EntityManager, projectId: string): Promise<void> {
    await rows(m, 'DELETE FROM action_items WHERE project_id = $1', [projectId]);
  }

  /** Adds items to the project (no progress yet); their ids by code. */
  async insert(m: EntityManager, projectId: string, items: readonly PlanItemRow[]): Promise<Map<string, string>> {
    if (items.length === 0) return new Map();
    const added = await rows<ItemRef>(
      m,
      `INSERT INTO action_items (project_id, code, title_fa, title_en, owner_agency_id, weight_hundredths,
                                 planned_start, planned_end, budget_rials, declared_percent, verified_percent)
       SELECT $1::uuid, x.code, x.title_fa, x.title_en, x.owner, x.weight, x.start_at, x.end_at, x.budget, 0, 0
         FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::int[], $7::timestamptz[], $8::timestamptz[], $9::numeric[])
              AS x(code, title_fa, title_en, owner, weight, start_at, end_at, budget)
       RETURNING id, code`,
      [
        projectId,
        items.map((i) => i.code),
        items.map((i) => i.titleFa),
        items.map((i) => i.titleEn),
        items.map((i) => i.ownerAgencyId),
        items.map((i) => i.weightHundredths),
        items.map((i) => i.plannedStart),
        items.map((i) => i.plannedEnd),
        items.map((i) => i.budgetRials.toString()),
      ],
    );
    return new Map(added.map((a) => [a.code, a.id]));
  }

  /**
   * Rewrites items from their revised rows, all in one statement. A moved end date replaces any
   * extension the committee granted on the old one.
   */
  async updateMany(m: EntityManager, updates: ReadonlyArray<{ id: string; item: PlanItemRow }>): Promise<void> {
    if (updates.length === 0) return;
    await rows(
      m,
      `UPDATE action_items a SET title_fa = x.title_fa, title_en = x.title_en, owner_agency_id = x.owner, weight_hundredths = x.weight,
              planned_start = x.start_at, planned_end = x.end_at, budget_rials = x.budget,
              due_at = CASE WHEN a.planned_end = x.end_at THEN a.due_at ELSE NULL END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::timestamptz[], $7::timestamptz[], $8::numeric[])
              AS x(id, title_fa, title_en, owner, weight, start_at, end_at, budget)
        WHERE a.id = x.id`,
      [
        updates.map((u) => u.id),
        updates.map((u) => u.item.titleFa),
        updates.map((u) => u.item.titleEn),
        updates.map((u) => u.item.ownerAgencyId),
        updates.map((u) => u.item.weightHundredths),
        updates.map((u) => u.item.plannedStart),
        updates.map((u) => u.item.plannedEnd),
        updates.map((u) => u.item.budgetRials.toString()),
      ],
    );
  }

  /** Retires items a revision dropped: they stay for history and released money. */
  async retire(m: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await rows(m, 'UPDATE action_items SET removed_at = now() WHERE id = ANY($1::uuid[])', [ids]);
  }
}
