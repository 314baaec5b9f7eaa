import { Injectable } from '@nestjs/common';
import { diffPlans } from '@pelekan/core';
import { proposalSnapshot } from '@pelekan/core';
import { NotFound } from '../common/errors';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { PlanRevisionsRepository, type RevisionRecord } from './plan-revisions.repository';
import { PlanSnapshots } from './plan-snapshots.service';
import type { PendingRevisionView, PlanRevisionSummaryView, PlanRevisionView } from './revision-views.dto';

function toSummaryView(r: RevisionRecord): PlanRevisionSummaryView {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    reason: r.reason,
    proposedAt: r.proposedAt,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
    baselineNumber: r.baselineNumber,
    proposedBy: r.proposedBy,
    decidedBy: r.decidedBy,
  };
}

/**
 * Reading plan revisions (periodic review: the lead agency proposes a revised plan, the committee
 * decides): a project's revisions, the committee's queue, one revision with its diff.
 */
@Injectable()
export class PlanRevisionsService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly revisions: PlanRevisionsRepository,
    private readonly snapshots: PlanSnapshots,
  ) {}

  async list(projectId: string): Promise<PlanRevisionSummaryView[]> {
    await this.projects.requireProject(projectId);
    return (await this.revisions.listOf(this.db.reader, projectId)).map(toSummaryView);
  }

  /** Pending revisions, oldest first (the committee queue). */
  pending(): Promise<PendingRevisionView[]> {
    return this.revisions.pending(this.db.reader);
  }

  /** A revision with its before/after diff against the plan as it stands (or stood, once approved). */
  async get(id: string): Promise<PlanRevisionView> {
    const m = this.db.reader;
    const revision = await this.revisions.detail(m, id);
    if (!revision) throw new NotFound('plan revision', id);
    const before = await this.snapshots.beforeRevision(m, revision);
    const after = proposalSnapshot(revision.proposal, revision.leadAgencyId);
    return {
      ...toSummaryView(revision),
      projectId: revision.projectId,
      proposal: {
        items: revision.proposal.items.map((i) => ({
          code: i.code,
          titleFa: i.titleFa,
          titleEn: i.titleEn,
          ...(i.ownerAgencyId !== undefined && { ownerAgencyId: i.ownerAgencyId }),
          weight: i.weight,
          plannedStart: i.plannedStart,
          plannedEnd: i.plannedEnd,
          budgetRials: i.budgetRials,
        })),
        links: revision.proposal.links.map((l) => ({ from: l.from, to: l.to })),
      },
      diff: diffPlans(before, after),
    };
  }
}
