import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface AuditVerification {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** The first row that was edited, removed or inserted out of the chain; null when ok. */
  firstBadId: string | null;
  problem: string | null;
  /** The chain's head: record it elsewhere to detect a rewrite of the whole chain later. */
  head: { id: string; hash: string };
}

/** Reads and verifies the hash-chained audit log (written by database triggers, see the migration). */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async verify(): Promise<AuditVerification> {
    return verifyAuditChain(this.db);
  }

  async entries(filter: { table?: string; rowId?: string; actor?: string; afterId?: string; limit?: number }) {
    const rows = await this.db.query(
      `SELECT a.id::text AS id, a.at, a.actor, u.username AS "actorUsername", a.context, a.table_name AS "table", a.op,
              a.row_key AS "rowKey", a.before, a.after, a.hash
         FROM audit_log a LEFT JOIN users u ON u.id::text = a.actor
        WHERE ($1::text IS NULL OR a.table_name = $1)
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_each_text(a.row_key) k WHERE k.value = $2))
          AND ($3::text IS NULL OR a.actor = $3)
          AND ($4::bigint IS NULL OR a.id > $4)
        ORDER BY a.id DESC
        LIMIT $5`,
      [filter.table ?? null, filter.rowId ?? null, filter.actor ?? null, filter.afterId ?? null, filter.limit ?? 100],
    );
    return rows;
  }
}

/** Shared by the endpoint and the `verify-audit` command. */
export async function verifyAuditChain(db: { query: (sql: string) => Promise<any[]> }): Promise<AuditVerification> {
  const [row] = await db.query(
    'SELECT ok, checked::text AS checked, first_bad_id::text AS "firstBadId", problem, head_id::text AS "headId", head_hash AS "headHash" FROM audit_verify()',
  );
  return {
    ok: row.ok,
    checked: Number(row.checked),
    firstBadId: row.firstBadId,
    problem: row.problem,
    head: { id: row.headId, hash: row.headHash },
  };
}
