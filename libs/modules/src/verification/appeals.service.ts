import { Injectable } from '@nestjs/common';
import { appealEvidenceRefusal, appealRefusal, pageOf, ruleOnAppeal } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { IndependencePolicy } from '../independence/independence.policy';
import { type AppealRow, AppealsRepository } from './appeals.repository';
import { EvidenceRepository } from './evidence.repository';
import { refuse, ruled } from './refusal';
import { AppealPageView, AppealQueryDto, AppealView, DecideAppealDto, FileAppealDto } from './trust.dto';
import { VerificationRepository } from './verification.repository';
import { VerifiedProgress } from './verified-progress';

/**
 * Appeals of a rejection or an accept-at-lower-percent (issue 13). The rules are core appeal.ts; an
 * overturn's percent reaches the item through VerifiedProgress, so gates reopen and installments follow
 * at once. An appeal left undecided past its deadline is escalated by the monthly sweep (stage clocks).
 */
@Injectable()
export class AppealsService {
  constructor(
    private readonly db: Database,
    private readonly repository: AppealsRepository,
    private readonly verification: VerificationRepository,
    private readonly evidenceFiles: EvidenceRepository,
    private readonly independence: IndependencePolicy,
    private readonly progress: VerifiedProgress,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  async file(actor: Actor, decisionId: string, dto: FileAppealDto): Promise<AppealView> {
    const id = await this.db.transaction(async (tx) => {
      const itemId = await this.verification.itemOfDecision(tx, decisionId);
      if (!itemId) throw new NotFound('verification decision', decisionId);
      const item = (await this.verification.lockItem(tx, itemId))!;
      const decision = (await this.verification.lockDecision(tx, decisionId))!;
      const alreadyAppealed = (await this.repository.appealOfDecision(tx, decisionId)) !== null;
      refuse(
        appealRefusal(
          { outcome: decision.outcome, decidedAt: decision.decidedAt, revokedAt: decision.revokedAt, ownerAgencyId: item.ownerAgencyId, alreadyAppealed },
          actor.organizationId,
          new Date(),
          durationMs(this.config.APPEAL_WINDOW),
        ),
      );
      const files = await this.evidenceFiles.lockFiles(tx, dto.evidenceIds);
      refuse(
        appealEvidenceRefusal(
          actor.organizationId,
          dto.evidenceIds,
          files.map((f) => ({ id: f.id, organizationId: f.organizationId, uploadedAt: f.createdAt })),
          decision.decidedAt,
        ),
      );
      return this.repository.insert(
        tx,
        {
          decisionId,
          declarationId: decision.declarationId,
          itemId,
          ownerAgencyId: item.ownerAgencyId,
          reason: dto.reason.trim(),
          filedBy: actor.userId,
          deadlineMs: durationMs(this.config.APPEAL_DEADLINE),
        },
        dto.evidenceIds,
      );
    });
    return this.get(actor, id);
  }

  async decide(actor: Actor, appealId: string, dto: DecideAppealDto): Promise<AppealView> {
    const changed = await this.db.transaction(async (tx) => {
      const itemId = await this.repository.itemOfAppeal(tx, appealId);
      if (!itemId) throw new NotFound('appeal', appealId);
      const item = (await this.verification.lockItem(tx, itemId))!;
      const appeal = (await this.repository.lockAppeal(tx, appealId))!;
      const { verifiedPercent } = ruled(
        ruleOnAppeal(
          {
            status: appeal.status,
            decisionOutcome: appeal.decisionOutcome,
            decidedPercent: appeal.decidedPercent,
            declaredPercent: appeal.declaredPercent,
            originalDeciderId: appeal.decidedBy,
          },
          actor.userId,
          dto.action,
          dto.verifiedPercent,
        ),
      );
      await this.independence.assertIndependent(actor, { projectId: item.projectId, itemOwnerIds: [item.ownerAgencyId] }, 'decide an appeal on this item', tx);
      await this.repository.decide(tx, appealId, {
        status: verifiedPercent === null ? 'upheld' : 'overturned',
        decidedBy: actor.userId,
        reason: dto.reason.trim(),
        verifiedPercent,
      });
      return verifiedPercent === null ? [] : this.progress.restand(tx, [itemId], true);
    });
    if (changed.length > 0) await this.events.publish('itemVerificationChanged', { itemIds: changed });
    return this.get(actor, appealId);
  }

  async get(actor: Actor, appealId: string): Promise<AppealView> {
    const appeal = await this.repository.appeal(this.db.reader, appealId);
    if (!appeal || (actor.role === 'agency' && appeal.ownerAgencyId !== actor.organizationId)) throw new NotFound('appeal', appealId);
    return (await this.marked(actor, [appeal]))[0];
  }

  /** Appeals oldest first: an agency sees its own; a committee member sees each marked with whether they may decide it. */
  async list(actor: Actor, query: AppealQueryDto): Promise<AppealPageView> {
    const { limit, after } = pageRequest(query, 'appeals', ['instant', 'uuid']);
    const found = await this.repository.page(
      this.db.reader,
      { ownerAgencyId: actor.role === 'agency' ? actor.organizationId : null, status: query.status ?? null },
      limit + 1,
      after && [String(after[0]), String(after[1])],
    );
    const page = pageOf(found, limit, 'appeals', (a) => [a.cursorAt, a.id]);
    return { items: await this.marked(actor, page.items.map(({ cursorAt: _, ...a }) => a)), next: page.next };
  }

  private async marked(actor: Actor, appeals: AppealRow[]): Promise<AppealView[]> {
    if (actor.role !== 'committee') return appeals;
    const independent = await this.independence.independentOfEach(
      actor,
      appeals.map((a) => ({ projectId: a.projectId, itemOwnerIds: [a.ownerAgencyId] })),
    );
    return appeals.map((a, n) => ({ ...a, mayDecide: a.status === 'pending' && independent[n] && a.decidedBy !== actor.userId }));
  }
}
