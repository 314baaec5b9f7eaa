import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { currentAuditActor } from '../audit/audit-context';

/**
 * The one door to PostgreSQL for services and repositories.
 *
 * - `transaction(work)` opens a transaction, names the acting user for the audit triggers with
 *   `SET LOCAL` (so the setting ends with the transaction and cannot leak to the next borrower of the
 *   pooled connection), and hands `work` the transaction's manager. The manager is passed down to
 *   every repository call; nothing inside reopens a transaction or reads through the pool, because a
 *   flow holding one pooled connection while waiting for a second can deadlock a saturated pool.
 * - `reader` is for reads outside any transaction. Asked for inside one, it throws: pass `tx` instead.
 *
 * Lock order (every transaction that locks more than one kind of row takes them in this order, each
 * kind sorted by id, so two transactions never wait on each other in a cycle):
 *   projects → action_items → progress_declarations → tranches → committee_holds → escalation_cases.
 */
@Injectable()
export class Database {
  private readonly open = new AsyncLocalStorage<true>();

  constructor(@InjectDataSource() private readonly source: DataSource) {}

  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.open.getStore()) {
      throw new Error('a transaction is already open in this flow: pass its manager down instead of opening another');
    }
    return this.open.run(true, () =>
      this.source.transaction(async (tx) => {
        const actor = currentAuditActor();
        await tx.query("SELECT set_config('pelekan.actor_id', $1, true), set_config('pelekan.context', $2, true)", [
          actor.actorId,
          actor.context ?? '',
        ]);
        return work(tx);
      }),
    );
  }

  /** Reads outside a transaction. Inside one it throws: a second pooled connection is how pools deadlock. */
  get reader(): EntityManager {
    if (this.open.getStore()) {
      throw new Error('a transaction is open in this flow: read through its manager, not through the pool');
    }
    return this.source.manager;
  }

  /** True when PostgreSQL answers (health checks). */
  async ping(): Promise<boolean> {
    try {
      await this.source.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Rows of a query, typed. TypeORM answers UPDATE/DELETE … RETURNING with `[rows, count]`; this gives
 * the rows either way, so repositories need not know which statement kind they sent.
 */
export async function rows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** The first row of a query, or null. */
export async function row<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T | null> {
  const found = await rows<T>(manager, sql, params);
  return found[0] ?? null;
}

let cursors = 0;

/**
 * A query's rows `size` at a time, through a cursor of the caller's transaction `tx`: memory holds one
 * batch however large the result (the open-data and open-standards files stream through this).
 */
export async function* cursorBatches<T>(tx: EntityManager, sql: string, size: number): AsyncGenerator<T[]> {
  const name = `pelekan_cursor_${++cursors}`;
  await tx.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
  try {
    for (;;) {
      const batch = await rows<T>(tx, `FETCH ${size} FROM ${name}`);
      if (batch.length > 0) yield batch;
      if (batch.length < size) return;
    }
  } finally {
    await tx.query(`CLOSE ${name}`).catch(() => undefined);
  }
}
