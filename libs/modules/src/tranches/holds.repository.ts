import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';

export interface CommitteeHold {
  id: string;
  projectId: string;
  caseId: string | null;
  reason: string;
  placedAt: Date;
  placedBy: string;
}

export interface HoldToPlace {
  projectId: string;
  caseId: string | null;
  reason: string;
  actorId: string;
}

/** A hold as lifting it needs it: its project, whether it is lifted, and the agency owning the case's item. */
export interface HoldToLift {
  projectId: string;
  liftedAt: Date | null;
  itemOwnerId: string | null;
}

/** Monitoring-committee holds on projects' pending tranches. */
@Injectable()
export class HoldsRepository {
  /** The holds in force on these projects, oldest first. */
  async active(m: EntityManager, projectIds: string[]): Promise<CommitteeHold[]> {
    if (projectIds.length === 0) return [];
    return rows<CommitteeHold>(
      m,
      `SELECT id, project_id AS "projectId", case_id AS "caseId", reason, placed_at AS "placedAt", placed_by AS "placedBy"
         FROM tranche_holds WHERE project_id = ANY($1::uuid[]) AND lifted_at IS NULL ORDER BY placed_at`,
      [projectIds],
    );
  }

  /** Locks the project's tranches in `states`, by id. */
  async lockTranchesOf(m: EntityManager, projectId: string, states: readonly TrancheState[]): Promise<void> {
    await m.query(`SELECT id FROM tranches WHERE project_id = $1 AND state = ANY($2::text[]) ORDER BY id FOR UPDATE`, [projectId, states]);
  }

  async insert(m: EntityManager, hold: HoldToPlace): Promise<string> {
    const created = await row<{ id: string }>(
      m,
      `INSERT INTO tranche_holds (project_id, case_id, reason, placed_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [hold.projectId, hold.caseId, hold.reason, hold.actorId],
    );
    return created!.id;
  }

  /** The hold, locked until the transaction ends; null when there is no such hold. */
  async lockForLift(m: EntityManager, holdId: string): Promise<HoldToLift | null> {
    return row<HoldToLift>(
      m,
      `SELECT h.project_id AS "projectId", h.lifted_at AS "liftedAt", i.owner_agency_id AS "itemOwnerId"
         FROM tranche_holds h LEFT JOIN escalation_cases c ON c.id = h.case_id LEFT JOIN action_items i ON i.id = c.item_id
        WHERE h.id = $1 FOR UPDATE OF h`,
      [holdId],
    );
  }

  async lift(m: EntityManager, holdId: string, actorId: string, reason: string): Promise<void> {
    await m.query('UPDATE tranche_holds SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE id = $1', [holdId, actorId, reason]);
  }
}
