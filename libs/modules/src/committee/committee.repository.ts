import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rows } from '../database/database';
import type { PackRow } from './committee-pack';

const PLACE = `
  json_build_object('code', pf.code, 'nameFa', pf.name_fa, 'nameEn', pf.name_en) AS portfolio,
  json_build_object('code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project`;
const AGENCY = (alias: string) => `json_build_object('code', ${alias}.code, 'nameFa', ${alias}.name_fa, 'nameEn', ${alias}.name_en) AS agency`;
const ITEM = `json_build_object('code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en) AS item`;

/** What happened in a period, for the committee's monthly pack: each query takes [start, end). */
@Injectable()
export class CommitteeRepository {
  /** Verification decisions and revocations. */
  async verifications(m: EntityManager, start: Date, end: Date): Promise<PackRow[]> {
    return rows<PackRow>(
      m,
      `SELECT x.at, x.kind, ${PLACE}, ${AGENCY('o')}, ${ITEM}, x.detail FROM (
         SELECT vd.decided_at AS at, vd.outcome AS kind, vd.item_id,
                jsonb_build_object('verifiedPercent', vd.verified_percent, 'reason', vd.reason, 'by', u.username) AS detail
           FROM verification_decisions vd JOIN users u ON u.id = vd.decided_by
          WHERE vd.decided_at >= $1 AND vd.decided_at < $2
         UNION ALL
         SELECT vd.revoked_at, 'revoked', vd.item_id, jsonb_build_object('reason', vd.revoke_reason, 'by', u.username)
           FROM verification_decisions vd JOIN users u ON u.id = vd.revoked_by
          WHERE vd.revoked_at >= $1 AND vd.revoked_at < $2) x
         JOIN action_items i ON i.id = x.item_id JOIN projects p ON p.id = i.project_id
         JOIN portfolios pf ON pf.id = p.portfolio_id JOIN organizations o ON o.id = i.owner_agency_id
        ORDER BY x.at, p.code, i.code`,
      [start, end],
    );
  }

  /** Escalation cases opened, climbed, resolved and decided. */
  async cases(m: EntityManager, start: Date, end: Date): Promise<PackRow[]> {
    return rows<PackRow>(
      m,
      `SELECT e.at, e.kind, ${PLACE}, ${AGENCY('o')}, ${ITEM},
              jsonb_build_object('level', e.level, 'reason', coalesce(e.reason, c.reason), 'party', c.party,
                                 'decision', e.detail->>'decision', 'caseId', c.id) AS detail
         FROM escalation_ladder e JOIN escalation_cases c ON c.id = e.case_id
         JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
         JOIN portfolios pf ON pf.id = p.portfolio_id JOIN organizations o ON o.id = i.owner_agency_id
        WHERE e.at >= $1 AND e.at < $2 AND e.kind IN ('opened', 'climbed', 'resolved', 'decided')
        ORDER BY e.at, e.id`,
      [start, end],
    );
  }

  /** Payments (tranches and installments), tranches held by PBO or lapsed, remainders decided, committee holds placed or lifted. */
  async tranches(m: EntityManager, start: Date, end: Date): Promise<PackRow[]> {
    return rows<PackRow>(
      m,
      `SELECT x.at, x.kind, ${PLACE}, ${AGENCY('o')}, NULL AS item, x.detail FROM (
         -- Every payment (a whole tranche, or one installment: its event names its ledger entry), each lapse
         -- (with what lapsed) and each decision on a remainder.
         SELECT e.at, CASE WHEN e.detail ? 'ledgerEntryId' THEN 'released' ELSE e.to_state END AS kind, t.project_id,
                jsonb_build_object('tranche', t.number, 'installment', e.detail->'installment',
                                   'amountRials', coalesce(e.detail->>'amountRials', e.detail->>'undisbursedRials',
                                                           e.detail->>'remainderRials', t.amount_rials::text),
                                   'decision', e.detail->'decision', 'reason', e.reason) AS detail
           FROM tranche_events e JOIN tranches t ON t.id = e.tranche_id
          WHERE e.at >= $1 AND e.at < $2 AND (e.detail ? 'ledgerEntryId' OR e.to_state IN ('held', 'lapsed', 'closed'))
         UNION ALL
         SELECT h.placed_at, 'hold_placed', h.project_id, jsonb_build_object('reason', h.reason)
           FROM tranche_holds h WHERE h.placed_at >= $1 AND h.placed_at < $2
         UNION ALL
         SELECT h.lifted_at, 'hold_lifted', h.project_id, jsonb_build_object('reason', h.lift_reason)
           FROM tranche_holds h WHERE h.lifted_at >= $1 AND h.lifted_at < $2) x
         JOIN projects p ON p.id = x.project_id JOIN portfolios pf ON pf.id = p.portfolio_id
         LEFT JOIN organizations o ON o.id = p.lead_agency_id
        ORDER BY x.at, p.code`,
      [start, end],
    );
  }
}
