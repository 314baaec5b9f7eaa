import { Injectable } from '@nestjs/common';
import type { TrancheState } from '@pelekan/core';
import type { FundedItem, OpenTrancheFunding, PlanRequest } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { NamedRef } from './action-items.repository';

export type RevisionStatus = 'pending' | 'approved' | 'rejected';

/** A revision as the project's list shows it (users by username). */
export interface RevisionRecord {
  id: string;
  number: number;
  status: RevisionStatus;
  reason: string;
  proposedAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
  baselineNumber: number | null;
  proposedBy: string;
  decidedBy: string | null;
}

/** A revision with the plan it proposes and its project's lead agency (the default owner of its items). */
export interface RevisionDetail extends RevisionRecord {
  projectId: string;
  proposal: PlanRequest;
  leadAgencyId: string | null;
}

/** A revision awaiting the committee. */
export interface PendingRevisionRecord {
  id: string;
  number: number;
  reason: string;
  proposedAt: Date;
  proposedBy: string;
  project: NamedRef;
}

/** A revision as a decision locks it. */
export interface RevisionForDecision {
  id: string;
  projectId: string;
  number: number;
  status: RevisionStatus;
  proposal: PlanRequest;
}

const RECORD_COLUMNS = `r.id, r.number, r.status, r.reason, r.proposed_at AS "proposedAt", r.decided_at AS "decidedAt",
  r.decision_reason AS "decisionReason", r.baseline_number AS "baselineNumber",
  pu.username AS "proposedBy", du.username AS "decidedBy"`;

/** The SQL of plan revisions, and what a revision must respect of the money committed to the plan. */
@Injectable()
export class PlanRevisionsRepository {
  async nextNumber(m: EntityManager, projectId: string): Promise<number> {
    const found = await row<{ next: number }>(
      m,
      'SELECT coalesce(max(number), 0) + 1 AS next FROM plan_revisions WHERE project_id = $1',
      [projectId],
    );
    return found?.next ?? 1;
  }

  /** The number of the project's revision awaiting the committee, if any. */
  async pendingNumber(m: EntityManager, projectId: string): Promise<number | null> {
    const found = await row<{ number: number }>(
      m,
      `SELECT number FROM plan_revisions WHERE project_id = $1 AND status = 'pending'`,
      [projectId],
    );
    return found?.number ?? null;
  }

  async insert(
    m: EntityManager,
    revision: { projectId: string; number: number; reason: string; proposal: PlanRequest; proposedBy: string },
  ): Promise<string> {
    const added = await row<{ id: string }>(
      m,
      `INSERT INTO plan_revisions (project_id, number, reason, proposal, proposed_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [revision.projectId, revision.number, revision.reason, revision.proposal, revision.proposedBy],
    );
    return added!.id;
  }

  /** The project's revisions, newest first. */
  listOf(m: EntityManager, projectId: string): Promise<RevisionRecord[]> {
    return rows<RevisionRecord>(
      m,
      `SELECT ${RECORD_COLUMNS}
         FROM plan_revisions r JOIN users pu ON pu.id = r.proposed_by LEFT JOIN users du ON du.id = r.decided_by
        WHERE r.project_id = $1 ORDER BY r.number DESC`,
      [projectId],
    );
  }

  /** Pending revisions of every project, oldest first. */
  pending(m: EntityManager): Promise<PendingRevisionRecord[]> {
    return rows<PendingRevisionRecord>(
      m,
      `SELECT r.id, r.number, r.reason, r.proposed_at AS "proposedAt", pu.username AS "proposedBy",
              json_build_object('id', p.id, 'code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project
         FROM plan_revisions r JOIN projects p ON p.id = r.project_id JOIN users pu ON pu.id = r.proposed_by
        WHERE r.status = 'pending' ORDER BY r.proposed_at`,
    );
  }

  detail(m: EntityManager, id: string): Promise<RevisionDetail | null> {
    return row<RevisionDetail>(
      m,
      `SELECT ${RECORD_COLUMNS}, r.project_id AS "projectId", r.proposal, p.lead_agency_id AS "leadAgencyId"
         FROM plan_revisions r JOIN projects p ON p.id = r.project_id JOIN users pu ON pu.id = r.proposed_by
         LEFT JOIN users du ON du.id = r.decided_by WHERE r.id = $1`,
      [id],
    );
  }

  /** The revision's project (which never changes), read without a lock so the project can be locked first. */
  async projectOf(m: EntityManager, id: string): Promise<string | null> {
    return (await row<{ projectId: string }>(m, 'SELECT project_id AS "projectId" FROM plan_revisions WHERE id = $1', [id]))?.projectId ?? null;
  }

  lockForDecision(m: EntityManager, id: string): Promise<RevisionForDecision | null> {
    return row<RevisionForDecision>(
      m,
      `SELECT id, project_id AS "projectId", number, status, proposal FROM plan_revisions WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  async recordDecision(
    m: EntityManager,
    id: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string; reason: string; baselineNumber: number | null },
  ): Promise<void> {
    await rows(
      m,
      `UPDATE plan_revisions SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4, baseline_number = $5
        WHERE id = $1`,
      [id, decision.status, decision.decidedBy, decision.reason, decision.baselineNumber],
    );
  }

  /** Live items of the project funded by a tranche that was not rejected. */
  fundedItemsOf(m: EntityManager, projectId: string): Promise<FundedItem[]> {
    return rows<{ code: string; trancheNumber: number; trancheState: TrancheState }>(
      m,
      `SELECT i.code, t.number AS "trancheNumber", t.state AS "trancheState"
         FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id JOIN action_items i ON i.id = ti.item_id
        WHERE i.project_id = $1 AND i.removed_at IS NULL AND ti.role = 'funds' AND t.state <> 'rejected'`,
      [projectId],
    );
  }

  /** The project's tranches neither released nor rejected: the rials each commits and the codes of the items it funds. */
  async openTranchesOf(m: EntityManager, projectId: string): Promise<OpenTrancheFunding[]> {
    const found = await rows<{ number: number; amountRials: string; codes: string[] }>(
      m,
      `SELECT t.number, t.amount_rials::text AS "amountRials", array_agg(i.code) AS codes
         FROM tranches t JOIN tranche_items ti ON ti.tranche_id = t.id AND ti.role = 'funds' JOIN action_items i ON i.id = ti.item_id
        WHERE t.project_id = $1 AND t.state NOT IN ('released', 'closed', 'rejected') GROUP BY t.id`,
      [projectId],
    );
    return found.map((t) => ({ number: t.number, amountRials: BigInt(t.amountRials), codes: t.codes }));
  }
}
