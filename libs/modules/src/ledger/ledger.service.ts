import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { debitAndCredit, pageOf, type ReleasePosting, releasePostings } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { pageRequest } from '../common/paging.dto';
import { Database } from '../database/database';
import { BalanceView, LedgerEntryPageView, LedgerQueryDto } from './dto';
import { LedgerRepository } from './ledger.repository';

export interface ReleaseToRecord {
  /** Unique per release; a second write with the same key records nothing. */
  businessKey: string;
  trancheId: string;
  projectId: string;
  amountRials: bigint;
  approvedBy: string;
  /** 1, 2, … within the tranche; 1 for a tranche paid whole. */
  installment?: number;
  /** The workflow step that paid it. */
  trancheSeq?: number;
  /** Who receives how much; the amounts sum to `amountRials`. */
  credits: Array<{ organizationId: string; amountRials: bigint }>;
}

/** Double-entry record of money released: debit the PBO treasury, credit the receiving agencies. */
@Injectable()
export class LedgerService {
  constructor(
    private readonly db: Database,
    private readonly repository: LedgerRepository,
  ) {}

  /**
   * Writes the release inside the caller's transaction. Returns the entry id and whether this call
   * created it (false: it existed already, nothing was written).
   */
  async recordRelease(tx: EntityManager, release: ReleaseToRecord): Promise<{ entryId: string; created: boolean }> {
    let postings: ReleasePosting[];
    try {
      postings = releasePostings(release.amountRials, release.credits);
    } catch (error) {
      throw new Error(`${(error as Error).message} for tranche ${release.trancheId}`, { cause: error });
    }
    const entryId = await this.repository.insertEntry(tx, release);
    if (entryId === null) {
      const existing = await this.repository.existingEntryId(tx, release.businessKey, release.trancheId, release.installment ?? 1);
      return { entryId: existing!, created: false };
    }
    for (const posting of postings) {
      const accountId = await this.repository.accountId(tx, posting.organizationId);
      await this.repository.insertPosting(tx, { entryId, accountId, projectId: release.projectId, ...debitAndCredit(posting.amountRials) });
      await this.repository.moveBalance(tx, accountId, posting.amountRials);
    }
    return { entryId, created: true };
  }

  /** Account balances; an agency user sees only its own account. */
  async balances(actor: Actor): Promise<BalanceView[]> {
    const found = await this.repository.balances(this.db.reader, actor.role === 'agency' ? actor.organizationId : null);
    return found.map((b) => ({ id: b.id, kind: b.kind, balanceRials: b.balanceRials.toString(), organization: b.organization }));
  }

  /** Ledger entries with their postings, newest first, a page at a time, by project or receiving agency (an agency: its own). */
  async entries(actor: Actor, query: LedgerQueryDto): Promise<LedgerEntryPageView> {
    const { limit, after } = pageRequest(query, 'ledger', ['instant', 'uuid']);
    const found = await this.repository.entries(
      this.db.reader,
      {
        projectId: query.projectId ?? null,
        organizationId: actor.role === 'agency' ? actor.organizationId : (query.organizationId ?? null),
      },
      limit + 1,
      after && [String(after[0]), String(after[1])],
    );
    const page = pageOf(found, limit, 'ledger', (e) => [e.cursorAt, e.id]);
    return {
      next: page.next,
      items: page.items.map((e) => ({
        id: e.id,
        businessKey: e.businessKey,
        trancheId: e.trancheId,
        trancheNumber: e.trancheNumber,
        projectId: e.projectId,
        projectCode: e.projectCode,
        amountRials: e.amountRials.toString(),
        approvedBy: e.approvedBy,
        createdAt: e.createdAt,
        postings: e.postings.map((p) => ({
          accountId: p.accountId,
          kind: p.kind,
          organizationId: p.organizationId,
          debitRials: p.debitRials.toString(),
          creditRials: p.creditRials.toString(),
        })),
      })),
    };
  }
}
