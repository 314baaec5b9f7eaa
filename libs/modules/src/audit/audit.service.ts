import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';

export interface AuditVerification {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** The first row that was edited, removed or inserted out of the chain; null when ok. */
  firstBadId: string | null;
  problem: string | null;
  /** The chain's head: record it elsewhere to detect a rewrite of the whole chain later. */
  head: { id: string; hash: string };
  /** HMAC seals checked, and the last row they cover (rows after it are not sealed yet). */
  seals: { checked: number; sealedUpTo: string | null };
}

type Queryable = { query: (sql: string, args?: unknown[]) => Promise<any[]> };

/** The seal over a chain head: an HMAC under AUDIT_KEY, a key the database never sees. */
export function sealMac(key: string, seal: { uptoId: string; headHash: string; prevUptoId: string | null }): string {
  return createHmac('sha256', key).update(`pelekan-audit-seal\n${seal.uptoId}\n${seal.headHash}\n${seal.prevUptoId ?? ''}`).digest('hex');
}

/**
 * Reads, verifies and seals the hash-chained audit log (written by database triggers, see the
 * migrations). The sha-256 chain shows any row edited, removed or inserted out of order; the HMAC
 * seals show a chain recomputed from inside PostgreSQL, which the chain alone cannot.
 */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async verify(): Promise<AuditVerification> {
    return verifyAuditChain(this.db, this.config.AUDIT_KEY);
  }

  /** Seals the chain's current head, if it moved since the last seal. Safe to run from several processes at once. */
  async seal(): Promise<{ uptoId: string } | null> {
    return sealAuditHead(this.db, this.config.AUDIT_KEY);
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

export async function sealAuditHead(db: Queryable, key: string): Promise<{ uptoId: string } | null> {
  const [head] = await db.query('SELECT last_id::text AS "uptoId", last_hash AS "headHash" FROM audit_head');
  if (!head || head.uptoId === '0') return null;
  const [last] = await db.query('SELECT upto_id::text AS "uptoId" FROM audit_seals ORDER BY upto_id DESC LIMIT 1');
  if (last && BigInt(last.uptoId) >= BigInt(head.uptoId)) return null;
  const seal = { uptoId: head.uptoId, headHash: head.headHash, prevUptoId: last?.uptoId ?? null };
  await db.query(
    'INSERT INTO audit_seals (upto_id, head_hash, prev_upto_id, mac) VALUES ($1, $2, $3, $4) ON CONFLICT (upto_id) DO NOTHING',
    [seal.uptoId, seal.headHash, seal.prevUptoId, sealMac(key, seal)],
  );
  return { uptoId: seal.uptoId };
}

/** Shared by the endpoint and the `verify-audit` command: the chain in PostgreSQL, then every seal with the key. */
export async function verifyAuditChain(db: Queryable, key: string): Promise<AuditVerification> {
  const [row] = await db.query(
    'SELECT ok, checked::text AS checked, first_bad_id::text AS "firstBadId", problem, head_id::text AS "headId", head_hash AS "headHash" FROM audit_verify()',
  );
  const result: AuditVerification = {
    ok: row.ok,
    checked: Number(row.checked),
    firstBadId: row.firstBadId,
    problem: row.problem,
    head: { id: row.headId, hash: row.headHash },
    seals: { checked: 0, sealedUpTo: null },
  };
  let after = '0';
  for (;;) {
    const seals: Array<{ uptoId: string; headHash: string; prevUptoId: string | null; mac: string; logHash: string | null; prevFound: boolean }> =
      await db.query(
        `SELECT s.upto_id::text AS "uptoId", s.head_hash AS "headHash", s.prev_upto_id::text AS "prevUptoId", s.mac,
                a.hash AS "logHash", (s.prev_upto_id IS NULL OR p.upto_id IS NOT NULL) AS "prevFound"
           FROM audit_seals s LEFT JOIN audit_log a ON a.id = s.upto_id LEFT JOIN audit_seals p ON p.upto_id = s.prev_upto_id
          WHERE s.upto_id > $1 ORDER BY s.upto_id LIMIT 5000`,
        [after],
      );
    for (const seal of seals) {
      const expected = Buffer.from(sealMac(key, seal), 'hex');
      const actual = Buffer.from(seal.mac, 'hex');
      const problem =
        actual.length !== expected.length || !timingSafeEqual(actual, expected)
          ? `the seal over row ${seal.uptoId} was not made with this AUDIT_KEY (forged or altered)`
          : seal.logHash !== seal.headHash
            ? `rows ${BigInt(result.seals.sealedUpTo ?? '0') + 1n} to ${seal.uptoId} were rewritten and the chain recomputed: ` +
              `row ${seal.uptoId}'s hash differs from the one sealed with AUDIT_KEY`
            : !seal.prevFound
              ? `the seal before row ${seal.uptoId} (over row ${seal.prevUptoId}) is missing`
              : null;
      if (problem && result.ok) {
        result.ok = false;
        // The rewrite lies after the last seal that still holds.
        result.firstBadId = seal.logHash !== seal.headHash ? String(BigInt(result.seals.sealedUpTo ?? '0') + 1n) : seal.uptoId;
        result.problem = problem;
      }
      if (problem) return result;
      result.seals.checked++;
      result.seals.sealedUpTo = seal.uptoId;
    }
    if (seals.length < 5000) return result;
    after = seals[seals.length - 1].uptoId;
  }
}
