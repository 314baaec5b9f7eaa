import { Injectable } from '@nestjs/common';
import { planItemRows, planRefusal, type PlanRequest, revisionRefusal } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { InvalidInput } from '../common/errors';
import type { Project } from '../projects/project.entity';
import { PlanGraph } from './plan-graph.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import { PlanRevisionsRepository } from './plan-revisions.repository';
import { PlanSnapshots } from './plan-snapshots.service';

/** Everything a plan must satisfy, gathered from the database and judged by the core's plan rules. */
@Injectable()
export class PlanChecks {
  constructor(
    private readonly projects: PlanProjectsRepository,
    private readonly revisions: PlanRevisionsRepository,
    private readonly graph: PlanGraph,
    private readonly snapshots: PlanSnapshots,
  ) {}

  /** 400 with every problem of the plan against the project as stored (its agencies and budget), or the cycle it forms. */
  async assertValid(m: EntityManager, project: Project, plan: PlanRequest): Promise<void> {
    const refusal = planRefusal(plan, {
      leadAgencyId: project.leadAgencyId,
      projectAgencyIds: await this.projects.agencyIdsOf(m, project.id),
      budgetRials: project.budgetRials,
    });
    if (refusal) throw new InvalidInput(refusal.problems, undefined, refusal.cycle ? { cycle: refusal.cycle } : {});
  }

  /**
   * Everything that must hold for a revised plan, against the project as it is now: a valid plan,
   * no cycle through other projects, and the money already committed to the plan kept whole.
   */
  async assertRevisable(m: EntityManager, project: Project, plan: PlanRequest): Promise<void> {
    await this.assertValid(m, project, plan);
    await this.graph.assertAcyclicAcrossProjects(m, project.id, plan.links);
    const funded = await this.revisions.fundedItemsOf(m, project.id);
    const open = await this.revisions.openTranchesOf(m, project.id);
    const current = await this.snapshots.current(m, project.id);
    const problem = revisionRefusal(planItemRows(plan, project.leadAgencyId), plan.links, current, funded, open);
    if (problem) throw InvalidInput.field(problem.field, problem.reason);
  }
}
