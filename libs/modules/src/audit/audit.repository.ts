import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { AuditedRows } from './dto';

export interface AuditHeadRow {
  uptoId: string;
  headHash: string;
}

/** What audit_verify() finds walking the hash chain inside PostgreSQL. */
export interface ChainCheckRow {
  ok: boolean;
  checked: string;
  firstBadId: string | null;
  problem: string | null;
  headId: string;
  headHash: string;
}

export interface NewSeal {
  uptoId: string;
  headHash: string;
  prevUptoId: string | null;
  mac: string;
}

/** A seal with what it is checked against: the sealed row's hash now, and whether the seal before it exists. */
export interface SealCheckRow {
  uptoId: string;
  headHash: string;
  prevUptoId: string | null;
  mac: string;
  logHash: string | null;
  prevFound: boolean;
}

export interface AuditEntryRow {
  id: string;
  at: Date;
  actor: string;
  actorUsername: string | null;
  context: string | null;
  table: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  rowKey: Record<string, unknown>;
  before: AuditedRows | null;
  after: AuditedRows | null;
  hash: string;
}

export interface AuditEntryFilter {
  table: string | null;
  rowId: string | null;
  actor: string | null;
  afterId: string | null;
  limit: number;
}

/** The hash-chained audit log (written by triggers), its head and its AUDIT_KEY seals. */
@Injectable()
export class AuditRepository {
  head(m: EntityManager): Promise<AuditHeadRow | null> {
    return row<AuditHeadRow>(m, 'SELECT last_id::text AS "uptoId", last_hash AS "headHash" FROM audit_head');
  }

  async lastSealedId(m: EntityManager): Promise<string | null> {
    return (await row<{ uptoId: string }>(m, 'SELECT upto_id::text AS "uptoId" FROM audit_seals ORDER BY upto_id DESC LIMIT 1'))?.uptoId ?? null;
  }

  /** Inserts the seal; another process sealing the same head first is no error. */
  async insertSeal(tx: EntityManager, seal: NewSeal): Promise<void> {
    await tx.query(
      'INSERT INTO audit_seals (upto_id, head_hash, prev_upto_id, mac) VALUES ($1, $2, $3, $4) ON CONFLICT (upto_id) DO NOTHING',
      [seal.uptoId, seal.headHash, seal.prevUptoId, seal.mac],
    );
  }

  async checkChain(m: EntityManager): Promise<ChainCheckRow> {
    const found = await row<ChainCheckRow>(
      m,
      `SELECT ok, checked::text AS checked, first_bad_id::text AS "firstBadId", problem, head_id::text AS "headId",
              head_hash AS "headHash" FROM audit_verify()`,
    );
    return found!;
  }

  /** Seals after row `afterId`, in order, at most `limit`. */
  sealsAfter(m: EntityManager, afterId: string, limit: number): Promise<SealCheckRow[]> {
    return rows<SealCheckRow>(
      m,
      `SELECT s.upto_id::text AS "uptoId", s.head_hash AS "headHash", s.prev_upto_id::text AS "prevUptoId", s.mac,
              a.hash AS "logHash", (s.prev_upto_id IS NULL OR p.upto_id IS NOT NULL) AS "prevFound"
         FROM audit_seals s LEFT JOIN audit_log a ON a.id = s.upto_id LEFT JOIN audit_seals p ON p.upto_id = s.prev_upto_id
        WHERE s.upto_id > $1 ORDER BY s.upto_id LIMIT $2`,
      [afterId, limit],
    );
  }

  entries(m: EntityManager, filter: AuditEntryFilter): Promise<AuditEntryRow[]> {
    return rows<AuditEntryRow>(
      m,
      `SELECT a.id::text AS id, a.at, a.actor, u.username AS "actorUsername", a.context, a.table_name AS "table", a.op,
              a.row_key AS "rowKey", a.before, a.after, a.hash
         FROM audit_log a LEFT JOIN users u ON u.id::text = a.actor
        WHERE ($1::text IS NULL OR a.table_name = $1)
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_each_text(a.row_key) k WHERE k.value = $2))
          AND ($3::text IS NULL OR a.actor = $3)
          AND ($4::bigint IS NULL OR a.id > $4)
        ORDER BY a.id DESC
        LIMIT $5`,
      [filter.table, filter.rowId, filter.actor, filter.afterId, filter.limit],
    );
  }
}
