import { Injectable } from '@nestjs/common';
import { diffPlans, isEmptyDiff } from '@pelekan/core';
import { type PlanRequest, proposalSnapshot } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput } from '../common/errors';
import { Database } from '../database/database';
import { InboxService } from '../inbox/inbox.service';
import { ProjectsService } from '../projects/projects.service';
import { PlanChecks } from './plan-checks.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import { PlanRevisionsRepository } from './plan-revisions.repository';
import { PlanRevisionsService } from './plan-revisions.service';
import { PlanSnapshots } from './plan-snapshots.service';
import type { PlanRevisionView } from './revision-views.dto';

/** Proposing a plan revision: the lead agency files the whole revised plan with a reason; the committee is told. */
@Injectable()
export class RevisionProposalsService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly projectRows: PlanProjectsRepository,
    private readonly revisions: PlanRevisionsRepository,
    private readonly checks: PlanChecks,
    private readonly snapshots: PlanSnapshots,
    private readonly inbox: InboxService,
    private readonly reader: PlanRevisionsService,
  ) {}

  async propose(actor: Actor, projectId: string, dto: PlanRequest & { reason: string }): Promise<PlanRevisionView> {
    await this.projects.assertLeadAgencyOrAdmin(actor, projectId);
    const proposal: PlanRequest = { items: dto.items, links: dto.links };
    const id = await this.db.transaction(async (tx) => {
      await this.projectRows.lock(tx, [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      await this.checks.assertRevisable(tx, project, proposal);
      const current = await this.snapshots.current(tx, projectId);
      if (isEmptyDiff(diffPlans(current, proposalSnapshot(proposal, project.leadAgencyId)))) {
        throw InvalidInput.field('items', 'the proposal is the same as the current plan');
      }
      const number = await this.revisions.nextNumber(tx, projectId);
      const pending = await this.revisions.pendingNumber(tx, projectId);
      if (pending !== null) {
        throw new Conflict(`revision ${pending} of this project is still awaiting the committee; wait for its decision`, 'revision_pending');
      }
      const revisionId = await this.revisions.insert(tx, { projectId, number, reason: dto.reason, proposal, proposedBy: actor.userId });
      await this.inbox.notify(
        tx,
        { role: 'committee' },
        {
          kind: 'revision_proposed',
          subjectId: revisionId,
          titleFa: `بازنگری ${number} برنامه طرح ${project.code} در انتظار تصمیم کمیته`,
          titleEn: `Revision ${number} of ${project.code}'s plan awaits the committee`,
          bodyFa: dto.reason,
          bodyEn: dto.reason,
        },
      );
      return revisionId;
    });
    return this.reader.get(id);
  }
}
