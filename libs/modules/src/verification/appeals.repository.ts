import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppealStatus } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { AppealView } from './trust.dto';

/** An appeal with the decision and declaration it contests, as the API shows it. */
export type AppealRow = Omit<AppealView, 'mayDecide'>;

export interface NewAppeal {
  decisionId: string;
  declarationId: string;
  itemId: string;
  ownerAgencyId: string;
  reason: string;
  filedBy: string;
  deadlineMs: number;
}

const APPEAL_COLUMNS = `a.id, a.decision_id AS "decisionId", a.declaration_id AS "declarationId", a.item_id AS "itemId",
  i.code AS "itemCode", i.title_fa AS "itemTitleFa", i.title_en AS "itemTitleEn", i.project_id AS "projectId", p.code AS "projectCode",
  a.owner_agency_id AS "ownerAgencyId", vd.outcome AS "decisionOutcome", vd.verified_percent AS "decidedPercent",
  pd.percent AS "declaredPercent", vd.decided_by AS "decidedBy", vd.decided_at AS "decidedAt", a.reason,
  ARRAY(SELECT e.evidence_id::text FROM appeal_evidence e WHERE e.appeal_id = a.id ORDER BY e.evidence_id) AS "evidenceIds",
  a.filed_by AS "filedBy", a.filed_at AS "filedAt", a.deadline_at AS "deadlineAt", a.status,
  a.decided_by AS "appealDecidedBy", a.decided_at AS "appealDecidedAt", a.decision_reason AS "decisionReason",
  a.verified_percent AS "verifiedPercent"`;

const FROM = `FROM verification_appeals a
  JOIN verification_decisions vd ON vd.id = a.decision_id
  JOIN progress_declarations pd ON pd.id = a.declaration_id
  JOIN action_items i ON i.id = a.item_id
  JOIN projects p ON p.id = i.project_id`;

/** Appeals of verification decisions. Lock order: the item first, then the appeal. */
@Injectable()
export class AppealsRepository {
  async appealOfDecision(tx: EntityManager, decisionId: string): Promise<string | null> {
    return (await row<{ id: string }>(tx, 'SELECT id FROM verification_appeals WHERE decision_id = $1', [decisionId]))?.id ?? null;
  }

  async declaredPercent(tx: EntityManager, declarationId: string): Promise<number> {
    return (await row<{ percent: number }>(tx, 'SELECT percent FROM progress_declarations WHERE id = $1', [declarationId]))!.percent;
  }

  async insert(tx: EntityManager, appeal: NewAppeal, evidenceIds: readonly string[]): Promise<string> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO verification_appeals (decision_id, declaration_id, item_id, owner_agency_id, reason, filed_by, deadline_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::double precision / 1000)) RETURNING id`,
      [appeal.decisionId, appeal.declarationId, appeal.itemId, appeal.ownerAgencyId, appeal.reason, appeal.filedBy, appeal.deadlineMs],
    );
    if (evidenceIds.length > 0) {
      await tx.query('INSERT INTO appeal_evidence (appeal_id, evidence_id) SELECT $1, unnest($2::uuid[])', [inserted!.id, evidenceIds]);
    }
    return inserted!.id;
  }

  /** The item an appeal is about (unlocked: lock the item first, then the appeal). */
  async itemOfAppeal(m: EntityManager, appealId: string): Promise<string | null> {
    return (await row<{ itemId: string }>(m, 'SELECT item_id AS "itemId" FROM verification_appeals WHERE id = $1', [appealId]))?.itemId ?? null;
  }

  lockAppeal(tx: EntityManager, appealId: string): Promise<AppealRow | null> {
    return row<AppealRow>(tx, `SELECT ${APPEAL_COLUMNS} ${FROM} WHERE a.id = $1 FOR UPDATE OF a`, [appealId]);
  }

  appeal(m: EntityManager, appealId: string): Promise<AppealRow | null> {
    return row<AppealRow>(m, `SELECT ${APPEAL_COLUMNS} ${FROM} WHERE a.id = $1`, [appealId]);
  }

  async decide(
    tx: EntityManager,
    appealId: string,
    decision: { status: 'upheld' | 'overturned'; decidedBy: string; reason: string; verifiedPercent: number | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE verification_appeals SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4, verified_percent = $5 WHERE id = $1`,
      [appealId, decision.status, decision.decidedBy, decision.reason, decision.verifiedPercent],
    );
  }

  /** Appeals oldest first, optionally of one agency and one status: `limit` after the key `after` (filed_at as text, id). */
  async page(
    m: EntityManager,
    filter: { ownerAgencyId: string | null; status: AppealStatus | null },
    limit: number,
    after: readonly [string, string] | null,
  ): Promise<Array<AppealRow & { cursorAt: string }>> {
    const where = ['true'];
    const args: unknown[] = [];
    if (filter.ownerAgencyId) where.push(`a.owner_agency_id = $${args.push(filter.ownerAgencyId)}`);
    if (filter.status) where.push(`a.status = $${args.push(filter.status)}`);
    if (after) where.push(`(a.filed_at, a.id) > ($${args.push(after[0])}::timestamptz, $${args.push(after[1])}::uuid)`);
    return rows(
      m,
      `SELECT ${APPEAL_COLUMNS}, a.filed_at::text AS "cursorAt" ${FROM}
        WHERE ${where.join(' AND ')} ORDER BY a.filed_at, a.id LIMIT $${args.push(limit)}`,
      args,
    );
  }
}
