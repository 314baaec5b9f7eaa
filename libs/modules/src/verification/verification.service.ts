import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActionItem } from '../action-plans/action-item.entity';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { AppConfig } from '../config';
import { IndependencePolicy } from '../independence/independence.policy';
import { DecideDeclarationDto, DeclareProgressDto, RevokeDecisionDto } from './dto';
import { EvidenceFile } from './evidence-file.entity';
import { ProgressDeclaration } from './progress-declaration.entity';
import { VerificationDecision, VerificationOutcome } from './verification-decision.entity';

const OUTCOME: Record<DecideDeclarationDto['decision'], VerificationOutcome> = {
  accept: 'accepted',
  accept_lower: 'accepted_lower',
  reject: 'rejected',
};

const DECLARATION_COLUMNS = `
  d.id, d.item_id AS "itemId", d.percent, d.note, d.declared_by AS "declaredBy", d.declared_at AS "declaredAt",
  d.status, i.code AS "itemCode", i.title_fa AS "itemTitleFa", i.title_en AS "itemTitleEn",
  i.project_id AS "projectId", i.owner_agency_id AS "ownerAgencyId",
  i.verified_percent AS "currentVerifiedPercent",
  (SELECT coalesce(json_agg(json_build_object('id', e.id, 'filename', e.filename, 'contentType', e.content_type,
                   'sizeBytes', e.size_bytes, 'sha256', e.sha256) ORDER BY e.created_at), '[]'::json)
     FROM evidence_files e WHERE e.declaration_id = d.id) AS evidence,
  (SELECT row_to_json(v) FROM (
     SELECT vd.id, vd.outcome, vd.verified_percent AS "verifiedPercent", vd.reason, vd.decided_by AS "decidedBy",
            vd.decided_at AS "decidedAt", vd.revoked_at AS "revokedAt", vd.revoked_by AS "revokedBy",
            vd.revoke_reason AS "revokeReason"
       FROM verification_decisions vd WHERE vd.declaration_id = d.id) v) AS decision`;

@Injectable()
export class VerificationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly independence: IndependencePolicy,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  /** The owner agency claims a percent for its item, citing evidence it uploaded. Supersedes a pending claim. */
  async declare(actor: Actor, itemId: string, dto: DeclareProgressDto) {
    const id = await this.db.transaction(async (tx) => {
      const item = await this.lockItem(tx, itemId);
      if (actor.organizationId !== item.ownerAgencyId) {
        throw new Forbidden('only the agency that owns the item declares its progress', 'not_item_owner');
      }
      if (item.removedAt) {
        throw new Conflict('the item was removed from the action plan by an approved revision', 'item_removed');
      }
      if (dto.evidenceIds.length > this.config.EVIDENCE_MAX_FILES) {
        throw InvalidInput.field('evidenceIds', `at most ${this.config.EVIDENCE_MAX_FILES} evidence files per declaration`);
      }
      const files = await tx
        .getRepository(EvidenceFile)
        .createQueryBuilder('e')
        .setLock('pessimistic_write')
        .where('e.id IN (:...ids)', { ids: dto.evidenceIds })
        .getMany();
      for (const evidenceId of dto.evidenceIds) {
        const file = files.find((f) => f.id === evidenceId);
        if (!file) throw InvalidInput.field('evidenceIds', `evidence file ${evidenceId} does not exist`);
        if (file.organizationId !== actor.organizationId) {
          throw InvalidInput.field('evidenceIds', `evidence file ${evidenceId} was not uploaded by your agency`);
        }
        if (file.declarationId) {
          throw InvalidInput.field('evidenceIds', `evidence file ${evidenceId} already backs another declaration`);
        }
      }
      await tx.query(`UPDATE progress_declarations SET status = 'superseded' WHERE item_id = $1 AND status = 'pending'`, [
        itemId,
      ]);
      const declaration = await tx.save(
        tx.create(ProgressDeclaration, {
          itemId,
          percent: dto.percent,
          note: dto.note,
          declaredBy: actor.userId,
          status: 'pending',
        }),
      );
      await tx.query('UPDATE evidence_files SET declaration_id = $1 WHERE id = ANY($2::uuid[])', [
        declaration.id,
        dto.evidenceIds,
      ]);
      await tx.query('UPDATE action_items SET declared_percent = $1 WHERE id = $2', [dto.percent, itemId]);
      return declaration.id;
    });
    return this.getDeclaration(id);
  }

  /** A committee member rules on a pending declaration. Only accepted percents change verified progress. */
  async decide(actor: Actor, declarationId: string, dto: DecideDeclarationDto) {
    const outcome = OUTCOME[dto.decision];
    const changed = await this.db.transaction(async (tx) => {
      const declaration = await tx
        .getRepository(ProgressDeclaration)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.id = :id', { id: declarationId })
        .getOne();
      if (!declaration) throw new NotFound('declaration', declarationId);
      const item = await this.lockItem(tx, declaration.itemId);
      await this.independence.assertIndependent(actor, { projectId: item.projectId, itemOwnerIds: [item.ownerAgencyId] }, 'verify this item', tx);
      if (declaration.status !== 'pending') {
        throw new Conflict(`the declaration is already ${declaration.status}`, 'declaration_not_pending');
      }
      let verifiedPercent: number | null = null;
      if (outcome === 'accepted') {
        if (dto.verifiedPercent !== undefined && dto.verifiedPercent !== declaration.percent) {
          throw InvalidInput.field('verifiedPercent', 'use accept_lower to verify a percent other than the declared one');
        }
        verifiedPercent = declaration.percent;
      } else if (outcome === 'accepted_lower') {
        if (dto.verifiedPercent! >= declaration.percent) {
          throw InvalidInput.field(
            'verifiedPercent',
            `must be below the declared ${declaration.percent}% for accept_lower`,
          );
        }
        verifiedPercent = dto.verifiedPercent!;
      } else if (dto.verifiedPercent !== undefined) {
        throw InvalidInput.field('verifiedPercent', 'a rejection verifies no percent');
      }
      await tx.save(
        tx.create(VerificationDecision, {
          declarationId,
          itemId: item.id,
          outcome,
          verifiedPercent,
          reason: dto.reason?.trim() || null,
          decidedBy: actor.userId,
        }),
      );
      await tx.query(`UPDATE progress_declarations SET status = 'decided' WHERE id = $1`, [declarationId]);
      if (verifiedPercent === null) return false;
      await tx.query('UPDATE action_items SET verified_percent = $1, last_verified_at = now() WHERE id = $2', [
        verifiedPercent,
        item.id,
      ]);
      return verifiedPercent !== item.verifiedPercent;
    });
    const view = await this.getDeclaration(declarationId);
    if (changed) await this.events.publish('itemVerificationChanged', { itemIds: [view.itemId] });
    return view;
  }

  /**
   * Withdraws an accepted verification (e.g. the evidence proved false). The item falls back to its
   * latest still-standing verified percent; tranches gated on it go back to waiting if not yet released.
   */
  async revoke(actor: Actor, decisionId: string, dto: RevokeDecisionDto) {
    const itemId = await this.db.transaction(async (tx) => {
      const decision = await tx
        .getRepository(VerificationDecision)
        .createQueryBuilder('v')
        .setLock('pessimistic_write')
        .where('v.id = :id', { id: decisionId })
        .getOne();
      if (!decision) throw new NotFound('verification decision', decisionId);
      const item = await this.lockItem(tx, decision.itemId);
      await this.independence.assertIndependent(actor, { projectId: item.projectId, itemOwnerIds: [item.ownerAgencyId] }, 'revoke a verification of this item', tx);
      if (decision.revokedAt) throw new Conflict('the decision is already revoked', 'already_revoked');
      if (decision.outcome === 'rejected') throw new Conflict('a rejection verified nothing to revoke', 'nothing_to_revoke');
      await tx.query(
        'UPDATE verification_decisions SET revoked_at = now(), revoked_by = $1, revoke_reason = $2 WHERE id = $3',
        [actor.userId, dto.reason, decisionId],
      );
      await tx.query(
        `UPDATE action_items SET last_verified_at = now(), verified_percent = coalesce((
           SELECT verified_percent FROM verification_decisions
            WHERE item_id = $1 AND outcome <> 'rejected' AND revoked_at IS NULL
            ORDER BY decided_at DESC LIMIT 1), 0)
          WHERE id = $1`,
        [item.id],
      );
      return item.id;
    });
    await this.events.publish('itemVerificationChanged', { itemIds: [itemId] });
    return this.getDecision(decisionId);
  }

  async getDeclaration(id: string) {
    const rows = await this.db.query(
      `SELECT ${DECLARATION_COLUMNS} FROM progress_declarations d JOIN action_items i ON i.id = d.item_id WHERE d.id = $1`,
      [id],
    );
    if (rows.length === 0) throw new NotFound('declaration', id);
    return rows[0];
  }

  async getDecision(id: string): Promise<VerificationDecision> {
    const decision = await this.db.manager.findOneBy(VerificationDecision, { id });
    if (!decision) throw new NotFound('verification decision', id);
    return decision;
  }

  async declarationsOfItem(itemId: string) {
    if (!(await this.db.manager.existsBy(ActionItem, { id: itemId }))) throw new NotFound('action item', itemId);
    return this.db.query(
      `SELECT ${DECLARATION_COLUMNS} FROM progress_declarations d JOIN action_items i ON i.id = d.item_id
        WHERE d.item_id = $1 ORDER BY d.declared_at DESC`,
      [itemId],
    );
  }

  /**
   * Declarations awaiting verification, oldest first. An agency sees its own; the committee sees all,
   * each marked with whether this member may decide it (independence).
   */
  async pending(actor: Actor, filter: { projectId?: string } = {}) {
    const rows: any[] = await this.db.query(
      `SELECT ${DECLARATION_COLUMNS} FROM progress_declarations d JOIN action_items i ON i.id = d.item_id
        WHERE d.status = 'pending'
          AND ($1::uuid IS NULL OR i.project_id = $1)
          AND ($2::uuid IS NULL OR i.owner_agency_id = $2)
        ORDER BY d.declared_at`,
      [filter.projectId ?? null, actor.role === 'agency' ? actor.organizationId : null],
    );
    if (actor.role !== 'committee') return rows;
    const result = [];
    for (const row of rows) {
      const independent = await this.independence.isIndependent(actor, { projectId: row.projectId, itemOwnerIds: [row.ownerAgencyId] });
      result.push({ ...row, conflictOfInterest: !independent });
    }
    return result;
  }

  private async lockItem(tx: EntityManager, itemId: string): Promise<ActionItem> {
    const item = await tx
      .getRepository(ActionItem)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :id', { id: itemId })
      .getOne();
    if (!item) throw new NotFound('action item', itemId);
    return item;
  }
}
