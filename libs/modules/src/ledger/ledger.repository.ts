import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';

export interface NewLedgerEntry {
  businessKey: string;
  trancheId: string;
  projectId: string;
  amountRials: bigint;
  approvedBy: string;
  /** 1, 2, … within the tranche (an all_or_nothing tranche has one). */
  installment?: number;
  /** The workflow step that paid it: a retried payment finds its entry by it. */
  trancheSeq?: number;
}

export interface NewPosting {
  entryId: string;
  accountId: string;
  projectId: string;
  debitRials: bigint;
  creditRials: bigint;
}

export interface BalanceRow {
  id: string;
  kind: 'treasury' | 'agency';
  balanceRials: bigint;
  organization: { id: string; code: string; nameFa: string; nameEn: string } | null;
}

export interface PostingRow {
  accountId: string;
  kind: 'treasury' | 'agency';
  organizationId: string | null;
  debitRials: bigint;
  creditRials: bigint;
}

export interface EntryRow {
  id: string;
  businessKey: string;
  trancheId: string;
  trancheNumber: number;
  projectId: string;
  projectCode: string;
  amountRials: bigint;
  approvedBy: string | null;
  createdAt: Date;
  /** The sort key's time as PostgreSQL writes it (for the page cursor). */
  cursorAt: string;
  postings: PostingRow[];
}

type Text<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
type EntryTextRow = Omit<Text<EntryRow, 'amountRials'>, 'postings'> & { postings: Array<Text<PostingRow, 'debitRials' | 'creditRials'>> | null };

/** The ledger's tables: accounts with running balances, append-only entries and their postings. */
@Injectable()
export class LedgerRepository {
  /** Inserts the entry; null when one with the same business key or tranche exists (nothing written). */
  async insertEntry(tx: EntityManager, entry: NewLedgerEntry): Promise<string | null> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO ledger_entries (business_key, tranche_id, project_id, amount_rials, approved_by, installment, tranche_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [
        entry.businessKey,
        entry.trancheId,
        entry.projectId,
        entry.amountRials.toString(),
        entry.approvedBy,
        entry.installment ?? 1,
        entry.trancheSeq ?? null,
      ],
    );
    return inserted?.id ?? null;
  }

  async existingEntryId(tx: EntityManager, businessKey: string, trancheId: string, installment: number): Promise<string | null> {
    const found = await row<{ id: string }>(
      tx,
      'SELECT id FROM ledger_entries WHERE business_key = $1 OR (tranche_id = $2 AND installment = $3)',
      [businessKey, trancheId, installment],
    );
    return found?.id ?? null;
  }

  /** The account of the agency (or, for null, the treasury), opened on first use. */
  async accountId(tx: EntityManager, organizationId: string | null): Promise<string> {
    const kind = organizationId ? 'agency' : 'treasury';
    const conflictTarget = organizationId ? "(organization_id) WHERE kind = 'agency'" : "(kind) WHERE kind = 'treasury'";
    await tx.query(`INSERT INTO ledger_accounts (kind, organization_id) VALUES ($1, $2) ON CONFLICT ${conflictTarget} DO NOTHING`, [
      kind,
      organizationId,
    ]);
    const account = await row<{ id: string }>(
      tx,
      'SELECT id FROM ledger_accounts WHERE kind = $1 AND organization_id IS NOT DISTINCT FROM $2',
      [kind, organizationId],
    );
    return account!.id;
  }

  async insertPosting(tx: EntityManager, posting: NewPosting): Promise<void> {
    await tx.query(
      `INSERT INTO ledger_postings (entry_id, account_id, project_id, debit_rials, credit_rials) VALUES ($1, $2, $3, $4, $5)`,
      [posting.entryId, posting.accountId, posting.projectId, posting.debitRials.toString(), posting.creditRials.toString()],
    );
  }

  /** Moves the account's balance by a signed amount (credits up, debits down). */
  async moveBalance(tx: EntityManager, accountId: string, amountRials: bigint): Promise<void> {
    await tx.query('UPDATE ledger_accounts SET balance_rials = balance_rials + $1 WHERE id = $2', [amountRials.toString(), accountId]);
  }

  /** Account balances, of one agency when `organizationId` is given; the treasury first. */
  async balances(m: EntityManager, organizationId: string | null): Promise<BalanceRow[]> {
    const found = await rows<Text<BalanceRow, 'balanceRials'>>(
      m,
      `SELECT a.id, a.kind, a.balance_rials::text AS "balanceRials",
              CASE WHEN o.id IS NULL THEN NULL
                   ELSE json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) END
                AS organization
         FROM ledger_accounts a LEFT JOIN organizations o ON o.id = a.organization_id
        WHERE $1::uuid IS NULL OR a.organization_id = $1
        ORDER BY a.kind DESC, o.name_en`,
      [organizationId],
    );
    return found.map((r) => ({ ...r, balanceRials: BigInt(r.balanceRials) }));
  }

  /**
   * Entries with their postings, newest first, `limit` of them after the key `after` (created_at as
   * PostgreSQL's text, id), of a project and/or crediting an agency.
   */
  async entries(
    m: EntityManager,
    filter: { projectId: string | null; organizationId: string | null },
    limit: number,
    after: readonly [string, string] | null,
  ): Promise<EntryRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.projectId) where.push(`e.project_id = $${args.push(filter.projectId)}`);
    if (filter.organizationId) {
      where.push(`EXISTS (SELECT 1 FROM ledger_postings lp JOIN ledger_accounts a ON a.id = lp.account_id
                           WHERE lp.entry_id = e.id AND a.organization_id = $${args.push(filter.organizationId)})`);
    }
    if (after) where.push(`(e.created_at, e.id) < ($${args.push(after[0])}::timestamptz, $${args.push(after[1])}::uuid)`);
    const found = await rows<EntryTextRow>(
      m,
      `SELECT e.id, e.business_key AS "businessKey", e.tranche_id AS "trancheId", t.number AS "trancheNumber",
              e.project_id AS "projectId", p.code AS "projectCode", e.amount_rials::text AS "amountRials",
              e.approved_by AS "approvedBy", e.created_at AS "createdAt", e.created_at::text AS "cursorAt",
              (SELECT json_agg(json_build_object('accountId', lp.account_id, 'kind', a.kind,
                        'organizationId', a.organization_id, 'debitRials', lp.debit_rials::text,
                        'creditRials', lp.credit_rials::text) ORDER BY lp.id)
                 FROM ledger_postings lp JOIN ledger_accounts a ON a.id = lp.account_id
                WHERE lp.entry_id = e.id) AS postings
         FROM ledger_entries e JOIN tranches t ON t.id = e.tranche_id JOIN projects p ON p.id = e.project_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT $${args.push(limit)}`,
      args,
    );
    return found.map((r) => ({
      ...r,
      amountRials: BigInt(r.amountRials),
      postings: (r.postings ?? []).map((p) => ({ ...p, debitRials: BigInt(p.debitRials), creditRials: BigInt(p.creditRials) })),
    }));
  }
}
