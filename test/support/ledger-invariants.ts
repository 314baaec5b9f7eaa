/** A query against the test's database (a pg client, a DataSource, an owner's helper). */
export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Money invariants over the whole ledger (the fault, multi-instance and results suites check them): a
 * tranche's entries add up to its `released_rials`, never past its amount (less what its remainder gave
 * up); a released tranche was paid its whole amount, and each of `releasedTrancheIds` was; every
 * account's balance is its credits minus its debits; the treasury paid out what the agencies received,
 * which is the sum of the entries.
 */
export async function expectLedgerConsistent(query: Query, releasedTrancheIds: string[]): Promise<void> {
  const tranches = await query<{ id: string; state: string; amount: string; released: string; given_up: string; paid: string; n: number }>(
    `SELECT t.id, t.state, t.amount_rials::text AS amount, t.released_rials::text AS released, t.given_up_rials::text AS given_up,
            coalesce(sum(e.amount_rials), 0)::text AS paid, count(e.id)::int AS n
       FROM tranches t LEFT JOIN ledger_entries e ON e.tranche_id = t.id GROUP BY t.id`,
  );
  for (const t of tranches) {
    expect([t.id, t.paid]).toEqual([t.id, t.released]);
    expect([t.id, BigInt(t.paid) + BigInt(t.given_up) <= BigInt(t.amount)]).toEqual([t.id, true]);
    if (t.state === 'released') expect([t.id, t.paid]).toEqual([t.id, t.amount]);
  }
  for (const id of releasedTrancheIds) {
    const t = tranches.find((x) => x.id === id);
    expect([id, t?.paid]).toEqual([id, t?.amount]);
  }
  const total = tranches.reduce((sum, t) => sum + BigInt(t.paid), 0n);
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

/** The invariants over a harness's database. */
export async function assertLedgerInvariants(h: { db: { query: (sql: string, params?: unknown[]) => Promise<any> } }): Promise<void> {
  await expectLedgerConsistent((sql, params) => h.db.query(sql, params), []);
}
