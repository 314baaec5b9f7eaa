import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rows } from '../database/database';
import type { PackCountRow, PackRow } from './committee-pack';

const PLACE = `
  json_build_object('code', pf.code, 'nameFa', pf.name_fa, 'nameEn', pf.name_en) AS portfolio,
  json_build_object('code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project`;
const AGENCY = (alias: string) => `json_build_object('code', ${alias}.code, 'nameFa', ${alias}.name_fa, 'nameEn', ${alias}.name_en) AS agency`;
const ITEM = `json_build_object('code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en) AS item`;

/**
 * Where a batch of a pack's section starts: after the row with this key. Rows of a section are in the
 * order of (at, id, part): the instant, the id of the row it comes from, and which part of the section
 * (a decision or its revocation; a tranche event, a hold placed or lifted). `at` is PostgreSQL's text.
 */
export type PackKey = readonly [at: string, id: string, part: number];

/** A pack row with its key, for the next batch. */
export type KeyedPackRow = PackRow & { key_at: string; key_id: string; key_part: number };

/** Rows at or after the key (the key's own instant bounds the index scan; the row comparison the rest). */
const AFTER = (at: string, id: string, part: string) => `(${at} >= $3::timestamptz AND (${at}, ${id}::text, ${part}) > ($3::timestamptz, $4, $5))`;

/**
 * What happened in a period, for the committee's monthly pack: each query takes [start, end). A
 * section is read in batches by keyset (a month may hold hundreds of thousands of case events), so
 * the pack streams with bounded memory.
 */
@Injectable()
export class CommitteeRepository {
  /** Verification decisions and revocations. */
  async verifications(m: EntityManager, start: Date, end: Date, after: PackKey, limit: number): Promise<KeyedPackRow[]> {
    return rows<KeyedPackRow>(
      m,
      `SELECT x.at, x.kind, ${PLACE}, ${AGENCY('o')}, ${ITEM}, x.detail,
              x.at::text AS key_at, x.id::text AS key_id, x.part AS key_part FROM (
         SELECT vd.decided_at AS at, vd.id, 0 AS part, vd.outcome AS kind, vd.item_id,
                jsonb_build_object('verifiedPercent', vd.verified_percent, 'reason', vd.reason, 'by', u.username) AS detail
           FROM verification_decisions vd JOIN users u ON u.id = vd.decided_by
          WHERE vd.decided_at >= $1 AND vd.decided_at < $2 AND ${AFTER('vd.decided_at', 'vd.id', '0')}
         UNION ALL
         SELECT vd.revoked_at, vd.id, 1, 'revoked', vd.item_id, jsonb_build_object('reason', vd.revoke_reason, 'by', u.username)
           FROM verification_decisions vd JOIN users u ON u.id = vd.revoked_by
          WHERE vd.revoked_at >= $1 AND vd.revoked_at < $2 AND ${AFTER('vd.revoked_at', 'vd.id', '1')}) x
         JOIN action_items i ON i.id = x.item_id JOIN projects p ON p.id = i.project_id
         JOIN portfolios pf ON pf.id = p.portfolio_id JOIN organizations o ON o.id = i.owner_agency_id
        ORDER BY x.at, x.id::text, x.part LIMIT $6`,
      [start, end, ...after, limit],
    );
  }

  /**
   * Escalation cases opened, climbed, resolved and decided, as the ladder records them (events the
   * sweep derives have no id of their own: a row's key is its case, kind and event id, if any).
   */
  async cases(m: EntityManager, start: Date, end: Date, after: PackKey, limit: number): Promise<KeyedPackRow[]> {
    return rows<KeyedPackRow>(
      m,
      `SELECT e.at, e.kind, ${PLACE}, ${AGENCY('o')}, ${ITEM},
              jsonb_build_object('level', e.level, 'reason', coalesce(e.reason, c.reason), 'party', c.party,
                                 'decision', e.detail->>'decision', 'caseId', c.id) AS detail,
              e.at::text AS key_at, e.k AS key_id, 0 AS key_part
         FROM (SELECT l.*, (l.case_id::text || '/' || l.kind || '/' || coalesce(l.id::text, '')) COLLATE "C" AS k
                 FROM escalation_ladder l
                WHERE l.at >= $1 AND l.at < $2 AND l.kind IN ('opened', 'climbed', 'resolved', 'decided') AND l.at >= $3::timestamptz) e
         JOIN escalation_cases c ON c.id = e.case_id
         JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
         JOIN portfolios pf ON pf.id = p.portfolio_id JOIN organizations o ON o.id = i.owner_agency_id
        WHERE (e.at, e.k) > ($3::timestamptz, $4 COLLATE "C")
        ORDER BY e.at, e.k LIMIT $5`,
      [start, end, after[0], after[1], limit],
    );
  }

  /** Payments (tranches and installments), tranches held by PBO or lapsed, remainders decided, committee holds placed or lifted. */
  async tranches(m: EntityManager, start: Date, end: Date, after: PackKey, limit: number): Promise<KeyedPackRow[]> {
    return rows<KeyedPackRow>(
      m,
      `SELECT x.at, x.kind, ${PLACE}, ${AGENCY('o')}, NULL AS item, x.detail,
              x.at::text AS key_at, x.id AS key_id, x.part AS key_part FROM (
         -- Every payment (a whole tranche, or one installment: its event names its ledger entry), each lapse
         -- (with what lapsed) and each decision on a remainder.
         SELECT e.at, e.id::text AS id, 0 AS part, CASE WHEN e.detail ? 'ledgerEntryId' THEN 'released' ELSE e.to_state END AS kind,
                t.project_id,
                jsonb_build_object('tranche', t.number, 'installment', e.detail->'installment',
                                   'amountRials', coalesce(e.detail->>'amountRials', e.detail->>'undisbursedRials',
                                                           e.detail->>'remainderRials', t.amount_rials::text),
                                   'decision', e.detail->'decision', 'reason', e.reason) AS detail
           FROM tranche_events e JOIN tranches t ON t.id = e.tranche_id
          WHERE e.at >= $1 AND e.at < $2 AND (e.detail ? 'ledgerEntryId' OR e.to_state IN ('held', 'lapsed', 'closed'))
            AND ${AFTER('e.at', 'e.id', '0')}
         UNION ALL
         SELECT h.placed_at, h.id::text, 1, 'hold_placed', h.project_id, jsonb_build_object('reason', h.reason)
           FROM tranche_holds h WHERE h.placed_at >= $1 AND h.placed_at < $2 AND ${AFTER('h.placed_at', 'h.id', '1')}
         UNION ALL
         SELECT h.lifted_at, h.id::text, 2, 'hold_lifted', h.project_id, jsonb_build_object('reason', h.lift_reason)
           FROM tranche_holds h WHERE h.lifted_at >= $1 AND h.lifted_at < $2 AND ${AFTER('h.lifted_at', 'h.id', '2')}) x
         JOIN projects p ON p.id = x.project_id JOIN portfolios pf ON pf.id = p.portfolio_id
         LEFT JOIN organizations o ON o.id = p.lead_agency_id
        ORDER BY x.at, x.id, x.part LIMIT $6`,
      [start, end, ...after, limit],
    );
  }

  /**
   * How many events of each kind each portfolio and agency had in the period (and the rials of the
   * releases): what the pack's summaries add up, counted by PostgreSQL rather than over streamed rows.
   */
  async counts(m: EntityManager, start: Date, end: Date): Promise<PackCountRow[]> {
    return rows<PackCountRow>(
      m,
      `SELECT x.kind, count(*)::int AS count, coalesce(sum(x.rials) FILTER (WHERE x.kind = 'released'), 0)::text AS rials,
              json_build_object('code', pf.code, 'nameFa', pf.name_fa, 'nameEn', pf.name_en) AS portfolio,
              ${AGENCY('o')}
         FROM (
           SELECT vd.outcome AS kind, i.project_id, i.owner_agency_id AS agency_id, NULL::numeric AS rials
             FROM verification_decisions vd JOIN action_items i ON i.id = vd.item_id
            WHERE vd.decided_at >= $1 AND vd.decided_at < $2
           UNION ALL
           SELECT 'revoked', i.project_id, i.owner_agency_id, NULL
             FROM verification_decisions vd JOIN action_items i ON i.id = vd.item_id
            WHERE vd.revoked_at >= $1 AND vd.revoked_at < $2
           UNION ALL
           SELECT e.kind, c.project_id, i.owner_agency_id, NULL
             FROM escalation_ladder e JOIN escalation_cases c ON c.id = e.case_id JOIN action_items i ON i.id = c.item_id
            WHERE e.at >= $1 AND e.at < $2 AND e.kind IN ('opened', 'climbed', 'resolved', 'decided')
           UNION ALL
           SELECT CASE WHEN e.detail ? 'ledgerEntryId' THEN 'released' ELSE e.to_state END, t.project_id,
                  (SELECT lead_agency_id FROM projects WHERE id = t.project_id),
                  coalesce((e.detail->>'amountRials')::numeric, t.amount_rials)
             FROM tranche_events e JOIN tranches t ON t.id = e.tranche_id
            WHERE e.at >= $1 AND e.at < $2 AND (e.detail ? 'ledgerEntryId' OR e.to_state IN ('held', 'lapsed', 'closed'))
           UNION ALL
           SELECT 'hold_placed', h.project_id, (SELECT lead_agency_id FROM projects WHERE id = h.project_id), NULL
             FROM tranche_holds h WHERE h.placed_at >= $1 AND h.placed_at < $2
           UNION ALL
           SELECT 'hold_lifted', h.project_id, (SELECT lead_agency_id FROM projects WHERE id = h.project_id), NULL
             FROM tranche_holds h WHERE h.lifted_at >= $1 AND h.lifted_at < $2
         ) x
         JOIN projects p ON p.id = x.project_id JOIN portfolios pf ON pf.id = p.portfolio_id
         LEFT JOIN organizations o ON o.id = x.agency_id
        GROUP BY x.kind, pf.id, o.id`,
      [start, end],
    );
  }
}

/** One stage clock as the view `stage_clocks` lists it, with its project's code. */
export interface StageClockRow {
  stage: string;
  subjectId: string;
  itemId: string | null;
  trancheId: string | null;
  projectId: string;
  projectCode: string;
  agencyId: string | null;
  memberId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  deadlineAt: Date | null;
}

export interface StageCaseRow {
  id: string;
  stage: string;
  party: 'committee' | 'pbo';
  level: number;
  subjectId: string;
  itemId: string | null;
  itemCode: string | null;
  trancheId: string | null;
  trancheNumber: number | null;
  projectId: string;
  projectCode: string;
  startedAt: Date;
  openedAt: Date;
  levelChangedAt: Date;
  resolvedAt: Date | null;
}

const STAGE_CASE_SELECT = `
  SELECT c.id, c.stage, c.party, c.level, c.subject_id AS "subjectId", c.item_id AS "itemId", i.code AS "itemCode",
         c.tranche_id AS "trancheId", t.number AS "trancheNumber", c.project_id AS "projectId", p.code AS "projectCode",
         c.started_at AS "startedAt", c.opened_at AS "openedAt", c.level_changed_at AS "levelChangedAt", c.resolved_at AS "resolvedAt"
    FROM stage_cases c
    JOIN projects p ON p.id = c.project_id
    LEFT JOIN action_items i ON i.id = c.item_id
    LEFT JOIN tranches t ON t.id = c.tranche_id`;

/** The stage clocks (migration 1733110000000-stage-clocks) and the cases of those past their limit. */
@Injectable()
export class StageClocksRepository {
  /** Every clock that ended in [start, end), and every one still open. */
  async clocks(m: EntityManager, start: Date, end: Date): Promise<StageClockRow[]> {
    return rows<StageClockRow>(
      m,
      `SELECT s.stage, s.subject_id AS "subjectId", s.item_id AS "itemId", s.tranche_id AS "trancheId", s.project_id AS "projectId",
              p.code AS "projectCode", s.agency_id AS "agencyId", s.member_id AS "memberId", s.started_at AS "startedAt",
              s.ended_at AS "endedAt", s.deadline_at AS "deadlineAt"
         FROM stage_clocks s JOIN projects p ON p.id = s.project_id
        WHERE (s.ended_at >= $1 AND s.ended_at < $2) OR s.ended_at IS NULL`,
      [start, end],
    );
  }

  async agencies(m: EntityManager, ids: readonly string[]): Promise<Array<{ id: string; code: string; nameFa: string; nameEn: string }>> {
    return rows(m, `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn" FROM organizations WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async members(m: EntityManager, ids: readonly string[]): Promise<Array<{ id: string; displayName: string }>> {
    return rows(m, `SELECT id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** The latest case of each of these clocks (stage, subject, start), by clock. */
  async casesOf(m: EntityManager, clocks: ReadonlyArray<Pick<StageClockRow, 'stage' | 'subjectId' | 'startedAt'>>): Promise<Array<{ id: string; stage: string; subjectId: string; startedAt: Date }>> {
    if (clocks.length === 0) return [];
    return rows(
      m,
      // The instants came back through JavaScript (milliseconds); PostgreSQL keeps microseconds.
      `SELECT DISTINCT ON (c.stage, c.subject_id, c.started_at) c.id, c.stage, c.subject_id AS "subjectId",
              date_trunc('milliseconds', c.started_at) AS "startedAt"
         FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS k(stage, subject_id, started_at)
         JOIN stage_cases c ON c.stage = k.stage AND c.subject_id = k.subject_id
          AND date_trunc('milliseconds', c.started_at) = k.started_at
        ORDER BY c.stage, c.subject_id, c.started_at, c.opened_at DESC`,
      [clocks.map((c) => c.stage), clocks.map((c) => c.subjectId), clocks.map((c) => c.startedAt)],
    );
  }

  /** Stage cases, highest level first, then oldest first. */
  async stageCases(m: EntityManager, status: 'live' | 'resolved', limit: number): Promise<StageCaseRow[]> {
    return rows<StageCaseRow>(
      m,
      `${STAGE_CASE_SELECT} WHERE ${status === 'live' ? 'c.resolved_at IS NULL' : 'c.resolved_at IS NOT NULL'}
        ORDER BY c.level DESC, c.opened_at, c.id LIMIT $1`,
      [limit],
    );
  }
}
