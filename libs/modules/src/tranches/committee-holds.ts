import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { Conflict, NotFound } from '../common/errors';
import { IndependencePolicy } from '../independence/independence.policy';
import { OPEN_STATES } from './tranche-gates';

export interface CommitteeHold {
  id: string;
  projectId: string;
  caseId: string | null;
  reason: string;
  placedAt: Date;
  placedBy: string;
}

/**
 * A monitoring-committee hold on a project's pending tranches: approval is refused and a release
 * not yet paid goes back to held until the hold is lifted. Placing and lifting are committee
 * decisions, both under the independence rule.
 */
@Injectable()
export class CommitteeHolds {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly independence: IndependencePolicy,
  ) {}

  /** The holds in force on these projects. */
  async active(projectIds: string[], manager: EntityManager = this.db.manager): Promise<CommitteeHold[]> {
    if (projectIds.length === 0) return [];
    return manager.query(
      `SELECT id, project_id AS "projectId", case_id AS "caseId", reason, placed_at AS "placedAt", placed_by AS "placedBy"
         FROM tranche_holds WHERE project_id = ANY($1::uuid[]) AND lifted_at IS NULL ORDER BY placed_at`,
      [projectIds],
    );
  }

  /**
   * Places a hold inside the caller's transaction (the caller checked the member's independence).
   * Locks the pending tranches first so a release in flight either pays before the hold or sees it.
   */
  async place(tx: EntityManager, hold: { projectId: string; caseId: string | null; reason: string; actorId: string }): Promise<string> {
    await tx.query(`SELECT id FROM tranches WHERE project_id = $1 AND state = ANY($2::text[]) ORDER BY id FOR UPDATE`, [
      hold.projectId,
      OPEN_STATES,
    ]);
    const [row] = await tx.query(
      `INSERT INTO tranche_holds (project_id, case_id, reason, placed_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [hold.projectId, hold.caseId, hold.reason, hold.actorId],
    );
    return row.id as string;
  }

  /** Lifting is a committee decision like any other: refused to a member not independent of the project and the case's item. */
  async lift(actor: Actor, holdId: string, reason: string) {
    const projectId = await this.db.transaction(async (tx) => {
      const [hold] = await tx.query(
        `SELECT h.project_id, h.lifted_at, i.owner_agency_id
           FROM tranche_holds h LEFT JOIN escalation_cases c ON c.id = h.case_id LEFT JOIN action_items i ON i.id = c.item_id
          WHERE h.id = $1 FOR UPDATE OF h`,
        [holdId],
      );
      if (!hold) throw new NotFound('hold', holdId);
      await this.independence.assertIndependent(
        actor,
        { projectId: hold.project_id, itemOwnerIds: hold.owner_agency_id ? [hold.owner_agency_id] : [] },
        'lift this hold',
        tx,
      );
      if (hold.lifted_at) throw new Conflict('the hold is already lifted', 'hold_lifted');
      await tx.query('UPDATE tranche_holds SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE id = $1', [
        holdId,
        actor.userId,
        reason,
      ]);
      return hold.project_id as string;
    });
    return { id: holdId, projectId, lifted: true, activeHolds: await this.active([projectId]) };
  }
}
