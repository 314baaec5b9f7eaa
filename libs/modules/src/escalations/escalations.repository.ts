import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EscalatedParty, EscalationLevel, StallReason } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { CaseResolution, CaseStatus } from './dto';
import { caseLevelSql, LATEST_CUTOFFS_SQL } from './escalation-sweep.sql';

/** An escalation case with its item, project and owner agency. */
export interface CaseRecord {
  id: string;
  itemId: string;
  projectId: string;
  reason: StallReason;
  party: EscalatedParty;
  level: EscalationLevel;
  status: CaseStatus;
  openedAt: Date;
  levelChangedAt: Date;
  resolvedAt: Date | null;
  resolution: CaseResolution | null;
  agencyResponse: string | null;
  agencyRespondedAt: Date | null;
  item: {
    id: string;
    code: string;
    titleFa: string;
    titleEn: string;
    verifiedPercent: number;
    declaredPercent: number;
    dueAt: Date;
    ownerAgencyId: string;
  };
  project: { id: string; code: string; nameFa: string; nameEn: string };
  ownerAgency: { id: string; code: string; nameFa: string; nameEn: string };
}

export interface CaseEventRecord {
  at: Date;
  kind: string;
  level: number;
  reason: string | null;
  detail: Record<string, unknown>;
  actor: { id: string; username: string; displayName: string } | null;
}

export interface CaseHoldRecord {
  id: string;
  reason: string;
  placedAt: Date;
  liftedAt: Date | null;
  liftReason: string | null;
}

/** What a decision or an answer needs to know of a case. */
export interface CaseForDecision {
  id: string;
  status: CaseStatus;
  level: EscalationLevel;
  itemId: string;
  projectId: string;
  ownerAgencyId: string;
  leadAgencyId: string | null;
  itemCode: string;
  projectCode: string;
}

export interface CaseFilter {
  status: 'live' | CaseStatus;
  level?: number;
  projectId?: string;
  /** Only cases on items this agency owns. */
  ownerAgencyId?: string | null;
}

export interface NewCaseEvent {
  caseId: string;
  kind: 'resolved' | 'decided' | 'responded';
  level: number;
  actorId: string | null;
  reason: string;
  detail?: Record<string, unknown>;
}

type CaseRow = Omit<CaseRecord, 'item' | 'project' | 'ownerAgency'> & {
  item_code: string;
  item_title_fa: string;
  item_title_en: string;
  item_verified_percent: number;
  item_declared_percent: number;
  item_due_at: Date;
  owner_agency_id: string;
  project_code: string;
  project_name_fa: string;
  project_name_en: string;
  owner_code: string;
  owner_name_fa: string;
  owner_name_en: string;
};

/**
 * A case's level as the latest sweep judged it (core caseLevel, generated), as `lv.level`: `c` joined
 * with this. Every read of a level goes through it; the stored `level` is only where climbing started.
 */
const LEVEL_JOIN = `CROSS JOIN LATERAL (SELECT ${caseLevelSql('c', 'latest.cutoffs')} AS level) lv`;
const LATEST_JOIN = `LEFT JOIN (SELECT ${LATEST_CUTOFFS_SQL} AS cutoffs) latest ON true`;

/** When the case reached its level: its latest opening or climb on the ladder (or its recorded instant, if it has none). */
const LEVEL_REACHED_AT = `coalesce((SELECT max(e.at) FROM escalation_ladder e WHERE e.case_id = c.id AND e.kind IN ('opened', 'climbed')),
                                   c.level_changed_at)`;

const CASE_SELECT = `
  SELECT c.id, c.item_id AS "itemId", c.project_id AS "projectId", c.reason, c.party, lv.level, c.status,
         c.opened_at AS "openedAt", ${LEVEL_REACHED_AT} AS "levelChangedAt", c.resolved_at AS "resolvedAt", c.resolution,
         c.agency_response AS "agencyResponse", c.agency_responded_at AS "agencyRespondedAt",
         i.code AS item_code, i.title_fa AS item_title_fa, i.title_en AS item_title_en,
         i.verified_percent AS item_verified_percent, i.declared_percent AS item_declared_percent,
         coalesce(i.due_at, i.planned_end) AS item_due_at, i.owner_agency_id,
         p.code AS project_code, p.name_fa AS project_name_fa, p.name_en AS project_name_en,
         o.code AS owner_code, o.name_fa AS owner_name_fa, o.name_en AS owner_name_en
    FROM escalation_cases c ${LATEST_JOIN} ${LEVEL_JOIN}
    JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
    JOIN organizations o ON o.id = i.owner_agency_id`;

function toRecord(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    itemId: r.itemId,
    projectId: r.projectId,
    reason: r.reason,
    party: r.party,
    level: r.level,
    status: r.status,
    openedAt: r.openedAt,
    levelChangedAt: r.levelChangedAt,
    resolvedAt: r.resolvedAt,
    resolution: r.resolution,
    agencyResponse: r.agencyResponse,
    agencyRespondedAt: r.agencyRespondedAt,
    item: {
      id: r.itemId,
      code: r.item_code,
      titleFa: r.item_title_fa,
      titleEn: r.item_title_en,
      verifiedPercent: r.item_verified_percent,
      declaredPercent: r.item_declared_percent,
      dueAt: r.item_due_at,
      ownerAgencyId: r.owner_agency_id,
    },
    project: { id: r.projectId, code: r.project_code, nameFa: r.project_name_fa, nameEn: r.project_name_en },
    ownerAgency: { id: r.owner_agency_id, code: r.owner_code, nameFa: r.owner_name_fa, nameEn: r.owner_name_en },
  };
}

const FOR_DECISION = `
  SELECT c.id, c.status, lv.level, c.item_id AS "itemId", c.project_id AS "projectId", i.owner_agency_id AS "ownerAgencyId",
         p.lead_agency_id AS "leadAgencyId", i.code AS "itemCode", p.code AS "projectCode"
    FROM escalation_cases c ${LATEST_JOIN} ${LEVEL_JOIN}
    JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
   WHERE c.id = $1`;

/** Escalation cases, their events and the holds placed for them; the committee's and agencies' writes. */
@Injectable()
export class EscalationsRepository {
  /**
   * Highest level first, then oldest: `limit` cases after the key `after` (level, opened_at as
   * PostgreSQL's text, id). The page is chosen over narrow rows (id, derived level) first: the level
   * is derived, so no index orders it, and sorting whole rows of every live case would spill to disk
   * at national scale.
   */
  async list(
    m: EntityManager,
    filter: CaseFilter,
    limit: number,
    after: readonly [number, string, string] | null = null,
  ): Promise<Array<CaseRecord & { cursorAt: string }>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status === 'live') where.push(`c.status <> 'resolved'`);
    else where.push(`c.status = $${args.push(filter.status)}`);
    if (filter.level) where.push(`lv.level = $${args.push(filter.level)}`);
    if (filter.projectId) where.push(`c.project_id = $${args.push(filter.projectId)}`);
    const byOwner = filter.ownerAgencyId !== undefined;
    if (byOwner) where.push(`i.owner_agency_id = $${args.push(filter.ownerAgencyId)}`);
    if (after) {
      const [level, at, id] = [args.push(after[0]), args.push(after[1]), args.push(after[2])];
      where.push(`(lv.level < $${level} OR (lv.level = $${level} AND (c.opened_at, c.id) > ($${at}::timestamptz, $${id}::uuid)))`);
    }
    const page = `SELECT c.id FROM escalation_cases c ${LATEST_JOIN} ${LEVEL_JOIN} ${byOwner ? 'JOIN action_items i ON i.id = c.item_id' : ''}
                   WHERE ${where.join(' AND ')} ORDER BY lv.level DESC, c.opened_at, c.id LIMIT $${args.push(limit)}`;
    const found = await rows<CaseRow & { cursorAt: string }>(
      m,
      `${CASE_SELECT.replace('SELECT ', 'SELECT c.opened_at::text AS "cursorAt", ')} WHERE c.id IN (${page})
        ORDER BY lv.level DESC, c.opened_at, c.id`,
      args,
    );
    return found.map((r) => ({ ...toRecord(r), cursorAt: r.cursorAt }));
  }

  async find(m: EntityManager, id: string): Promise<CaseRecord | null> {
    const found = await row<CaseRow>(m, `${CASE_SELECT} WHERE c.id = $1`, [id]);
    return found && toRecord(found);
  }

  async events(m: EntityManager, caseId: string): Promise<CaseEventRecord[]> {
    return rows<CaseEventRecord>(
      m,
      `SELECT e.at, e.kind, e.level, e.reason, e.detail,
              CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name) END AS actor
         FROM escalation_ladder e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.id`,
      [caseId],
    );
  }

  async holds(m: EntityManager, caseId: string): Promise<CaseHoldRecord[]> {
    return rows<CaseHoldRecord>(
      m,
      `SELECT id, reason, placed_at AS "placedAt", lifted_at AS "liftedAt", lift_reason AS "liftReason"
         FROM tranche_holds WHERE case_id = $1 ORDER BY placed_at`,
      [caseId],
    );
  }

  /** The case as a decision sees it before taking any lock (locks come in the documented order). */
  async findForDecision(m: EntityManager, id: string): Promise<CaseForDecision | null> {
    return row<CaseForDecision>(m, FOR_DECISION, [id]);
  }

  /** The case, locked (the last lock of a flow: escalation_cases come last in the lock order). */
  async lock(m: EntityManager, id: string): Promise<CaseForDecision | null> {
    return row<CaseForDecision>(m, `${FOR_DECISION} FOR UPDATE OF c`, [id]);
  }

  /** Locks the case's item (before the case, as the lock order says) and reads its due date. */
  async lockItemDue(m: EntityManager, itemId: string): Promise<Date> {
    const item = await row<{ due: Date }>(
      m,
      'SELECT coalesce(due_at, planned_end) AS due FROM action_items WHERE id = $1 FOR UPDATE',
      [itemId],
    );
    return item!.due;
  }

  async setItemDue(m: EntityManager, itemId: string, dueAt: Date, quietUntil: Date): Promise<void> {
    await m.query('UPDATE action_items SET due_at = $2, escalation_quiet_until = $3 WHERE id = $1', [itemId, dueAt, quietUntil]);
  }

  async setItemQuietUntil(m: EntityManager, itemId: string, quietUntil: Date): Promise<void> {
    await m.query('UPDATE action_items SET escalation_quiet_until = $2 WHERE id = $1', [itemId, quietUntil]);
  }

  async recordResponse(m: EntityManager, id: string, note: string): Promise<void> {
    await m.query('UPDATE escalation_cases SET agency_response = $2, agency_responded_at = now() WHERE id = $1', [id, note]);
  }

  /** The case stops climbing: it keeps `level`, the level it stands at (as locked), until resolved. */
  async markAwaitingRevision(m: EntityManager, id: string, level: EscalationLevel): Promise<void> {
    await m.query(`UPDATE escalation_cases SET status = 'awaiting_revision', frozen_level = $2 WHERE id = $1`, [id, level]);
  }

  /** Resolves the case at `level`, the level it stands at (as locked), which it keeps. */
  async resolve(m: EntityManager, id: string, resolution: CaseResolution, level: EscalationLevel): Promise<void> {
    await m.query(
      `UPDATE escalation_cases SET status = 'resolved', resolved_at = now(), resolution = $2, frozen_level = $3 WHERE id = $1`,
      [id, resolution, level],
    );
  }

  async addEvent(m: EntityManager, event: NewCaseEvent): Promise<void> {
    await m.query(
      `INSERT INTO escalation_events (case_id, at, kind, level, actor_id, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6)`,
      [event.caseId, event.kind, event.level, event.actorId, event.reason, event.detail ?? {}],
    );
  }

  /** The project's cases awaiting a revision, locked. */
  async lockAwaitingRevision(m: EntityManager, projectId: string): Promise<Array<{ id: string; level: EscalationLevel }>> {
    return rows<{ id: string; level: EscalationLevel }>(
      m,
      `SELECT c.id, lv.level FROM escalation_cases c ${LATEST_JOIN} ${LEVEL_JOIN}
        WHERE c.project_id = $1 AND c.status = 'awaiting_revision' ORDER BY c.id FOR UPDATE OF c`,
      [projectId],
    );
  }
}
