import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FieldCheckOutcome } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { FieldCheckDueView, FieldCheckView } from './trust.dto';

/** A declaration's draw with what the field check needs to judge it. */
export interface DrawnDeclarationRow {
  sampleId: string;
  declarationId: string;
  decisionId: string;
  itemId: string;
  projectId: string;
  ownerAgencyId: string;
  acceptedBy: string;
  acceptorOrganizationId: string | null;
  selected: boolean;
  /** The accepted percent, after an overturned appeal if any. */
  acceptedPercent: number;
  checked: boolean;
}

export interface NewFieldCheck {
  draw: DrawnDeclarationRow;
  outcome: FieldCheckOutcome;
  verifiedPercent: number;
  reason: string;
  checkedBy: string;
}

export type FieldCheckRow = FieldCheckView;

/** A field check waiting, with the acceptor's organization (the service decides who may make it). */
export type DueFieldCheckRow = Omit<FieldCheckDueView, 'mayCheck' | 'whyNot'> & { acceptorOrganizationId: string | null };

export interface DiscrepancyCountRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  organizationId: string;
  organizationCode: string;
  checks: number;
  discrepancies: number;
}

const ACCEPTED_PERCENT = `coalesce(CASE WHEN a.status = 'overturned' THEN a.verified_percent END, vd.verified_percent)`;

/** Field checks of sampled declarations, and the discrepancy record they build. */
@Injectable()
export class FieldChecksRepository {
  /** The item of a drawn declaration (to lock it before reading the draw), or null when no sample drew it. */
  async drawnItemOf(m: EntityManager, declarationId: string): Promise<string | null> {
    return (await row<{ itemId: string }>(m, 'SELECT item_id AS "itemId" FROM sample_draws WHERE declaration_id = $1', [declarationId]))?.itemId ?? null;
  }

  /** The declaration's draw (unlocked: lock the item first), or null if no sample drew it. */
  drawOf(m: EntityManager, declarationId: string): Promise<DrawnDeclarationRow | null> {
    return row<DrawnDeclarationRow>(
      m,
      `SELECT d.sample_id AS "sampleId", d.declaration_id AS "declarationId", d.decision_id AS "decisionId", d.item_id AS "itemId",
              i.project_id AS "projectId", d.owner_agency_id AS "ownerAgencyId", d.accepted_by AS "acceptedBy",
              u.organization_id AS "acceptorOrganizationId", d.selected, ${ACCEPTED_PERCENT} AS "acceptedPercent",
              EXISTS (SELECT 1 FROM field_checks f WHERE f.declaration_id = d.declaration_id) AS checked
         FROM sample_draws d
         JOIN action_items i ON i.id = d.item_id
         JOIN users u ON u.id = d.accepted_by
         JOIN verification_decisions vd ON vd.id = d.decision_id
         LEFT JOIN verification_appeals a ON a.decision_id = d.decision_id
        WHERE d.declaration_id = $1`,
      [declarationId],
    );
  }

  async declarationExists(m: EntityManager, declarationId: string): Promise<boolean> {
    return (await row(m, 'SELECT 1 FROM progress_declarations WHERE id = $1', [declarationId])) !== null;
  }

  async insert(tx: EntityManager, check: NewFieldCheck, evidenceIds: readonly string[]): Promise<string> {
    const { draw } = check;
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO field_checks (sample_id, declaration_id, decision_id, item_id, owner_agency_id, accepted_by, outcome, verified_percent, reason, checked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [draw.sampleId, draw.declarationId, draw.decisionId, draw.itemId, draw.ownerAgencyId, draw.acceptedBy, check.outcome, check.verifiedPercent, check.reason, check.checkedBy],
    );
    if (evidenceIds.length > 0) {
      await tx.query('INSERT INTO field_check_evidence (field_check_id, evidence_id) SELECT $1, unnest($2::uuid[])', [inserted!.id, evidenceIds]);
    }
    return inserted!.id;
  }

  /** Files already cited by a field check (a file backs one check). */
  async citedFiles(tx: EntityManager, evidenceIds: readonly string[]): Promise<string[]> {
    return (await rows<{ id: string }>(tx, 'SELECT evidence_id AS id FROM field_check_evidence WHERE evidence_id = ANY($1::uuid[])', [evidenceIds])).map((r) => r.id);
  }

  fieldCheck(m: EntityManager, id: string): Promise<FieldCheckRow | null> {
    return row<FieldCheckRow>(
      m,
      `SELECT f.id, f.sample_id AS "sampleId", f.declaration_id AS "declarationId", f.item_id AS "itemId", f.outcome,
              f.verified_percent AS "verifiedPercent", f.reason, f.checked_by AS "checkedBy", f.checked_at AS "checkedAt",
              i.verified_percent AS "itemVerifiedPercent",
              ARRAY(SELECT e.evidence_id::text FROM field_check_evidence e WHERE e.field_check_id = f.id ORDER BY e.evidence_id) AS "evidenceIds"
         FROM field_checks f JOIN action_items i ON i.id = f.item_id WHERE f.id = $1`,
      [id],
    );
  }

  /** Selected declarations not yet checked, oldest sample first (at most `limit`). */
  due(m: EntityManager, limit: number): Promise<DueFieldCheckRow[]> {
    return rows<DueFieldCheckRow>(
      m,
      `SELECT d.declaration_id AS "declarationId", d.sample_id AS "sampleId", d.item_id AS "itemId", i.code AS "itemCode",
              i.title_fa AS "itemTitleFa", i.title_en AS "itemTitleEn", i.project_id AS "projectId", p.code AS "projectCode",
              d.owner_agency_id AS "ownerAgencyId", ${ACCEPTED_PERCENT} AS "acceptedPercent", d.accepted_by AS "acceptedBy",
              u.display_name AS "acceptedByName", u.organization_id AS "acceptorOrganizationId", vd.decided_at AS "acceptedAt", s.opened_at AS "sampledAt"
         FROM sample_draws d
         JOIN verification_samples s ON s.id = d.sample_id
         JOIN action_items i ON i.id = d.item_id
         JOIN projects p ON p.id = i.project_id
         JOIN users u ON u.id = d.accepted_by
         JOIN verification_decisions vd ON vd.id = d.decision_id
         LEFT JOIN verification_appeals a ON a.decision_id = d.decision_id
        WHERE d.selected AND vd.revoked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM field_checks f WHERE f.declaration_id = d.declaration_id)
        ORDER BY s.opened_at, d.declaration_id
        LIMIT $1`,
      [limit],
    );
  }

  /** Field checks since `since` per agency checked: how many, and how many found a discrepancy. */
  byAgency(m: EntityManager, since: Date): Promise<DiscrepancyCountRow[]> {
    return rows<DiscrepancyCountRow>(
      m,
      `SELECT o.id, o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn", o.id AS "organizationId", o.code AS "organizationCode",
              count(*)::int AS checks, count(*) FILTER (WHERE f.outcome = 'discrepancy')::int AS discrepancies
         FROM field_checks f JOIN organizations o ON o.id = f.owner_agency_id
        WHERE f.checked_at > $1 GROUP BY o.id ORDER BY o.code`,
      [since],
    );
  }

  /** The same per member who accepted the checked declarations. */
  byAcceptor(m: EntityManager, since: Date): Promise<DiscrepancyCountRow[]> {
    return rows<DiscrepancyCountRow>(
      m,
      `SELECT u.id, u.username AS code, u.display_name AS "nameFa", u.display_name AS "nameEn", o.id AS "organizationId",
              o.code AS "organizationCode", count(*)::int AS checks, count(*) FILTER (WHERE f.outcome = 'discrepancy')::int AS discrepancies
         FROM field_checks f JOIN users u ON u.id = f.accepted_by LEFT JOIN organizations o ON o.id = u.organization_id
        WHERE f.checked_at > $1 GROUP BY u.id, o.id ORDER BY u.display_name, u.id`,
      [since],
    );
  }
}
