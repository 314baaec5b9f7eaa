/** A query against the test's database (a pg client, a DataSource, an owner's helper). */
export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Money invariants over the whole ledger (the fault and multi-instance suites check them): one entry per
 * released tranche and exactly one for each of `releasedTrancheIds`, each for the tranche's amount;
 * every account's balance is its credits minus its debits; the treasury paid out what the agencies
 * received, which is the sum of the released tranches.
 */
export async function expectLedgerConsistent(query: Query, releasedTrancheIds: string[]): Promise<void> {
  const entries = await query<{ tranche_id: string; amount: string; tranche_amount: string }>(
    `SELECT e.tranche_id, e.amount_rials::text AS amount, t.amount_rials::text AS tranche_amount
       FROM ledger_entries e JOIN tranches t ON t.id = e.tranche_id`,
  );
  const byTranche = new Map<string, number>();
  for (const e of entries) byTranche.set(e.tranche_id, (byTranche.get(e.tranche_id) ?? 0) + 1);
  for (const id of releasedTrancheIds) expect([id, byTranche.get(id) ?? 0]).toEqual([id, 1]);
  for (const e of entries) expect(e.amount).toBe(e.tranche_amount);
  const [released] = await query<{ total: string; n: number }>(
    `SELECT coalesce(sum(amount_rials), 0)::text AS total, count(*)::int AS n FROM tranches WHERE state = 'released'`,
  );
  expect(released.n).toBe(entries.length);
  const total = entries.reduce((sum, e) => sum + BigInt(e.amount), 0n);
  expect(BigInt(released.total)).toBe(total);
  const [treasury] = await query<{ balance: string }>(
    `SELECT coalesce(sum(balance_rials), 0)::text AS balance FROM ledger_accounts WHERE kind = 'treasury'`,
  );
  expect(BigInt(treasury.balance)).toBe(-total);
  const accounts = await query<{ balance: string; credits: string; debits: string }>(
    `SELECT a.balance_rials::text AS balance, coalesce(sum(p.credit_rials), 0)::text AS credits, coalesce(sum(p.debit_rials), 0)::text AS debits
       FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id GROUP BY a.id`,
  );
  for (const a of accounts) expect(BigInt(a.balance)).toBe(BigInt(a.credits) - BigInt(a.debits));
  const [agencies] = await query<{ balance: string }>(
    `SELECT coalesce(sum(balance_rials), 0)::text AS balance FROM ledger_accounts WHERE kind = 'agency'`,
  );
  expect(BigInt(agencies.balance)).toBe(total);
}
