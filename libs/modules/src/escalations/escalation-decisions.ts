import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { dueExtensionRefusal, shiftByPeriods } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { InboxService } from '../inbox/inbox.service';
import { IndependencePolicy } from '../independence/independence.policy';
import { CommitteeHolds } from '../tranches/committee-holds';
import { CaseDecisionDto, CaseDetailView } from './dto';
import { EscalationSweepRepository } from './escalation-sweep.repository';
import { type CaseForDecision, EscalationsRepository } from './escalations.repository';
import { EscalationsService } from './escalations.service';
import { escalationPeriod } from './period';

/**
 * The committee decides a case, and the decision takes effect at once: an extension moves the due
 * date and resolves the case; a required revision waits for the agency's revision; a hold stops
 * approval of the project's pending tranches until lifted; an accepted justification resolves it.
 *
 * One transaction, passed down to every call (independence, holds, inbox): a decision never waits
 * for a second pooled connection while holding one, so any number of concurrent decisions cannot
 * starve the pool. Locks follow the documented order: the item, the project's open tranches (a hold),
 * then the case. Before any of them, a decision waits for a running sweep to commit: a case's level is
 * derived from the latest sweep, and a decision records it (and a resolution or a required revision
 * fixes it), so it must not be taken while a sweep is judging the case anew.
 */
@Injectable()
export class EscalationDecisions {
  constructor(
    private readonly db: Database,
    private readonly cases: EscalationsRepository,
    private readonly sweeps: EscalationSweepRepository,
    private readonly escalations: EscalationsService,
    private readonly config: AppConfig,
    private readonly inbox: InboxService,
    private readonly holds: CommitteeHolds,
    private readonly independence: IndependencePolicy,
  ) {}

  async decide(actor: Actor, id: string, dto: CaseDecisionDto): Promise<CaseDetailView> {
    await this.db.transaction(async (tx) => {
      await this.sweeps.awaitRunningSweep(tx);
      const seen = await this.cases.findForDecision(tx, id);
      if (!seen) throw new NotFound('escalation case', id);
      if (seen.status === 'resolved') throw new Conflict('the case is already resolved', 'case_resolved');
      await this.independence.assertIndependent(
        actor,
        { projectId: seen.projectId, itemOwnerIds: [seen.ownerAgencyId] },
        'decide this escalation',
        tx,
      );
      const { kase, detail } = await this.apply(tx, actor, seen, dto);
      await this.cases.addEvent(tx, {
        caseId: id,
        kind: 'decided',
        level: kase.level,
        actorId: actor.userId,
        reason: dto.reason,
        detail: { decision: dto.action, ...detail },
      });
    });
    return this.escalations.get(actor, id);
  }

  /** Takes the decision's effect; answers the case as locked, and what the decision changed. */
  private async apply(
    tx: EntityManager,
    actor: Actor,
    seen: CaseForDecision,
    dto: CaseDecisionDto,
  ): Promise<{ kase: CaseForDecision; detail: Record<string, unknown> }> {
    const now = new Date();
    const quietUntil = shiftByPeriods(now, escalationPeriod(this.config), 1);
    switch (dto.action) {
      case 'extend_due_date': {
        const due = await this.cases.lockItemDue(tx, seen.itemId);
        const newDue = new Date(dto.newDueAt!);
        const refusal = dueExtensionRefusal(newDue, due, now);
        if (refusal) throw InvalidInput.field('newDueAt', refusal);
        const kase = await this.lockLiveCase(tx, seen.id);
        await this.cases.setItemDue(tx, seen.itemId, newDue, quietUntil);
        await this.resolve(tx, kase, 'extended');
        return { kase, detail: { previousDueAt: due, newDueAt: newDue.toISOString() } };
      }
      case 'accept_justification': {
        await this.cases.lockItemDue(tx, seen.itemId);
        const kase = await this.lockLiveCase(tx, seen.id);
        await this.cases.setItemQuietUntil(tx, seen.itemId, quietUntil);
        await this.resolve(tx, kase, 'justified');
        return { kase, detail: {} };
      }
      case 'require_revision': {
        const kase = await this.lockLiveCase(tx, seen.id);
        if (kase.status !== 'open') throw new Conflict('a revision is already required for this case', 'revision_already_required');
        await this.cases.markAwaitingRevision(tx, seen.id, kase.level);
        await this.inbox.notify(
          tx,
          { organizationId: kase.leadAgencyId ?? kase.ownerAgencyId, role: 'agency' },
          {
            kind: 'revision_required',
            caseId: seen.id,
            subjectId: kase.projectId,
            titleFa: `بازنگری برنامه طرح ${kase.projectCode} لازم است`,
            titleEn: `A plan revision of ${kase.projectCode} is required`,
            bodyFa: `کمیته پایش برای بند ${kase.itemCode} بازنگری برنامه اقدام را خواسته است: ${dto.reason}`,
            bodyEn: `The monitoring committee requires a revision of the action plan for item ${kase.itemCode}: ${dto.reason}`,
          },
        );
        return { kase, detail: {} };
      }
      case 'hold_tranches': {
        // The hold locks the project's open tranches, before the case (lock order).
        const holdId = await this.holds.place(tx, { projectId: seen.projectId, caseId: seen.id, reason: dto.reason, actorId: actor.userId });
        const kase = await this.lockLiveCase(tx, seen.id);
        await this.inbox.notify(
          tx,
          { role: 'pbo' },
          {
            kind: 'tranches_held',
            caseId: seen.id,
            subjectId: seen.projectId,
            titleFa: `توقف پرداخت قسط‌های طرح ${seen.projectCode}`,
            titleEn: `Tranches of ${seen.projectCode} held by the committee`,
            bodyFa: `تا رفع توقف، هیچ قسطی از این طرح تأیید نمی‌شود. دلیل: ${dto.reason}`,
            bodyEn: `No tranche of this project can be approved until the hold is lifted. Reason: ${dto.reason}`,
          },
        );
        return { kase, detail: { holdId } };
      }
    }
  }

  /** The case, locked and re-read: a concurrent decision or sweep may have resolved it meanwhile. */
  private async lockLiveCase(tx: EntityManager, id: string): Promise<CaseForDecision> {
    const kase = await this.cases.lock(tx, id);
    if (!kase) throw new NotFound('escalation case', id);
    if (kase.status === 'resolved') throw new Conflict('the case is already resolved', 'case_resolved');
    return kase;
  }

  private async resolve(tx: EntityManager, kase: CaseForDecision, resolution: 'extended' | 'justified'): Promise<void> {
    await this.cases.resolve(tx, kase.id, resolution, kase.level);
    await this.cases.addEvent(tx, { caseId: kase.id, kind: 'resolved', level: kase.level, actorId: null, reason: resolution });
  }
}
