import { Injectable } from '@nestjs/common';
import type { ChainLink } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { NamedRef } from './action-items.repository';

/** A link with both ends named, as plans show it (a prerequisite from another project shows on both). */
export interface LinkRecord {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}

/** An item of another project linked to an item, and which way. */
export interface PrerequisiteRecord {
  direction: 'requires' | 'required_by';
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  project: NamedRef;
}

/** The SQL of action links: the action chain inside a project and prerequisites across projects. */
@Injectable()
export class ActionLinksRepository {
  /** Live links with at least one end in the project. */
  touching(m: EntityManager, projectId: string): Promise<LinkRecord[]> {
    return rows<LinkRecord>(
      m,
      `SELECT l.from_item_id AS "fromItemId", l.to_item_id AS "toItemId", f.code AS "from", t.code AS "to",
              f.project_id AS "fromProjectId", t.project_id AS "toProjectId",
              fp.code AS "fromProjectCode", tp.code AS "toProjectCode"
         FROM (SELECT l.* FROM action_links l JOIN action_items i ON i.id = l.from_item_id WHERE i.project_id = $1
               UNION
               SELECT l.* FROM action_links l JOIN action_items i ON i.id = l.to_item_id WHERE i.project_id = $1) l
         JOIN action_items f ON f.id = l.from_item_id
         JOIN action_items t ON t.id = l.to_item_id
         JOIN projects fp ON fp.id = f.project_id
         JOIN projects tp ON tp.id = t.project_id
        WHERE f.removed_at IS NULL AND t.removed_at IS NULL
        ORDER BY f.code, t.code`,
      [projectId],
    );
  }

  /** Live links between two items of the project, by code. */
  within(m: EntityManager, projectId: string): Promise<ChainLink[]> {
    return rows<ChainLink>(
      m,
      `SELECT f.code AS "from", t.code AS "to" FROM action_links l
         JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE f.project_id = $1 AND t.project_id = $1 AND f.removed_at IS NULL AND t.removed_at IS NULL
        ORDER BY f.code, t.code`,
      [projectId],
    );
  }

  /** Adds links between item ids. */
  async insert(m: EntityManager, links: ReadonlyArray<{ fromItemId: string; toItemId: string }>): Promise<void> {
    if (links.length === 0) return;
    await rows(
      m,
      'INSERT INTO action_links (from_item_id, to_item_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])',
      [links.map((l) => l.fromItemId), links.map((l) => l.toItemId)],
    );
  }

  /** Removes every link between two items of the project (prerequisites across projects stay). */
  async deleteWithin(m: EntityManager, projectId: string): Promise<void> {
    await rows(
      m,
      `DELETE FROM action_links l USING action_items f, action_items t
        WHERE f.id = l.from_item_id AND t.id = l.to_item_id AND f.project_id = $1 AND t.project_id = $1`,
      [projectId],
    );
  }

  /** Removes every link to or from the items. */
  async deleteTouching(m: EntityManager, itemIds: string[]): Promise<void> {
    if (itemIds.length === 0) return;
    await rows(m, 'DELETE FROM action_links WHERE from_item_id = ANY($1::uuid[]) OR to_item_id = ANY($1::uuid[])', [itemIds]);
  }

  async exists(m: EntityManager, fromItemId: string, toItemId: string): Promise<boolean> {
    return (await row(m, 'SELECT 1 FROM action_links WHERE from_item_id = $1 AND to_item_id = $2', [fromItemId, toItemId])) !== null;
  }

  /** Deletes the link from → to when `from` lies outside `toProjectId` (a prerequisite); true when there was one. */
  async deletePrerequisite(m: EntityManager, fromItemId: string, toItemId: string, toProjectId: string): Promise<boolean> {
    const deleted = await rows(
      m,
      `DELETE FROM action_links l USING action_items r
        WHERE l.from_item_id = $1 AND l.to_item_id = $2 AND r.id = l.from_item_id AND r.project_id <> $3
        RETURNING 1`,
      [fromItemId, toItemId, toProjectId],
    );
    return deleted.length > 0;
  }

  /**
   * Items outside the project reachable from it (a recursive query with UNION keeps a visited set,
   * so each item is visited once however many paths lead to it), then every live link among the
   * project and them, except links inside the project: by item id.
   */
  aroundProject(m: EntityManager, projectId: string): Promise<ChainLink[]> {
    return rows<ChainLink>(
      m,
      `WITH RECURSIVE outside(id) AS (
         SELECT l.to_item_id FROM action_links l
           JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
          WHERE f.project_id = $1 AND t.project_id <> $1 AND f.removed_at IS NULL AND t.removed_at IS NULL
         UNION
         SELECT l.to_item_id FROM outside o JOIN action_links l ON l.from_item_id = o.id
           JOIN action_items t ON t.id = l.to_item_id
          WHERE t.project_id <> $1 AND t.removed_at IS NULL
       )
       SELECT l.from_item_id AS "from", l.to_item_id AS "to"
         FROM action_links l JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE f.removed_at IS NULL AND t.removed_at IS NULL
          AND (f.project_id = $1 OR f.id IN (SELECT id FROM outside))
          AND (t.project_id = $1 OR t.id IN (SELECT id FROM outside))
          AND NOT (f.project_id = $1 AND t.project_id = $1)`,
      [projectId],
    );
  }

  /** Every live link among the items reachable from the item, by item id. */
  reachableFrom(m: EntityManager, itemId: string): Promise<ChainLink[]> {
    return rows<ChainLink>(
      m,
      `WITH RECURSIVE reach(id) AS (
         SELECT $1::uuid
         UNION
         SELECT l.to_item_id FROM reach r JOIN action_links l ON l.from_item_id = r.id
           JOIN action_items n ON n.id = l.to_item_id WHERE n.removed_at IS NULL
       )
       SELECT l.from_item_id AS "from", l.to_item_id AS "to"
         FROM reach r JOIN action_links l ON l.from_item_id = r.id JOIN action_items n ON n.id = l.to_item_id
        WHERE n.removed_at IS NULL`,
      [itemId],
    );
  }

  /** Live items of other projects the item requires, or that require it, by project and code. */
  prerequisitesOf(m: EntityManager, itemId: string): Promise<PrerequisiteRecord[]> {
    return rows<PrerequisiteRecord>(
      m,
      `SELECT CASE WHEN l.to_item_id = $1 THEN 'requires' ELSE 'required_by' END AS direction,
              o.id, o.code, o.title_fa AS "titleFa", o.title_en AS "titleEn", o.verified_percent AS "verifiedPercent",
              json_build_object('id', p.id, 'code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project
         FROM action_links l
         JOIN action_items me ON me.id = $1
         JOIN action_items o ON o.id = CASE WHEN l.to_item_id = $1 THEN l.from_item_id ELSE l.to_item_id END
         JOIN projects p ON p.id = o.project_id
        WHERE (l.to_item_id = $1 OR l.from_item_id = $1) AND o.project_id <> me.project_id AND o.removed_at IS NULL
        ORDER BY p.code, o.code`,
      [itemId],
    );
  }
}
