import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sumRials } from '@pelekan/core';
import type { Actor } from '../common/actor';

export interface ReleaseToRecord {
  /** Unique per release; a second write with the same key records nothing. */
  businessKey: string;
  trancheId: string;
  projectId: string;
  amountRials: bigint;
  approvedBy: string;
  /** Who receives how much; the amounts sum to `amountRials`. */
  credits: Array<{ organizationId: string; amountRials: bigint }>;
}

/** Double-entry record of money released: debit the PBO treasury, credit the receiving agencies. */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Writes the release inside the caller's transaction. Returns the entry id and whether this call
   * created it (false: it existed already, nothing was written).
   */
  async recordRelease(tx: EntityManager, release: ReleaseToRecord): Promise<{ entryId: string; created: boolean }> {
    if (sumRials(release.credits.map((c) => c.amountRials)) !== release.amountRials) {
      throw new Error(`credits do not add up to the released amount for tranche ${release.trancheId}`);
    }
    const inserted: Array<{ id: string }> = await tx.query(
      `INSERT INTO ledger_entries (business_key, tranche_id, project_id, amount_rials, approved_by)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [release.businessKey, release.trancheId, release.projectId, release.amountRials.toString(), release.approvedBy],
    );
    if (inserted.length === 0) {
      const [existing] = await tx.query('SELECT id FROM ledger_entries WHERE business_key = $1 OR tranche_id = $2', [
        release.businessKey,
        release.trancheId,
      ]);
      return { entryId: existing.id, created: false };
    }
    const entryId = inserted[0].id;
    const treasury = await this.account(tx, null);
    await this.post(tx, entryId, treasury, release.projectId, -release.amountRials);
    for (const credit of release.credits) {
      if (credit.amountRials === 0n) continue;
      await this.post(tx, entryId, await this.account(tx, credit.organizationId), release.projectId, credit.amountRials);
    }
    return { entryId, created: true };
  }

  private async account(tx: EntityManager, organizationId: string | null): Promise<string> {
    const kind = organizationId ? 'agency' : 'treasury';
    const conflictTarget = organizationId ? '(organization_id) WHERE kind = \'agency\'' : "(kind) WHERE kind = 'treasury'";
    await tx.query(
      `INSERT INTO ledger_accounts (kind, organization_id) VALUES ($1, $2) ON CONFLICT ${conflictTarget} DO NOTHING`,
      [kind, organizationId],
    );
    const [row] = await tx.query(
      'SELECT id FROM ledger_accounts WHERE kind = $1 AND organization_id IS NOT DISTINCT FROM $2',
      [kind, organizationId],
    );
    return row.id;
  }

  /** Positive amount credits the account, negative debits it; the balance moves in the same statement set. */
  private async post(tx: EntityManager, entryId: string, accountId: string, projectId: string, amount: bigint) {
    const debit = amount < 0n ? -amount : 0n;
    const credit = amount > 0n ? amount : 0n;
    await tx.query(
      `INSERT INTO ledger_postings (entry_id, account_id, project_id, debit_rials, credit_rials) VALUES ($1, $2, $3, $4, $5)`,
      [entryId, accountId, projectId, debit.toString(), credit.toString()],
    );
    await tx.query('UPDATE ledger_accounts SET balance_rials = balance_rials + $1 WHERE id = $2', [
      amount.toString(),
      accountId,
    ]);
  }

  /** Account balances; an agency user sees only its own account. */
  async balances(actor: Actor) {
    const rows = await this.db.query(
      `SELECT a.id, a.kind, a.balance_rials::text AS "balanceRials",
              CASE WHEN o.id IS NULL THEN NULL
                   ELSE json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) END
                AS organization
         FROM ledger_accounts a LEFT JOIN organizations o ON o.id = a.organization_id
        WHERE $1::uuid IS NULL OR a.organization_id = $1
        ORDER BY a.kind DESC, o.name_en`,
      [actor.role === 'agency' ? actor.organizationId : null],
    );
    return rows.map((r: any) => ({ ...r, balanceRials: BigInt(r.balanceRials) }));
  }

  /** Ledger entries with their postings, newest first, filtered by project or receiving agency. */
  async entries(actor: Actor, filter: { projectId?: string; organizationId?: string }) {
    const organizationId = actor.role === 'agency' ? actor.organizationId : (filter.organizationId ?? null);
    const rows = await this.db.query(
      `SELECT e.id, e.business_key AS "businessKey", e.tranche_id AS "trancheId", t.number AS "trancheNumber",
              e.project_id AS "projectId", p.code AS "projectCode", e.amount_rials::text AS "amountRials",
              e.approved_by AS "approvedBy", e.created_at AS "createdAt",
              (SELECT json_agg(json_build_object('accountId', lp.account_id, 'kind', a.kind,
                        'organizationId', a.organization_id, 'debitRials', lp.debit_rials::text,
                        'creditRials', lp.credit_rials::text) ORDER BY lp.id)
                 FROM ledger_postings lp JOIN ledger_accounts a ON a.id = lp.account_id
                WHERE lp.entry_id = e.id) AS postings
         FROM ledger_entries e JOIN tranches t ON t.id = e.tranche_id JOIN projects p ON p.id = e.project_id
        WHERE ($1::uuid IS NULL OR e.project_id = $1)
          AND ($2::uuid IS NULL OR EXISTS (
                SELECT 1 FROM ledger_postings lp JOIN ledger_accounts a ON a.id = lp.account_id
                 WHERE lp.entry_id = e.id AND a.organization_id = $2))
        ORDER BY e.created_at DESC
        LIMIT 1000`,
      [filter.projectId ?? null, organizationId],
    );
    return rows.map((r: any) => ({ ...r, amountRials: BigInt(r.amountRials) }));
  }

  /** Released money per project and receiving agency (for roll-ups and the budget-shortage view). */
  async releasedByProjectAndAgency(projectId: string) {
    const rows = await this.db.query(
      `SELECT a.organization_id AS "organizationId", sum(lp.credit_rials)::text AS "releasedRials"
         FROM ledger_postings lp JOIN ledger_accounts a ON a.id = lp.account_id
        WHERE lp.project_id = $1 AND a.kind = 'agency'
        GROUP BY a.organization_id`,
      [projectId],
    );
    return rows.map((r: any) => ({ organizationId: r.organizationId, releasedRials: BigInt(r.releasedRials) }));
  }
}
