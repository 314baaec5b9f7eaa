import { Injectable } from '@nestjs/common';
import { isFiledPlanBaseline } from '@pelekan/core';
import { NotFound } from '../common/errors';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { PlanBaselinesRepository } from './plan-baselines.repository';
import { PlanSnapshots } from './plan-snapshots.service';
import type { BaselineSummaryView, BaselineView } from './revision-views.dto';

/** A project's plan history: its numbered baselines, every earlier one readable. */
@Injectable()
export class PlanHistoryService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly baselineRows: PlanBaselinesRepository,
    private readonly snapshots: PlanSnapshots,
  ) {}

  async baselines(projectId: string): Promise<BaselineSummaryView[]> {
    await this.projects.requireProject(projectId);
    const m = this.db.reader;
    const stored = await this.baselineRows.listOf(m, projectId);
    // Before any revision, the plan as filed is baseline 1 (fixed in the table at the first approval).
    if (stored.length === 0) {
      const plan = await this.snapshots.current(m, projectId);
      return [{ number: 1, createdAt: null, revisionId: null, approvedBy: null, itemCount: plan.items.length, current: true }];
    }
    return stored.map((b, i) => ({
      number: b.number,
      createdAt: b.createdAt,
      revisionId: b.revisionId,
      approvedBy: b.approvedBy,
      itemCount: b.itemCount,
      current: i === stored.length - 1,
    }));
  }

  async baseline(projectId: string, number: number): Promise<BaselineView> {
    await this.projects.requireProject(projectId);
    const m = this.db.reader;
    const stored = await this.baselineRows.find(m, projectId, number);
    if (stored) return { number: stored.number, createdAt: stored.createdAt, revisionId: stored.revisionId, plan: stored.plan };
    if (isFiledPlanBaseline(number, await this.baselineRows.count(m, projectId))) {
      return { number: 1, createdAt: null, revisionId: null, plan: await this.snapshots.current(m, projectId) };
    }
    throw new NotFound('baseline', String(number));
  }
}
