import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { sealAuditHead, verifyAuditChain } from './audit-chain';
import { AuditRepository } from './audit.repository';
import { AuditEntryView, AuditVerificationView } from './dto';

export { type AuditVerification, sealAuditHead, sealMac, verifyAuditChain } from './audit-chain';

/**
 * Reads, verifies and seals the hash-chained audit log (written by database triggers, see the
 * migrations). The sha-256 chain shows any row edited, removed or inserted out of order; the HMAC
 * seals show a chain recomputed from inside PostgreSQL, which the chain alone cannot.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly repository: AuditRepository,
    private readonly config: AppConfig,
  ) {}

  verify(): Promise<AuditVerificationView> {
    return verifyAuditChain(this.db.reader, this.config.AUDIT_KEY);
  }

  /** Seals the chain's current head, if it moved since the last seal. Safe to run from several processes at once. */
  seal(): Promise<{ uptoId: string } | null> {
    return this.db.transaction((tx) => sealAuditHead(tx, this.config.AUDIT_KEY));
  }

  async entries(filter: { table?: string; rowId?: string; actor?: string; afterId?: string; limit?: number }): Promise<AuditEntryView[]> {
    const found = await this.repository.entries(this.db.reader, {
      table: filter.table ?? null,
      rowId: filter.rowId ?? null,
      actor: filter.actor ?? null,
      afterId: filter.afterId ?? null,
      limit: filter.limit ?? 100,
    });
    return found.map((e) => ({
      id: e.id,
      at: e.at,
      actor: e.actor,
      actorUsername: e.actorUsername,
      context: e.context,
      table: e.table,
      op: e.op,
      rowKey: e.rowKey,
      before: e.before,
      after: e.after,
      hash: e.hash,
    }));
  }
}
