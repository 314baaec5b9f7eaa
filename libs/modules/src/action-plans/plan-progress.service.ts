import { Injectable } from '@nestjs/common';
import { hundredthsToNumber, plannedProgress, progressByAgency, weightedProgress } from '@pelekan/core';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { ActionItemsRepository } from './action-items.repository';
import { PlanProjectsRepository } from './plan-projects.repository';
import type { NamedRefView, ProjectProgressView } from './plan-views.dto';

/** A project's progress, rolled up from its live items by the core's progress rules. */
@Injectable()
export class PlanProgressService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly items: ActionItemsRepository,
    private readonly projectRows: PlanProjectsRepository,
  ) {}

  /** Weighted project progress (verified and declared apart), planned progress at `at`, and per agency. */
  async progress(projectId: string, at: Date = new Date()): Promise<ProjectProgressView> {
    await this.projects.requireProject(projectId);
    const m = this.db.reader;
    const items = await this.items.progressRowsOf(m, projectId);
    const agencies = await this.projectRows.organizations(m, [...new Set(items.map((i) => i.ownerAgencyId))]);
    const agencyById = new Map<string, NamedRefView>(agencies.map((a) => [a.id, a]));
    const lastVerifiedAt = items.reduce<Date | null>(
      (latest, i) => (i.lastVerifiedAt && (!latest || i.lastVerifiedAt > latest) ? i.lastVerifiedAt : latest),
      null,
    );
    return {
      projectId,
      at: at.toISOString(),
      itemCount: items.length,
      verifiedPercent: hundredthsToNumber(weightedProgress(items.map((i) => ({ weight: i.weight, percent: i.verifiedPercent })))),
      declaredPercent: hundredthsToNumber(weightedProgress(items.map((i) => ({ weight: i.weight, percent: i.declaredPercent })))),
      plannedPercent: hundredthsToNumber(plannedProgress(items, at)),
      lastVerifiedAt,
      byAgency: progressByAgency(items.map((i) => ({ ...i, agencyId: i.ownerAgencyId }))).map((a) => ({
        agency: agencyById.get(a.agencyId)!,
        weight: hundredthsToNumber(a.weight),
        verifiedPercent: hundredthsToNumber(a.verified),
        declaredPercent: hundredthsToNumber(a.declared),
        verifiedContribution: hundredthsToNumber(a.verifiedContribution),
      })),
    };
  }
}
