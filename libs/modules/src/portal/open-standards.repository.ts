import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OpenOrganization, OpenProjectFacts } from '@pelekan/core/open-standards';
import { cursorBatches, rows } from '../database/database';
import { currentItemSumsLateral } from './item-sums.sql';

/**
 * One public project with everything the OC4IDS and IATI exports read, one row per project (the caller
 * adds WHERE). Confidential projects are left out: their money and plan are not public.
 */
const FACTS_SQL = `
SELECT pr.id, pr.code, pr.name_fa AS "nameFa", pr.name_en AS "nameEn", pf.code AS "portfolioCode",
       pr.budget_rials::text AS "budgetRials", pr.created_at AS "createdAt",
       (pr.reported->>'actualProgressPct')::float8 AS "reportedPercent",
       coalesce((SELECT json_agg(json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en, 'role', pa.role)
                                 ORDER BY array_position(ARRAY['lead','co_lead','collaborating'], pa.role), o.code)
                   FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id WHERE pa.project_id = pr.id), '[]') AS agencies,
       i.planned_start AS "plannedStart", i.planned_end AS "plannedEnd",
       coalesce(i.weight_sum, 0)::float8 AS "weightSum", coalesce(i.verified_weighted, 0)::float8 AS "verifiedWeighted",
       coalesce(i.declared_weighted, 0)::float8 AS "declaredWeighted", coalesce(i.planned_weighted, 0)::float8 AS "plannedWeighted",
       coalesce((SELECT json_agg(json_build_object('id', t.id, 'number', t.number, 'amountRials', t.amount_rials::text, 'state', t.state,
                                                   'dueAt', t.due_at) ORDER BY t.number)
                   FROM tranches t WHERE t.project_id = pr.id), '[]') AS tranches,
       coalesce((SELECT json_agg(json_build_object('id', e.id, 'trancheId', e.tranche_id, 'installment', e.installment,
                                                   'amountRials', e.amount_rials::text, 'at', e.created_at,
                                                   'payees', (SELECT coalesce(json_agg(json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en,
                                                                                                       'amountRials', p.credit_rials::text) ORDER BY o.code), '[]')
                                                                FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
                                                                JOIN organizations o ON o.id = a.organization_id
                                                               WHERE p.entry_id = e.id AND p.credit_rials > 0))
                                 ORDER BY e.created_at, e.id)
                   FROM ledger_entries e WHERE e.project_id = pr.id), '[]') AS entries,
       (SELECT json_agg(b ORDER BY b.number) FROM (
          SELECT b.number,
                 (SELECT coalesce(sum((it->>'budgetRials')::numeric), 0)::text FROM jsonb_array_elements(b.plan->'items') it) AS "budgetRials",
                 (SELECT min((it->>'plannedStart')::timestamptz) FROM jsonb_array_elements(b.plan->'items') it) AS start,
                 (SELECT max((it->>'plannedEnd')::timestamptz) FROM jsonb_array_elements(b.plan->'items') it) AS "end"
            FROM plan_baselines b WHERE b.project_id = pr.id) b) AS baselines,
       coalesce(i.budget_sum, 0)::text AS "planBudgetRials"
  FROM projects pr
  JOIN portfolios pf ON pf.id = pr.portfolio_id
  ${currentItemSumsLateral(`,
           sum(a.weight_hundredths::bigint * 100 * least(1, greatest(0,
               extract(epoch FROM now() - a.planned_start) / extract(epoch FROM a.planned_end - a.planned_start)))) AS planned_weighted,
           min(a.planned_start) AS planned_start, max(coalesce(a.due_at, a.planned_end)) AS planned_end,
           sum(a.budget_rials) AS budget_sum`)}
 WHERE NOT pr.confidential`;

interface RawFacts extends Omit<OpenProjectFacts, 'tranches' | 'entries' | 'originalBaseline' | 'revisedBaseline'> {
  tranches: Array<{ id: string; number: number; amountRials: string; state: string; dueAt: string | null }>;
  entries: Array<{ id: string; trancheId: string; installment: number; amountRials: string; at: string; payees: OpenProjectFacts['entries'][number]['payees'] }>;
  baselines: Array<{ number: number; budgetRials: string; start: string | null; end: string | null }> | null;
  planBudgetRials: string;
}

const instant = (s: string | null) => (s === null ? null : new Date(s));

/** Rows as the core reads them: JSON dates become instants; the plan as filed is baseline 1, the last stored baseline the revised one. */
function toFacts(r: RawFacts): OpenProjectFacts {
  const { baselines, planBudgetRials, ...rest } = r;
  const stored = (baselines ?? []).map((b) => ({ number: b.number, budgetRials: b.budgetRials, start: instant(b.start), end: instant(b.end) }));
  const current = { number: 1, budgetRials: planBudgetRials, start: r.plannedStart, end: r.plannedEnd };
  const last = stored[stored.length - 1];
  return {
    ...rest,
    weightSum: Number(r.weightSum),
    verifiedWeighted: Number(r.verifiedWeighted),
    declaredWeighted: Number(r.declaredWeighted),
    plannedWeighted: Number(r.plannedWeighted),
    tranches: r.tranches.map((t) => ({ ...t, dueAt: instant(t.dueAt) })),
    entries: r.entries.map((e) => ({ ...e, at: new Date(e.at) })),
    originalBaseline: stored[0] ?? (r.weightSum > 0 ? current : null),
    revisedBaseline: last && last.number > 1 ? last : null,
  };
}

/** SQL of the open-standards exports (OC4IDS, IATI). */
@Injectable()
export class OpenStandardsRepository {
  /** The monitoring committee's organizations. */
  async committee(m: EntityManager): Promise<OpenOrganization[]> {
    return rows<OpenOrganization>(m, `SELECT code, name_fa AS "nameFa", name_en AS "nameEn" FROM organizations WHERE committee_member ORDER BY code`);
  }

  /** One public project's facts, or null (unknown or confidential). */
  async project(m: EntityManager, id: string): Promise<OpenProjectFacts | null> {
    const [found] = await rows<RawFacts>(m, `${FACTS_SQL} AND pr.id = $1`, [id]);
    return found ? toFacts(found) : null;
  }

  /** Every public project's facts, `size` at a time, through a cursor of the caller's transaction. */
  async *all(tx: EntityManager, size: number): AsyncGenerator<OpenProjectFacts[]> {
    for await (const batch of cursorBatches<RawFacts>(tx, `${FACTS_SQL} ORDER BY pf.code, pr.code COLLATE pelekan_numeric, pr.id`, size)) {
      yield batch.map(toFacts);
    }
  }
}
