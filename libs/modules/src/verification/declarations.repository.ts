import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppealStatus, DeclarationStatus } from '@pelekan/core';
import { rows } from '../database/database';
import type { DecisionRow } from './verification.repository';

export interface EvidenceSummaryRow {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** A declaration's ruling, as it is shown beside the declaration, with its appeal if one was filed. */
export type DeclarationDecisionRow = Omit<DecisionRow, 'declarationId' | 'itemId'> & { appeal: { id: string; status: AppealStatus } | null };

/** A declaration with its item, evidence and ruling, as the API shows it. */
export interface DeclarationRow {
  id: string;
  itemId: string;
  percent: number;
  note: string;
  declaredBy: string;
  declaredAt: Date;
  status: DeclarationStatus;
  itemCode: string;
  itemTitleFa: string;
  itemTitleEn: string;
  projectId: string;
  ownerAgencyId: string;
  currentVerifiedPercent: number;
  evidence: EvidenceSummaryRow[];
  decision: DeclarationDecisionRow | null;
}

/** The decision as PostgreSQL's json_build_object writes it: timestamps as text. */
type DecisionJson = Omit<DeclarationDecisionRow, 'decidedAt' | 'revokedAt'> & { decidedAt: string; revokedAt: string | null };
type DeclarationJsonRow = Omit<DeclarationRow, 'decision'> & { decision: DecisionJson | null };

const DECLARATION_COLUMNS = `
  d.id, d.item_id AS "itemId", d.percent, d.note, d.declared_by AS "declaredBy", d.declared_at AS "declaredAt",
  d.status, i.code AS "itemCode", i.title_fa AS "itemTitleFa", i.title_en AS "itemTitleEn",
  i.project_id AS "projectId", i.owner_agency_id AS "ownerAgencyId",
  i.verified_percent AS "currentVerifiedPercent",
  (SELECT coalesce(json_agg(json_build_object('id', e.id, 'filename', e.filename, 'contentType', e.content_type,
                   'sizeBytes', e.size_bytes, 'sha256', e.sha256) ORDER BY e.created_at), '[]'::json)
     FROM evidence_files e WHERE e.declaration_id = d.id) AS evidence,
  (SELECT json_build_object('id', vd.id, 'outcome', vd.outcome, 'verifiedPercent', vd.verified_percent, 'reason', vd.reason,
            'decidedBy', vd.decided_by, 'decidedAt', vd.decided_at, 'revokedAt', vd.revoked_at, 'revokedBy', vd.revoked_by,
            'revokeReason', vd.revoke_reason,
            'appeal', (SELECT json_build_object('id', ap.id, 'status', ap.status) FROM verification_appeals ap WHERE ap.decision_id = vd.id))
     FROM verification_decisions vd WHERE vd.declaration_id = d.id) AS decision`;

const FROM = 'FROM progress_declarations d JOIN action_items i ON i.id = d.item_id';

function typed(found: DeclarationJsonRow[]): DeclarationRow[] {
  return found.map((r) => ({
    ...r,
    decision: r.decision && {
      ...r.decision,
      decidedAt: new Date(r.decision.decidedAt),
      revokedAt: r.decision.revokedAt === null ? null : new Date(r.decision.revokedAt),
    },
  }));
}

/** Reads of declarations with everything the verifier needs to judge them. */
@Injectable()
export class DeclarationsRepository {
  async declaration(m: EntityManager, id: string): Promise<DeclarationRow | null> {
    const [found] = typed(await rows<DeclarationJsonRow>(m, `SELECT ${DECLARATION_COLUMNS} ${FROM} WHERE d.id = $1`, [id]));
    return found ?? null;
  }

  /** The item's declarations, newest first. */
  async ofItem(m: EntityManager, itemId: string): Promise<DeclarationRow[]> {
    return typed(
      await rows<DeclarationJsonRow>(m, `SELECT ${DECLARATION_COLUMNS} ${FROM} WHERE d.item_id = $1 ORDER BY d.declared_at DESC`, [itemId]),
    );
  }

  /**
   * Declarations awaiting verification, oldest first, optionally of one project and one owner agency:
   * `limit` of them after the key `after` (declared_at as PostgreSQL's text, id).
   */
  async pending(
    m: EntityManager,
    filter: { projectId: string | null; ownerAgencyId: string | null },
    limit: number,
    after: readonly [string, string] | null,
  ): Promise<Array<DeclarationRow & { cursorAt: string }>> {
    const where = [`d.status = 'pending'`];
    const args: unknown[] = [];
    if (filter.projectId) where.push(`i.project_id = $${args.push(filter.projectId)}`);
    if (filter.ownerAgencyId) where.push(`i.owner_agency_id = $${args.push(filter.ownerAgencyId)}`);
    if (after) where.push(`(d.declared_at, d.id) > ($${args.push(after[0])}::timestamptz, $${args.push(after[1])}::uuid)`);
    const found = await rows<DeclarationJsonRow & { cursorAt: string }>(
      m,
      `SELECT ${DECLARATION_COLUMNS}, d.declared_at::text AS "cursorAt" ${FROM}
        WHERE ${where.join(' AND ')} ORDER BY d.declared_at, d.id LIMIT $${args.push(limit)}`,
      args,
    );
    return typed(found).map((r, n) => ({ ...r, cursorAt: found[n].cursorAt }));
  }
}
