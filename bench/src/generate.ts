/**
 * National-scale synthetic data, generated set-based inside PostgreSQL (generate_series), so that
 * 400,000 items take seconds. Reusable: `generateNationalData(pool, { scale })` on any migrated
 * database. Shape per project: 20 items (weights 5 each), links 5→6, 10→11, 15→16, three tranches
 * funding items 6-10, 11-15, 16-20, each gated on the item before; 5% of items carry a pending
 * declaration. Dates, percents and movement are spread so that the escalation sweep finds every
 * kind of stall.
 */
import type { Pool } from 'pg';
import { hashPassword } from '@pelekan/modules';

export interface Scale {
  projects: number;
  itemsPerProject: number;
  tranchesPerProject: number;
  agencies: number;
}

export const BASE_SCALE: Scale = { projects: 20_000, itemsPerProject: 20, tranchesPerProject: 3, agencies: 200 };

export function scaled(factor: number): Scale {
  return { ...BASE_SCALE, projects: Math.max(100, Math.round(BASE_SCALE.projects * factor)) };
}

export interface Generated {
  projects: number;
  items: number;
  tranches: number;
  links: number;
  pendingDeclarations: number;
  /** A portfolio of exactly 25 projects, for the portal page figure. */
  portfolio25Id: string;
  password: string;
  users: { pbo: string; pbo2: string; committee: string; agency: string; admin: string };
}

export const BENCH_PASSWORD = 'bench-password';

export async function generateNationalData(pool: Pool, scale: Scale): Promise<Generated> {
  const client = await pool.connect();
  try {
    // Bulk load: no per-row triggers (audit chain, progress trigger), as a restore would.
    await client.query(`SET session_replication_role = replica`);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO organizations (code, name_fa, name_en, committee_member, synthetic)
       SELECT 'bench-agency-' || n, 'دستگاه ' || n, 'Agency ' || n, n <= 3, true FROM generate_series(1, $1) n`,
      [scale.agencies],
    );
    const hash = await hashPassword(BENCH_PASSWORD);
    await client.query(
      `INSERT INTO users (username, password_hash, role, organization_id, display_name)
       VALUES ('bench.pbo', $1, 'pbo', NULL, 'Bench PBO'), ('bench.pbo2', $1, 'pbo', NULL, 'Bench PBO 2'),
              ('bench.admin', $1, 'admin', NULL, 'Bench admin'),
              ('bench.committee', $1, 'committee', (SELECT id FROM organizations WHERE code = 'bench-agency-1'), 'Bench committee'),
              ('bench.agency', $1, 'agency', (SELECT id FROM organizations WHERE code = 'bench-agency-10'), 'Bench agency')`,
      [hash],
    );
    const portfolios = Math.ceil(scale.projects / 1000);
    await client.query(
      `INSERT INTO portfolios (code, name_fa, name_en, synthetic)
       SELECT 'BENCH-' || n, 'سبد ' || n, 'Portfolio ' || n, true FROM generate_series(1, $1) n`,
      [portfolios],
    );
    const [{ id: portfolio25Id }] = (
      await client.query(
        `INSERT INTO portfolios (code, name_fa, name_en, synthetic) VALUES ('BENCH-P25', 'سبد ۲۵', 'Portfolio of 25', true) RETURNING id`,
      )
    ).rows;
    // Projects: the first 25 go to BENCH-P25 (not BENCH-25: from scale 1.25 that code is one of the above),
    // the rest 1,000 per portfolio.
    await client.query(
      `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id, budget_rials, synthetic, created_at)
       SELECT CASE WHEN n <= 25 THEN $3::uuid ELSE (SELECT id FROM portfolios WHERE code = 'BENCH-' || (1 + (n - 1) / 1000)) END,
              'B-' || n, 'طرح ' || n, 'Project ' || n,
              (SELECT id FROM organizations WHERE code = 'bench-agency-' || (10 + n % ($2 - 10))),
              $4::numeric * 1000000000, true, now() - interval '800 days'
         FROM generate_series(1, $1) n`,
      [scale.projects, scale.agencies, portfolio25Id, scale.itemsPerProject],
    );
    await client.query(
      `INSERT INTO project_agencies (project_id, organization_id, role) SELECT id, lead_agency_id, 'lead' FROM projects WHERE synthetic AND code LIKE 'B-%'`,
    );
    const weight = Math.floor(10_000 / scale.itemsPerProject);
    await client.query(
      `INSERT INTO action_items (project_id, code, title_fa, title_en, owner_agency_id, weight_hundredths, planned_start, planned_end,
                                 budget_rials, declared_percent, verified_percent, last_verified_at, progress_moved_at, created_at)
       SELECT p.id, k::text, 'بند ' || k, 'Item ' || k, p.lead_agency_id, $2,
              s.start, s.start + ((30 + (h % 370)) || ' days')::interval, 1000000000,
              least(100, v.verified + (h % 3) * 10), v.verified,
              CASE WHEN v.verified > 0 THEN now() - ((h % 120) || ' days')::interval END,
              CASE WHEN v.verified > 0 THEN now() - ((h % 120) || ' days')::interval END,
              now() - interval '800 days'
         FROM projects p
         CROSS JOIN generate_series(1, $1) k
         CROSS JOIN LATERAL (SELECT abs(hashtext(p.code || ':' || k)::bigint) AS h) hh(h)
         CROSS JOIN LATERAL (SELECT now() - ((h % 700) || ' days')::interval AS start) s
         CROSS JOIN LATERAL (SELECT (ARRAY[0, 0, 20, 50, 80, 100, 100])[1 + h % 7] AS verified) v
        WHERE p.synthetic AND p.code LIKE 'B-%'`,
      [scale.itemsPerProject, weight],
    );
    await client.query(
      `INSERT INTO action_links (from_item_id, to_item_id)
       SELECT f.id, t.id FROM action_items f JOIN action_items t ON t.project_id = f.project_id AND t.code = (f.code::int + 1)::text
         JOIN projects p ON p.id = f.project_id
        WHERE p.code LIKE 'B-%' AND f.code::int % 5 = 0 AND f.code::int < $1`,
      [scale.itemsPerProject],
    );
    await client.query(
      `INSERT INTO progress_declarations (item_id, percent, note, declared_by, declared_at, status)
       SELECT i.id, least(100, i.verified_percent + 10), 'bench', (SELECT id FROM users WHERE username = 'bench.agency'),
              now() - ((abs(hashtext(i.id::text)::bigint) % 60) || ' days')::interval, 'pending'
         FROM action_items i JOIN projects p ON p.id = i.project_id
        WHERE p.code LIKE 'B-%' AND i.verified_percent < 100 AND abs(hashtext(i.id::text)::bigint) % 20 = 0`,
    );
    await client.query(
      `INSERT INTO tranches (project_id, number, amount_rials, state, created_by, workflow_started)
       SELECT p.id, n, 5000000000, (ARRAY['waiting_on_items', 'waiting_on_items', 'awaiting_approval', 'released'])[1 + abs(hashtext(p.code || n)::bigint) % 4],
              (SELECT id FROM users WHERE username = 'bench.pbo'), true
         FROM projects p CROSS JOIN generate_series(1, $1) n WHERE p.code LIKE 'B-%'`,
      [scale.tranchesPerProject],
    );
    await client.query(
      `INSERT INTO tranche_items (tranche_id, item_id, role, source)
       SELECT t.id, i.id, CASE WHEN i.code::int = t.number * 5 THEN 'gate' ELSE 'funds' END,
              CASE WHEN i.code::int = t.number * 5 THEN 'chain' END
         FROM tranches t JOIN projects p ON p.id = t.project_id JOIN action_items i ON i.project_id = t.project_id
        WHERE p.code LIKE 'B-%' AND i.code::int BETWEEN t.number * 5 AND t.number * 5 + 5`,
    );
    // Every generated project's items belong to its lead, so each tranche pays one agency in full.
    await client.query(
      `INSERT INTO tranche_allocations (tranche_id, organization_id, amount_rials)
       SELECT t.id, p.lead_agency_id, t.amount_rials FROM tranches t JOIN projects p ON p.id = t.project_id WHERE p.code LIKE 'B-%'`,
    );
    // A tranche marked released was paid, as the release path pays it: one ledger entry, the treasury
    // debited and the lead agency credited, the tranche's released amount and time set — so the ledger's
    // invariants (and the open data built from it) hold over generated data too.
    await client.query(`INSERT INTO ledger_accounts (kind) SELECT 'treasury' WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts WHERE kind = 'treasury')`);
    await client.query(
      `INSERT INTO ledger_accounts (kind, organization_id) SELECT DISTINCT 'agency', p.lead_agency_id FROM projects p
        WHERE p.code LIKE 'B-%' AND NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.organization_id = p.lead_agency_id)`,
    );
    await client.query(
      `WITH e AS (
         INSERT INTO ledger_entries (business_key, tranche_id, project_id, amount_rials, approved_by, installment, created_at)
         SELECT 'generated-' || t.id, t.id, t.project_id, t.amount_rials, (SELECT id FROM users WHERE username = 'bench.pbo2'), 1, now() - interval '10 days'
           FROM tranches t JOIN projects p ON p.id = t.project_id WHERE p.code LIKE 'B-%' AND t.state = 'released'
         RETURNING id, project_id, amount_rials)
       INSERT INTO ledger_postings (entry_id, account_id, project_id, debit_rials, credit_rials)
       SELECT e.id, (SELECT id FROM ledger_accounts WHERE kind = 'treasury'), e.project_id, e.amount_rials, 0 FROM e
       UNION ALL
       SELECT e.id, a.id, e.project_id, 0, e.amount_rials FROM e JOIN projects p ON p.id = e.project_id JOIN ledger_accounts a ON a.organization_id = p.lead_agency_id`,
    );
    // Balances follow the postings (credits up, debits down), as the ledger moves them.
    await client.query(
      `UPDATE ledger_accounts a SET balance_rials = a.balance_rials + x.net
         FROM (SELECT lp.account_id, sum(lp.credit_rials - lp.debit_rials) AS net FROM ledger_postings lp
                JOIN ledger_entries e ON e.id = lp.entry_id WHERE e.business_key LIKE 'generated-%' GROUP BY lp.account_id) x
        WHERE a.id = x.account_id`,
    );
    await client.query(
      `UPDATE tranches t SET released_rials = t.amount_rials, released_at = now() - interval '10 days'
         FROM projects p WHERE p.id = t.project_id AND p.code LIKE 'B-%' AND t.state = 'released'`,
    );
    await client.query('COMMIT');
    await client.query(`SET session_replication_role = origin`);
    await client.query('ANALYZE');
    const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    const users = Object.fromEntries(
      (await client.query(`SELECT username, id FROM users WHERE username LIKE 'bench.%'`)).rows.map((r) => [r.username, r.id]),
    );
    return {
      projects: await count(`SELECT count(*) AS n FROM projects WHERE code LIKE 'B-%'`),
      items: await count(`SELECT count(*) AS n FROM action_items`),
      tranches: await count(`SELECT count(*) AS n FROM tranches`),
      links: await count(`SELECT count(*) AS n FROM action_links`),
      pendingDeclarations: await count(`SELECT count(*) AS n FROM progress_declarations WHERE status = 'pending'`),
      portfolio25Id,
      password: BENCH_PASSWORD,
      users: {
        pbo: users['bench.pbo'],
        pbo2: users['bench.pbo2'],
        committee: users['bench.committee'],
        agency: users['bench.agency'],
        admin: users['bench.admin'],
      },
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
