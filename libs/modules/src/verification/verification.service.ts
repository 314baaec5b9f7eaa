import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  changesVerifiedProgress,
  declarationRefusal,
  evidenceRefusal,
  isVerificationRefusal,
  pageOf,
  revocationRefusal,
  ruleOnDeclaration,
} from '@pelekan/core';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { NotFound } from '../common/errors';
import { refuse, toError } from './refusal';
import { pageRequest } from '../common/paging.dto';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { IndependencePolicy } from '../independence/independence.policy';
import {
  DecideDeclarationDto,
  DeclarationPageView,
  DeclarationView,
  DeclareProgressDto,
  QueueQueryDto,
  RevokeDecisionDto,
  VerificationDecisionView,
} from './dto';
import { DeclarationsRepository } from './declarations.repository';
import { EvidenceRepository } from './evidence.repository';
import { VerificationRepository, VerifiedItemRow } from './verification.repository';
import { VerifiedProgress } from './verified-progress';
import { toDeclarationView, toDecisionView } from './views';

/**
 * Progress declarations and their verification. The rules (who declares, what a ruling verifies,
 * what a revocation falls back to) are libs/core verification; independence is the IndependencePolicy's.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly db: Database,
    private readonly repository: VerificationRepository,
    private readonly declarations: DeclarationsRepository,
    private readonly evidenceFiles: EvidenceRepository,
    private readonly independence: IndependencePolicy,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly progress: VerifiedProgress,
  ) {}

  private get appealWindowMs(): number {
    return durationMs(this.config.APPEAL_WINDOW);
  }

  /** The owner agency claims a percent for its item, citing evidence it uploaded. Supersedes a pending claim. */
  async declare(actor: Actor, itemId: string, dto: DeclareProgressDto): Promise<DeclarationView> {
    const id = await this.db.transaction(async (tx) => {
      const item = await this.lockItem(tx, itemId);
      const subject = { ownerAgencyId: item.ownerAgencyId, removed: item.removedAt !== null };
      refuse(declarationRefusal(actor.organizationId, subject, dto.evidenceIds.length, this.config.EVIDENCE_MAX_FILES));
      const files = await this.evidenceFiles.lockFiles(tx, dto.evidenceIds);
      refuse(evidenceRefusal(actor.organizationId, dto.evidenceIds, files));
      await this.repository.supersedePending(tx, itemId);
      const declarationId = await this.repository.insertDeclaration(tx, {
        itemId,
        percent: dto.percent,
        note: dto.note,
        declaredBy: actor.userId,
      });
      await this.evidenceFiles.attachToDeclaration(tx, declarationId, dto.evidenceIds);
      await this.repository.setDeclaredPercent(tx, itemId, dto.percent);
      return declarationId;
    });
    return this.getDeclaration(id);
  }

  /** A committee member rules on a pending declaration. Only accepted percents change verified progress. */
  async decide(actor: Actor, declarationId: string, dto: DecideDeclarationDto): Promise<DeclarationView> {
    const changed = await this.db.transaction(async (tx) => {
      const itemId = await this.repository.itemOfDeclaration(tx, declarationId);
      if (!itemId) throw new NotFound('declaration', declarationId);
      const item = await this.lockItem(tx, itemId);
      const declaration = await this.repository.lockDeclaration(tx, declarationId);
      if (!declaration) throw new NotFound('declaration', declarationId);
      await this.independence.assertIndependent(actor, { projectId: item.projectId, itemOwnerIds: [item.ownerAgencyId] }, 'verify this item', tx);
      const ruling = ruleOnDeclaration(declaration.status, declaration.percent, dto.decision, dto.verifiedPercent);
      if (isVerificationRefusal(ruling)) throw toError(ruling);
      await this.repository.insertDecision(tx, {
        declarationId,
        itemId: item.id,
        outcome: ruling.outcome,
        verifiedPercent: ruling.verifiedPercent,
        reason: dto.reason?.trim() || null,
        decidedBy: actor.userId,
      });
      await this.repository.markDecided(tx, declarationId);
      if (ruling.verifiedPercent === null) return false;
      await this.repository.setVerifiedPercent(tx, item.id, ruling.verifiedPercent);
      return changesVerifiedProgress(ruling, item.verifiedPercent);
    });
    const view = await this.getDeclaration(declarationId);
    if (changed) await this.events.publish('itemVerificationChanged', { itemIds: [view.itemId] });
    return view;
  }

  /**
   * Withdraws an accepted verification (e.g. the evidence proved false). The item falls back to its
   * latest still-standing verified percent; tranches gated on it go back to waiting if not yet released.
   */
  async revoke(actor: Actor, decisionId: string, dto: RevokeDecisionDto): Promise<VerificationDecisionView> {
    const itemId = await this.db.transaction(async (tx) => {
      const decisionItemId = await this.repository.itemOfDecision(tx, decisionId);
      if (!decisionItemId) throw new NotFound('verification decision', decisionId);
      const item = await this.lockItem(tx, decisionItemId);
      const decision = await this.repository.lockDecision(tx, decisionId);
      if (!decision) throw new NotFound('verification decision', decisionId);
      await this.independence.assertIndependent(
        actor,
        { projectId: item.projectId, itemOwnerIds: [item.ownerAgencyId] },
        'revoke a verification of this item',
        tx,
      );
      refuse(revocationRefusal(decision));
      await this.repository.markRevoked(tx, decisionId, actor.userId, dto.reason);
      await this.progress.restand(tx, [item.id], true);
      return item.id;
    });
    await this.events.publish('itemVerificationChanged', { itemIds: [itemId] });
    return this.getDecision(decisionId);
  }

  async getDeclaration(id: string): Promise<DeclarationView> {
    const found = await this.declarations.declaration(this.db.reader, id);
    if (!found) throw new NotFound('declaration', id);
    return toDeclarationView(found, this.appealWindowMs);
  }

  async getDecision(id: string): Promise<VerificationDecisionView> {
    const decision = await this.repository.decision(this.db.reader, id);
    if (!decision) throw new NotFound('verification decision', id);
    return toDecisionView(decision);
  }

  async declarationsOfItem(itemId: string): Promise<DeclarationView[]> {
    const reader = this.db.reader;
    if (!(await this.repository.itemExists(reader, itemId))) throw new NotFound('action item', itemId);
    return (await this.declarations.ofItem(reader, itemId)).map((d) => toDeclarationView(d, this.appealWindowMs));
  }

  /**
   * Declarations awaiting verification, oldest first, a page at a time. An agency sees its own; the
   * committee sees all, each marked with whether this member may decide it (independence, checked for
   * the whole page at once).
   */
  async pending(actor: Actor, query: QueueQueryDto = {}): Promise<DeclarationPageView> {
    const { limit, after } = pageRequest(query, 'declarations', ['instant', 'uuid']);
    const found = await this.declarations.pending(
      this.db.reader,
      { projectId: query.projectId ?? null, ownerAgencyId: actor.role === 'agency' ? actor.organizationId : null },
      limit + 1,
      after && [String(after[0]), String(after[1])],
    );
    const page = pageOf(found, limit, 'declarations', (d) => [d.cursorAt, d.id]);
    const views = page.items.map((d) => toDeclarationView(d, this.appealWindowMs));
    if (actor.role !== 'committee') return { items: views, next: page.next };
    const independent = await this.independence.independentOfEach(
      actor,
      views.map((v) => ({ projectId: v.projectId, itemOwnerIds: [v.ownerAgencyId] })),
    );
    return { items: views.map((v, n) => ({ ...v, conflictOfInterest: !independent[n] })), next: page.next };
  }

  private async lockItem(tx: EntityManager, itemId: string): Promise<VerifiedItemRow> {
    const item = await this.repository.lockItem(tx, itemId);
    if (!item) throw new NotFound('action item', itemId);
    return item;
  }
}
