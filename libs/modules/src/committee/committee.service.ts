import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isValidJalali, jalaliMonthRange, toAsciiDigits } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { InvalidInput } from '../common/errors';
import { PlanRevisionsService } from '../action-plans/plan-revisions.service';
import { EscalationsService } from '../escalations/escalations.service';
import { VerificationService } from '../verification/verification.service';
import { type CommitteePack, JALALI_MONTHS, type PackRow, type PackSummary } from './committee-pack';

const PLACE = `
  json_build_object('code', pf.code, 'nameFa', pf.name_fa, 'nameEn', pf.name_en) AS portfolio,
  json_build_object('code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project`;
const AGENCY = (alias: string) => `json_build_object('code', ${alias}.code, 'nameFa', ${alias}.name_fa, 'nameEn', ${alias}.name_en) AS agency`;
const ITEM = `json_build_object('code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en) AS item`;

/** The monitoring committee's desk: what waits on it, and what happened each month. */
@Injectable()
export class CommitteeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
    private readonly escalations: EscalationsService,
    private readonly revisions: PlanRevisionsService,
  ) {}

  /** Declarations awaiting verification (oldest first, with evidence), live cases by level, revisions awaiting approval. */
  async queue(actor: Actor) {
    const [declarations, cases, revisions] = await Promise.all([
      this.verification.pending(actor),
      this.escalations.list(actor, { status: 'live' }),
      this.revisions.pending(),
    ]);
    const byLevel: Record<string, unknown[]> = { 1: [], 2: [], 3: [], 4: [] };
    for (const c of cases) byLevel[c.level].push(c);
    return { declarations, cases: byLevel, revisions };
  }

  async pack(month: string): Promise<CommitteePack> {
    const [year, m] = toAsciiDigits(month).split('-').map(Number);
    if (!isValidJalali({ year, month: m, day: 1 }) || year < 1300 || year > 1500) {
      throw InvalidInput.field('month', `${month} is not a Jalali month (e.g. 1405-08)`);
    }
    const { start, end } = jalaliMonthRange(year, m);
    const range = [start, end];

    const verifications: PackRow[] = await this.db.query(
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
      range,
    );
    const cases: PackRow[] = await this.db.query(
      `SELECT e.at, e.kind, ${PLACE}, ${AGENCY('o')}, ${ITEM},
              jsonb_build_object('level', e.level, 'reason', coalesce(e.reason, c.reason), 'party', c.party,
                                 'decision', e.detail->>'decision', 'caseId', c.id) AS detail
         FROM escalation_events e JOIN escalation_cases c ON c.id = e.case_id
         JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
         JOIN portfolios pf ON pf.id = p.portfolio_id JOIN organizations o ON o.id = i.owner_agency_id
        WHERE e.at >= $1 AND e.at < $2 AND e.kind IN ('opened', 'climbed', 'resolved', 'decided')
        ORDER BY e.at, e.id`,
      range,
    );
    const tranches: PackRow[] = await this.db.query(
      `SELECT x.at, x.kind, ${PLACE}, ${AGENCY('o')}, NULL AS item, x.detail FROM (
         SELECT e.at, e.to_state AS kind, t.project_id,
                jsonb_build_object('tranche', t.number, 'amountRials', t.amount_rials::text, 'reason', e.reason) AS detail
           FROM tranche_events e JOIN tranches t ON t.id = e.tranche_id
          WHERE e.at >= $1 AND e.at < $2 AND e.to_state IN ('released', 'held')
         UNION ALL
         SELECT h.placed_at, 'hold_placed', h.project_id, jsonb_build_object('reason', h.reason)
           FROM tranche_holds h WHERE h.placed_at >= $1 AND h.placed_at < $2
         UNION ALL
         SELECT h.lifted_at, 'hold_lifted', h.project_id, jsonb_build_object('reason', h.lift_reason)
           FROM tranche_holds h WHERE h.lifted_at >= $1 AND h.lifted_at < $2) x
         JOIN projects p ON p.id = x.project_id JOIN portfolios pf ON pf.id = p.portfolio_id
         LEFT JOIN organizations o ON o.id = p.lead_agency_id
        ORDER BY x.at, p.code`,
      range,
    );
    return {
      month: { year, month: m, start, end, nameFa: JALALI_MONTHS[m - 1][0], nameEn: JALALI_MONTHS[m - 1][1] },
      verifications,
      cases,
      tranches,
      byPortfolio: summarise([...verifications, ...cases, ...tranches], (r) => r.portfolio),
      byAgency: summarise([...verifications, ...cases, ...tranches], (r) => r.agency),
    };
  }
}

function summarise(rows: PackRow[], keyOf: (r: PackRow) => PackRow['portfolio'] | null): PackSummary[] {
  const groups = new Map<string, PackSummary & { released: bigint }>();
  for (const row of rows) {
    const key = keyOf(row);
    if (!key?.code) continue;
    const g =
      groups.get(key.code) ??
      groups
        .set(key.code, {
          key,
          verifications: 0,
          casesOpened: 0,
          casesClimbed: 0,
          casesResolved: 0,
          tranchesReleased: 0,
          releasedRials: '0',
          tranchesHeld: 0,
          released: 0n,
        })
        .get(key.code)!;
    if (['accepted', 'accepted_lower', 'rejected'].includes(row.kind)) g.verifications++;
    if (row.kind === 'opened') g.casesOpened++;
    if (row.kind === 'climbed') g.casesClimbed++;
    if (row.kind === 'resolved') g.casesResolved++;
    if (row.kind === 'released') {
      g.tranchesReleased++;
      g.released += BigInt(String(row.detail.amountRials));
    }
    if (row.kind === 'held' || row.kind === 'hold_placed') g.tranchesHeld++;
  }
  return [...groups.values()]
    .map(({ released, ...g }) => ({ ...g, releasedRials: released.toString() }))
    .sort((a, b) => a.key.code.localeCompare(b.key.code));
}
