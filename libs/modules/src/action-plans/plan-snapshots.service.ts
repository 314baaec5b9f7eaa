import { Injectable } from '@nestjs/common';
import { type PlanSnapshot } from '@pelekan/core';
import { baselineBeforeRevision, planSnapshot } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { NotFound } from '../common/errors';
import { ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';
import { PlanBaselinesRepository } from './plan-baselines.repository';

/** The plan as it stands, or stood: what revisions are compared against and baselines keep. */
@Injectable()
export class PlanSnapshots {
  constructor(
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
    private readonly baselines: PlanBaselinesRepository,
  ) {}

  /** The plan as it stands: live items by code and the links between them. One query after the other: `m` may be a transaction. */
  async current(m: EntityManager, projectId: string): Promise<PlanSnapshot> {
    const items = await this.items.planRowsOf(m, projectId);
    return planSnapshot(items, await this.links.within(m, projectId));
  }

  /** What a revision is compared against: the baseline before it once approved, otherwise the plan as it stands. */
  async beforeRevision(
    m: EntityManager,
    revision: { projectId: string; status: string; baselineNumber: number | null },
  ): Promise<PlanSnapshot> {
    const number = baselineBeforeRevision(revision);
    if (number === null) return this.current(m, revision.projectId);
    const base = await this.baselines.find(m, revision.projectId, number);
    if (!base) throw new NotFound('baseline', String(number));
    return base.plan;
  }
}
