import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OPEN_TRANCHE_STATES } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { IndependencePolicy } from '../independence/independence.policy';
import { HoldsRepository, type CommitteeHold, type HoldToPlace } from './holds.repository';
import type { HoldLiftedView } from './views.dto';

export type { CommitteeHold } from './holds.repository';

/**
 * A monitoring-committee hold on a project's pending tranches: approval is refused and a release
 * not yet paid goes back to held until the hold is lifted. Placing and lifting are committee
 * decisions, both under the independence rule.
 */
@Injectable()
export class CommitteeHolds {
  constructor(
    private readonly db: Database,
    private readonly holds: HoldsRepository,
    private readonly independence: IndependencePolicy,
  ) {}

  /** The holds in force on these projects (inside a transaction, pass its manager). */
  async active(projectIds: string[], manager?: EntityManager): Promise<CommitteeHold[]> {
    return this.holds.active(manager ?? this.db.reader, projectIds);
  }

  /**
   * Places a hold inside the caller's transaction (the caller checked the member's independence).
   * Locks the pending tranches first so a release in flight either pays before the hold or sees it.
   */
  async place(tx: EntityManager, hold: HoldToPlace): Promise<string> {
    await this.holds.lockTranchesOf(tx, hold.projectId, OPEN_TRANCHE_STATES);
    return this.holds.insert(tx, hold);
  }

  /** Lifting is a committee decision like any other: refused to a member not independent of the project and the case's item. */
  async lift(actor: Actor, holdId: string, reason: string): Promise<HoldLiftedView> {
    const projectId = await this.db.transaction(async (tx) => {
      const hold = await this.holds.lockForLift(tx, holdId);
      if (!hold) throw new NotFound('hold', holdId);
      await this.independence.assertIndependent(
        actor,
        { projectId: hold.projectId, itemOwnerIds: hold.itemOwnerId ? [hold.itemOwnerId] : [] },
        'lift this hold',
        tx,
      );
      if (hold.liftedAt) throw new Conflict('the hold is already lifted', 'hold_lifted');
      await this.holds.lift(tx, holdId, actor.userId, reason);
      return hold.projectId;
    });
    return { id: holdId, projectId, lifted: true, activeHolds: await this.active([projectId]) };
  }
}
