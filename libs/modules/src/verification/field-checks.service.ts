import { Injectable } from '@nestjs/common';
import { discrepancyRate, discrepancyRecordSince, evidenceRefusal, ruleOnFieldCheck } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { IndependencePolicy } from '../independence/independence.policy';
import { EvidenceRepository } from './evidence.repository';
import { FieldChecksRepository } from './field-checks.repository';
import { refuse, ruled } from './refusal';
import { DiscrepancyRatesView, FieldCheckDto, FieldCheckDueListView, FieldCheckView } from './trust.dto';
import { VerificationRepository } from './verification.repository';
import { VerifiedProgress } from './verified-progress';

/**
 * Field checks of the declarations a sample selected (issue 13): by a member of another organization
 * than the acceptor's, independent of the item. The rules are core field-check.ts; the item's percent
 * is re-derived by VerifiedProgress, so a confirmation releases the hold and a discrepancy lowers it.
 */
@Injectable()
export class FieldChecksService {
  constructor(
    private readonly db: Database,
    private readonly repository: FieldChecksRepository,
    private readonly verification: VerificationRepository,
    private readonly evidenceFiles: EvidenceRepository,
    private readonly independence: IndependencePolicy,
    private readonly progress: VerifiedProgress,
    private readonly events: DomainEvents,
  ) {}

  async check(actor: Actor, declarationId: string, dto: FieldCheckDto): Promise<FieldCheckView> {
    const { id, changed } = await this.db.transaction(async (tx) => {
      const itemId = await this.repository.drawnItemOf(tx, declarationId);
      if (itemId === null && !(await this.repository.declarationExists(tx, declarationId))) throw new NotFound('declaration', declarationId);
      if (itemId !== null) await this.verification.lockItem(tx, itemId);
      // Read under the item's lock: a concurrent check or appeal of the same item has finished.
      const draw = itemId === null ? null : await this.repository.drawOf(tx, declarationId);
      const { verifiedPercent } = ruled(
        ruleOnFieldCheck(
          draw && { selected: draw.selected, alreadyChecked: draw.checked, acceptedPercent: draw.acceptedPercent, acceptorOrganizationId: draw.acceptorOrganizationId },
          actor.organizationId,
          dto.outcome,
          dto.verifiedPercent,
        ),
      );
      await this.independence.assertIndependent(actor, { projectId: draw!.projectId, itemOwnerIds: [draw!.ownerAgencyId] }, 'field-check this item', tx);
      const files = await this.evidenceFiles.lockFiles(tx, dto.evidenceIds);
      refuse(evidenceRefusal(actor.organizationId, dto.evidenceIds, files));
      const cited = await this.repository.citedFiles(tx, dto.evidenceIds);
      if (cited.length > 0) throw InvalidInput.field('evidenceIds', `evidence file ${cited[0]} already backs another field check`);
      const checkId = await this.repository.insert(
        tx,
        { draw: draw!, outcome: dto.outcome, verifiedPercent, reason: dto.reason.trim(), checkedBy: actor.userId },
        dto.evidenceIds,
      );
      return { id: checkId, changed: await this.progress.restand(tx, [draw!.itemId], true) };
    });
    if (changed.length > 0) await this.events.publish('itemVerificationChanged', { itemIds: changed });
    const check = await this.repository.fieldCheck(this.db.reader, id);
    return check!;
  }

  /** What waits for a field check, each marked with whether this member may make it. */
  async due(actor: Actor): Promise<FieldCheckDueListView> {
    const due = await this.repository.due(this.db.reader, 500);
    const independent = await this.independence.independentOfEach(
      actor,
      due.map((d) => ({ projectId: d.projectId, itemOwnerIds: [d.ownerAgencyId] })),
    );
    return {
      items: due.map(({ acceptorOrganizationId, ...d }, n) => {
        const whyNot = actor.organizationId === null || actor.organizationId === acceptorOrganizationId ? 'same_organization' : independent[n] ? null : 'conflict_of_interest';
        return { ...d, mayCheck: whyNot === null, whyNot };
      }),
    };
  }

  /** Discrepancies per field check over the last twelve months, per agency and per member who accepted. */
  async rates(): Promise<DiscrepancyRatesView> {
    const since = discrepancyRecordSince(new Date());
    const reader = this.db.reader;
    const [agencies, members] = await Promise.all([this.repository.byAgency(reader, since), this.repository.byAcceptor(reader, since)]);
    return {
      since,
      byAgency: agencies.map((a) => ({
        organizationId: a.id,
        code: a.code,
        nameFa: a.nameFa,
        nameEn: a.nameEn,
        checks: a.checks,
        discrepancies: a.discrepancies,
        rate: discrepancyRate(a),
      })),
      byMember: members.map((m) => ({
        userId: m.id,
        displayName: m.nameEn,
        organizationId: m.organizationId,
        organizationCode: m.organizationCode,
        checks: m.checks,
        discrepancies: m.discrepancies,
        rate: discrepancyRate(m),
      })),
    };
  }
}
