import type { EntityManager } from 'typeorm';
import { row } from '../database/database';

const RETENTION = '24 hours';
/** An `in_progress` key older than this belongs to a request that died; a repeat may take it over. */
const ABANDONED_AFTER = '5 minutes';

export interface KeyToReserve {
  userId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

/** A key as the first request with it left it. */
export interface StoredKeyRow {
  method: string;
  path: string;
  requestHash: string;
  state: 'in_progress' | 'done';
  status: number | null;
  type: string | null;
  body: string | null;
}

export interface StoredAnswer {
  status: number;
  type: string | null;
  body: string;
}

/** The idempotency_keys table (not audited: it records requests, not state). Kept 24 hours. */
export class IdempotencyRepository {
  async purgeExpired(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '${RETENTION}'`);
  }

  /**
   * Reserves the key for this request; also takes over a key expired or abandoned by a request with
   * the same fingerprint. Null when another request holds it.
   */
  async reserve(tx: EntityManager, request: KeyToReserve): Promise<string | null> {
    const reserved = await row<{ id: string }>(
      tx,
      `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, key) DO UPDATE
         SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
             state = 'in_progress', created_at = now(), response_status = NULL, response_type = NULL, response_body = NULL
       WHERE idempotency_keys.created_at < now() - interval '${RETENTION}'
          OR (idempotency_keys.state = 'in_progress' AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}'
              AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING id::text AS id`,
      [request.userId, request.key, request.method, request.path, request.requestHash],
    );
    return reserved?.id ?? null;
  }

  find(m: EntityManager, userId: string, key: string): Promise<StoredKeyRow | null> {
    return row<StoredKeyRow>(
      m,
      `SELECT method, path, request_hash AS "requestHash", state, response_status AS "status",
              response_type AS "type", response_body AS "body"
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
  }

  async storeAnswer(tx: EntityManager, id: string, answer: StoredAnswer): Promise<void> {
    await tx.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $2, response_type = $3, response_body = $4, completed_at = now()
        WHERE id = $1`,
      [id, answer.status, answer.type, answer.body],
    );
  }

  /** Frees a key whose answer is not kept (5xx, transient refusals): the client may retry with it. */
  async release(tx: EntityManager, id: string): Promise<void> {
    await tx.query(`DELETE FROM idempotency_keys WHERE id = $1 AND state = 'in_progress'`, [id]);
  }
}
