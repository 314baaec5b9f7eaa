import { Injectable } from '@nestjs/common';
import { isPlanLocked, planItemRows, type PlanRequest } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict } from '../common/errors';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';
import { ActionPlansService } from './action-plans.service';
import { PlanChecks } from './plan-checks.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import type { ActionPlanView } from './plan-views.dto';

/**
 * Files a project's first action plan. Once money or progress hangs on the plan (a tranche or a
 * declaration exists) it is locked: changing it then is a plan revision, approved by the committee.
 */
@Injectable()
export class PlanFilingService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly plans: ActionPlansService,
    private readonly checks: PlanChecks,
    private readonly projectRows: PlanProjectsRepository,
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
  ) {}

  async replacePlan(actor: Actor, projectId: string, plan: PlanRequest): Promise<ActionPlanView> {
    await this.projects.assertLeadAgencyOrAdmin(actor, projectId);
    await this.db.transaction(async (tx) => {
      await this.projectRows.lock(tx, [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      if (isPlanLocked(await this.projectRows.usageOf(tx, projectId))) {
        throw new Conflict(
          'the action plan is locked because tranches or progress declarations depend on it; propose a plan revision instead',
          'plan_locked',
        );
      }
      await this.checks.assertValid(tx, project, plan);

      await this.items.lockAllOf(tx, projectId);
      await this.items.deleteAllOf(tx, projectId);
      const idByCode = await this.items.insert(tx, projectId, planItemRows(plan, project.leadAgencyId));
      await this.links.insert(
        tx,
        plan.links.map((l) => ({ fromItemId: idByCode.get(l.from)!, toItemId: idByCode.get(l.to)! })),
      );
    });
    return this.plans.getPlan(projectId);
  }
}
