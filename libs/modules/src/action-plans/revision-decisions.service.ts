import { Injectable } from '@nestjs/common';
import { nextBaselineNumber, planItemRows, type PlanRequest, proposalSnapshot, revisionOwners } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { Conflict, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { EscalationsService } from '../escalations/escalations.service';
import { InboxService } from '../inbox/inbox.service';
import { IndependencePolicy } from '../independence/independence.policy';
import { ProjectsService } from '../projects/projects.service';
import { TrancheGates } from '../tranches/tranche-gates';
import { ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';
import { PlanBaselinesRepository } from './plan-baselines.repository';
import { PlanChecks } from './plan-checks.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import { PlanRevisionsRepository } from './plan-revisions.repository';
import { PlanRevisionsService } from './plan-revisions.service';
import { PlanSnapshots } from './plan-snapshots.service';
import type { PlanRevisionView } from './revision-views.dto';

/**
 * The committee's decision on a plan revision. An approved revision becomes the next numbered
 * baseline (earlier ones stay readable); released tranches and their ledger entries never change;
 * pending tranches are re-gated on the new plan.
 */
@Injectable()
export class RevisionDecisionsService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly projectRows: PlanProjectsRepository,
    private readonly revisions: PlanRevisionsRepository,
    private readonly baselines: PlanBaselinesRepository,
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
    private readonly checks: PlanChecks,
    private readonly snapshots: PlanSnapshots,
    private readonly independence: IndependencePolicy,
    private readonly gates: TrancheGates,
    private readonly escalations: EscalationsService,
    private readonly inbox: InboxService,
    private readonly reader: PlanRevisionsService,
  ) {}

  async decide(actor: Actor, id: string, dto: { action: 'approve' | 'reject'; reason: string }): Promise<PlanRevisionView> {
    const wake = await this.db.transaction(async (tx) => {
      // Lock order: the project first, then the revision (its project never changes).
      const projectId = await this.revisions.projectOf(tx, id);
      if (!projectId) throw new NotFound('plan revision', id);
      await this.projectRows.lock(tx, [projectId]);
      const revision = await this.revisions.lockForDecision(tx, id);
      if (!revision) throw new NotFound('plan revision', id);
      const project = await this.projects.requireProject(projectId, tx);
      // Independent of the project's agencies and of every organization owning an item the revision
      // adds, changes or retires, as owner before or after: nobody approves the retirement of their own work.
      const before = await this.snapshots.current(tx, projectId);
      const owners = revisionOwners(before, proposalSnapshot(revision.proposal, project.leadAgencyId));
      await this.independence.assertIndependent(actor, { projectId, itemOwnerIds: owners }, 'decide this plan revision', tx);
      if (revision.status !== 'pending') throw new Conflict(`the revision is already ${revision.status}`, 'revision_decided');

      let baselineNumber: number | null = null;
      let toWake: Awaited<ReturnType<TrancheGates['regate']>> = [];
      if (dto.action === 'approve') {
        await this.checks.assertRevisable(tx, project, revision.proposal);
        const last = await this.baselines.lastNumber(tx, projectId);
        if (last === 0) {
          // The plan as first filed becomes baseline 1, so it stays readable after the change.
          await this.baselines.insert(tx, { projectId, number: 1, plan: before });
        }
        await this.apply(tx, projectId, project.leadAgencyId, revision.proposal);
        baselineNumber = nextBaselineNumber(last);
        await this.baselines.insert(tx, {
          projectId,
          number: baselineNumber,
          revisionId: id,
          approvedBy: actor.userId,
          plan: await this.snapshots.current(tx, projectId),
        });
        toWake = await this.gates.regate(tx, [projectId], {
          kind: 'plan_revision',
          actorId: actor.userId,
          causeId: id,
          reason: `plan revision ${revision.number} approved: ${dto.reason}`,
        });
        await this.escalations.resolveAwaitingRevision(tx, projectId, actor.userId);
      }
      const status = dto.action === 'approve' ? 'approved' : 'rejected';
      await this.revisions.recordDecision(tx, id, { status, decidedBy: actor.userId, reason: dto.reason, baselineNumber });
      if (project.leadAgencyId) {
        await this.inbox.notify(
          tx,
          { organizationId: project.leadAgencyId, role: 'agency' },
          {
            kind: `revision_${status}`,
            subjectId: id,
            titleFa: `بازنگری ${revision.number} طرح ${project.code} ${dto.action === 'approve' ? 'تصویب شد' : 'رد شد'}`,
            titleEn: `Revision ${revision.number} of ${project.code} ${status}`,
            bodyFa: dto.reason,
            bodyEn: dto.reason,
          },
        );
      }
      return toWake;
    });
    await this.gates.nudge(wake);
    return this.reader.get(id);
  }

  /** Writes the revised plan: items matched by code are updated, new ones added, missing ones retired. */
  private async apply(tx: EntityManager, projectId: string, leadAgencyId: string | null, plan: PlanRequest): Promise<void> {
    const existing = await this.items.lockLiveOf(tx, projectId);
    const idOf = new Map(existing.map((e) => [e.code, e.id]));
    const keep = new Set(plan.items.map((i) => i.code));
    const retired = existing.filter((e) => !keep.has(e.code)).map((e) => e.id);
    await this.items.retire(tx, retired);
    await this.links.deleteTouching(tx, retired);

    const rows = planItemRows(plan, leadAgencyId);
    await this.items.updateMany(
      tx,
      rows.flatMap((item) => (idOf.has(item.code) ? [{ id: idOf.get(item.code)!, item }] : [])),
    );
    const added = await this.items.insert(tx, projectId, rows.filter((r) => !idOf.has(r.code)));
    const ids = new Map([...idOf, ...added]);
    await this.links.deleteWithin(tx, projectId);
    await this.links.insert(tx, plan.links.map((l) => ({ fromItemId: ids.get(l.from)!, toItemId: ids.get(l.to)! })));
  }
}
