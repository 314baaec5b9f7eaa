import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DeclarationStatus, PastRuling, VerificationOutcome } from '@pelekan/core';
import { row, rows } from '../database/database';

/** An action item as verification needs it, locked for the caller's transaction. */
export interface VerifiedItemRow {
  id: string;
  projectId: string;
  ownerAgencyId: string;
  removedAt: Date | null;
  verifiedPercent: number;
}

export interface DeclarationStateRow {
  id: string;
  itemId: string;
  percent: number;
  status: DeclarationStatus;
}

/** A verification decision as stored. */
export interface DecisionRow {
  id: string;
  declarationId: string;
  itemId: string;
  outcome: VerificationOutcome;
  verifiedPercent: number | null;
  reason: string | null;
  decidedBy: string;
  decidedAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

export interface NewDeclaration {
  itemId: string;
  percent: number;
  note: string;
  declaredBy: string;
}

export interface NewDecision {
  declarationId: string;
  itemId: string;
  outcome: VerificationOutcome;
  verifiedPercent: number | null;
  reason: string | null;
  decidedBy: string;
}

const DECISION_COLUMNS = `id, declaration_id AS "declarationId", item_id AS "itemId", outcome, verified_percent AS "verifiedPercent",
  reason, decided_by AS "decidedBy", decided_at AS "decidedAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy",
  revoke_reason AS "revokeReason"`;

/**
 * The writes of verification (declarations, decisions, the item's declared and verified percent) and
 * the locks they take. Lock order: action_items before progress_declarations (database.ts).
 */
@Injectable()
export class VerificationRepository {
  lockItem(tx: EntityManager, itemId: string): Promise<VerifiedItemRow | null> {
    return row<VerifiedItemRow>(
      tx,
      `SELECT id, project_id AS "projectId", owner_agency_id AS "ownerAgencyId", removed_at AS "removedAt",
              verified_percent AS "verifiedPercent"
         FROM action_items WHERE id = $1 FOR UPDATE`,
      [itemId],
    );
  }

  async itemExists(m: EntityManager, itemId: string): Promise<boolean> {
    return (await row<{ id: string }>(m, 'SELECT id FROM action_items WHERE id = $1', [itemId])) !== null;
  }

  /** The item a declaration is about (unlocked: lock the item first, then the declaration). */
  async itemOfDeclaration(m: EntityManager, declarationId: string): Promise<string | null> {
    return (await row<{ itemId: string }>(m, 'SELECT item_id AS "itemId" FROM progress_declarations WHERE id = $1', [declarationId]))
      ?.itemId ?? null;
  }

  lockDeclaration(tx: EntityManager, declarationId: string): Promise<DeclarationStateRow | null> {
    return row<DeclarationStateRow>(
      tx,
      'SELECT id, item_id AS "itemId", percent, status FROM progress_declarations WHERE id = $1 FOR UPDATE',
      [declarationId],
    );
  }

  /** Marks the item's pending declaration (if any) superseded by a newer one. */
  async supersedePending(tx: EntityManager, itemId: string): Promise<void> {
    await tx.query(`UPDATE progress_declarations SET status = 'superseded' WHERE item_id = $1 AND status = 'pending'`, [itemId]);
  }

  async insertDeclaration(tx: EntityManager, declaration: NewDeclaration): Promise<string> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO progress_declarations (item_id, percent, note, declared_by, status) VALUES ($1, $2, $3, $4, 'pending') RETURNING id`,
      [declaration.itemId, declaration.percent, declaration.note, declaration.declaredBy],
    );
    return inserted!.id;
  }

  async markDecided(tx: EntityManager, declarationId: string): Promise<void> {
    await tx.query(`UPDATE progress_declarations SET status = 'decided' WHERE id = $1`, [declarationId]);
  }

  async setDeclaredPercent(tx: EntityManager, itemId: string, percent: number): Promise<void> {
    await tx.query('UPDATE action_items SET declared_percent = $1 WHERE id = $2', [percent, itemId]);
  }

  /** Sets the verified percent and stamps the verification time (also when the percent stays). */
  async setVerifiedPercent(tx: EntityManager, itemId: string, percent: number): Promise<void> {
    await tx.query('UPDATE action_items SET verified_percent = $1, last_verified_at = now() WHERE id = $2', [percent, itemId]);
  }

  async insertDecision(tx: EntityManager, decision: NewDecision): Promise<string> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO verification_decisions (declaration_id, item_id, outcome, verified_percent, reason, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [decision.declarationId, decision.itemId, decision.outcome, decision.verifiedPercent, decision.reason, decision.decidedBy],
    );
    return inserted!.id;
  }

  /** The item a decision is about (unlocked: lock the item first, then the decision). */
  async itemOfDecision(m: EntityManager, decisionId: string): Promise<string | null> {
    return (await row<{ itemId: string }>(m, 'SELECT item_id AS "itemId" FROM verification_decisions WHERE id = $1', [decisionId]))
      ?.itemId ?? null;
  }

  lockDecision(tx: EntityManager, decisionId: string): Promise<DecisionRow | null> {
    return row<DecisionRow>(tx, `SELECT ${DECISION_COLUMNS} FROM verification_decisions WHERE id = $1 FOR UPDATE`, [decisionId]);
  }

  decision(m: EntityManager, decisionId: string): Promise<DecisionRow | null> {
    return row<DecisionRow>(m, `SELECT ${DECISION_COLUMNS} FROM verification_decisions WHERE id = $1`, [decisionId]);
  }

  /**
   * Every ruling on these items with what happened to it since (core PastRuling): revoked, drawn by a
   * sample and awaiting its field check, corrected in the field, overturned on appeal.
   */
  rulingsOfItems(tx: EntityManager, itemIds: readonly string[]): Promise<Array<PastRuling & { itemId: string }>> {
    return rows(
      tx,
      `SELECT d.item_id AS "itemId", d.outcome, d.verified_percent AS "verifiedPercent", d.decided_at AS "decidedAt",
              d.revoked_at AS "revokedAt", (s.declaration_id IS NOT NULL AND f.id IS NULL) AS "awaitingFieldCheck",
              CASE WHEN f.outcome = 'discrepancy' THEN f.verified_percent END AS "fieldPercent",
              CASE WHEN a.status = 'overturned' THEN a.verified_percent END AS "appealPercent"
         FROM verification_decisions d
         LEFT JOIN sample_draws s ON s.declaration_id = d.declaration_id AND s.selected
         LEFT JOIN field_checks f ON f.declaration_id = d.declaration_id
         LEFT JOIN verification_appeals a ON a.decision_id = d.id
        WHERE d.item_id = ANY($1::uuid[])`,
      [itemIds],
    );
  }

  /** Items locked in id order (the lock order), with their verified percent. */
  lockItems(tx: EntityManager, itemIds: readonly string[]): Promise<VerifiedItemRow[]> {
    return rows<VerifiedItemRow>(
      tx,
      `SELECT id, project_id AS "projectId", owner_agency_id AS "ownerAgencyId", removed_at AS "removedAt",
              verified_percent AS "verifiedPercent"
         FROM action_items WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [itemIds],
    );
  }

  /** Sets verified percents without stamping a verification (a sample holding acceptances is not one). */
  async setStandingPercents(tx: EntityManager, changes: ReadonlyArray<{ itemId: string; percent: number }>): Promise<void> {
    if (changes.length === 0) return;
    await tx.query(
      `UPDATE action_items i SET verified_percent = c.percent
         FROM unnest($1::uuid[], $2::smallint[]) AS c(id, percent) WHERE i.id = c.id`,
      [changes.map((c) => c.itemId), changes.map((c) => c.percent)],
    );
  }

  async markRevoked(tx: EntityManager, decisionId: string, revokedBy: string, reason: string): Promise<void> {
    await tx.query('UPDATE verification_decisions SET revoked_at = now(), revoked_by = $1, revoke_reason = $2 WHERE id = $3', [
      revokedBy,
      reason,
      decisionId,
    ]);
  }
}
