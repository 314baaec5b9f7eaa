import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ExistingFunding, FundedItemFacts, ReleaseRuleJson, TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user id fit for a uuid column, or null (a message sent to Temporal may name anything). */
export function uuidOrNull(id: string | null | undefined): string | null {
  return id && UUID.test(id) ? id : null;
}

export interface TrancheRow {
  id: string;
  projectId: string;
  number: number;
  title: string | null;
  amountRials: bigint;
  state: TrancheState;
  stateChangedAt: Date;
  createdBy: string;
  createdAt: Date;
  releasedAt: Date | null;
  /** As stored (core parseReleaseRule reads it). */
  releaseRule: ReleaseRuleJson;
  dueAt: Date | null;
  /** What its ledger entries add up to. */
  releasedRials: bigint;
  /** What its lapsed remainder gave up: carried into another tranche or returned to the budget. */
  givenUpRials: bigint;
}

/** What a tranche commits of its project's budget is judged from these (core committedRials). */
export interface TrancheCommitment {
  amountRials: bigint;
  state: TrancheState;
  releasedRials: bigint;
  givenUpRials: bigint;
}

/** A pipeline row with its sort key as PostgreSQL writes it (the cursor keeps every microsecond). */
export interface PagedTrancheRow extends TrancheRow {
  cursorAt: string;
}

export interface TrancheFilter {
  state?: TrancheState;
  projectId?: string;
  portfolioId?: string;
}

/** Who a tranche's workflow is started for. */
export interface TrancheRef {
  id: string;
  createdBy: string;
}

export interface NewTranche {
  projectId: string;
  number: number;
  title: string | null;
  amountRials: bigint;
  createdBy: string;
  fundedItemIds: string[];
  chainGateItemIds: string[];
  additionalGateItemIds: string[];
  allocations: Array<{ organizationId: string; amountRials: bigint }>;
  releaseRule: ReleaseRuleJson;
  dueAt: Date | null;
}

export interface TrancheEventToAppend {
  trancheId: string;
  seq: number;
  /** Recorded only if such a user exists. */
  actorId: string | null;
  fromState: TrancheState | null;
  toState: TrancheState;
  reason: string | null;
  detail: Record<string, unknown>;
}

type RawTranche = Omit<TrancheRow, 'amountRials' | 'releasedRials' | 'givenUpRials'> & {
  amountRials: string;
  releasedRials: string;
  givenUpRials: string;
};

const TRANCHE_COLUMNS_OF = (t: string) => `${t}.id, ${t}.project_id AS "projectId", ${t}.number, ${t}.title,
  ${t}.amount_rials::text AS "amountRials", ${t}.state, ${t}.state_changed_at AS "stateChangedAt", ${t}.created_by AS "createdBy",
  ${t}.created_at AS "createdAt", ${t}.released_at AS "releasedAt", ${t}.release_rule AS "releaseRule", ${t}.due_at AS "dueAt",
  ${t}.released_rials::text AS "releasedRials", ${t}.given_up_rials::text AS "givenUpRials"`;
const TRANCHE_COLUMNS = TRANCHE_COLUMNS_OF('tranches');

const toTranche = (r: RawTranche): TrancheRow => ({
  ...r,
  amountRials: BigInt(r.amountRials),
  releasedRials: BigInt(r.releasedRials),
  givenUpRials: BigInt(r.givenUpRials),
});

/** The tranches table and what creating a tranche reads and writes. */
@Injectable()
export class TranchesRepository {
  async find(m: EntityManager, id: string): Promise<TrancheRow | null> {
    const found = await row<RawTranche>(m, `SELECT ${TRANCHE_COLUMNS} FROM tranches WHERE id = $1`, [id]);
    return found && toTranche(found);
  }

  /** The pipeline: newest first, `limit` rows from after the key `after` (created_at as PostgreSQL's text, id). */
  async page(m: EntityManager, filter: TrancheFilter, limit: number, after: readonly [string, string] | null): Promise<PagedTrancheRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) where.push(`t.state = $${args.push(filter.state)}`);
    if (filter.projectId) where.push(`t.project_id = $${args.push(filter.projectId)}`);
    if (filter.portfolioId) where.push(`t.project_id IN (SELECT id FROM projects WHERE portfolio_id = $${args.push(filter.portfolioId)})`);
    if (after) where.push(`(t.created_at, t.id) < ($${args.push(after[0])}::timestamptz, $${args.push(after[1])}::uuid)`);
    const found = await rows<RawTranche & { cursorAt: string }>(
      m,
      `SELECT ${TRANCHE_COLUMNS_OF('t')}, t.created_at::text AS "cursorAt" FROM tranches t
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.created_at DESC, t.id DESC LIMIT $${args.push(limit)}`,
      args,
    );
    return found.map((r) => ({ ...toTranche(r), cursorAt: r.cursorAt }));
  }

  /** Every tranche of the project, newest first (a project has a handful). */
  async ofProject(m: EntityManager, projectId: string): Promise<TrancheRow[]> {
    const found = await rows<RawTranche>(
      m,
      `SELECT ${TRANCHE_COLUMNS_OF('t')} FROM tranches t WHERE t.project_id = $1 ORDER BY t.created_at DESC, t.id DESC`,
      [projectId],
    );
    return found.map(toTranche);
  }

  /** Locks the project (serialising its tranche creations) and reads its budget; null when there is no such project. */
  async lockProjectBudget(m: EntityManager, projectId: string): Promise<{ budgetRials: bigint | null } | null> {
    const found = await row<{ budgetRials: string | null }>(
      m,
      'SELECT budget_rials::text AS "budgetRials" FROM projects WHERE id = $1 FOR UPDATE',
      [projectId],
    );
    return found && { budgetRials: found.budgetRials === null ? null : BigInt(found.budgetRials) };
  }

  /** The live (not retired) items among `itemIds`, locked against change until the transaction ends. */
  async lockLiveItems(m: EntityManager, itemIds: string[]): Promise<FundedItemFacts[]> {
    const found = await rows<Omit<FundedItemFacts, 'budgetRials'> & { budgetRials: string }>(
      m,
      `SELECT id, code, budget_rials::text AS "budgetRials", project_id AS "projectId", owner_agency_id AS "ownerAgencyId"
         FROM action_items WHERE id = ANY($1::uuid[]) AND removed_at IS NULL ORDER BY id FOR SHARE`,
      [itemIds],
    );
    return found.map((f) => ({ ...f, budgetRials: BigInt(f.budgetRials) }));
  }

  /** The ids among `itemIds` of live items. */
  async liveItemIds(m: EntityManager, itemIds: string[]): Promise<string[]> {
    const found = await rows<{ id: string }>(m, 'SELECT id FROM action_items WHERE id = ANY($1::uuid[]) AND removed_at IS NULL', [
      itemIds,
    ]);
    return found.map((f) => f.id);
  }

  /** Every tranche (in any state) funding one of these items. */
  async fundingsOf(m: EntityManager, itemIds: string[]): Promise<ExistingFunding[]> {
    return rows<ExistingFunding>(
      m,
      `SELECT i.code AS "itemCode", t.number AS "trancheNumber", t.state AS "trancheState" FROM tranche_items ti
         JOIN tranches t ON t.id = ti.tranche_id JOIN action_items i ON i.id = ti.item_id
        WHERE ti.role = 'funds' AND ti.item_id = ANY($1::uuid[]) ORDER BY i.code, t.number`,
      [itemIds],
    );
  }

  /** The money and state of each of the project's tranches (for the budget cap, core committedRials). */
  async amountsOfProject(m: EntityManager, projectId: string): Promise<TrancheCommitment[]> {
    const found = await rows<{ amountRials: string; state: TrancheState; releasedRials: string; givenUpRials: string }>(
      m,
      `SELECT amount_rials::text AS "amountRials", state, released_rials::text AS "releasedRials",
              given_up_rials::text AS "givenUpRials" FROM tranches WHERE project_id = $1`,
      [projectId],
    );
    return found.map((t) => ({
      amountRials: BigInt(t.amountRials),
      state: t.state,
      releasedRials: BigInt(t.releasedRials),
      givenUpRials: BigInt(t.givenUpRials),
    }));
  }

  async nextNumber(m: EntityManager, projectId: string): Promise<number> {
    const found = await row<{ next: number }>(m, 'SELECT coalesce(max(number), 0) + 1 AS next FROM tranches WHERE project_id = $1', [
      projectId,
    ]);
    return Number(found!.next);
  }

  /** Writes the tranche, its funded and gating items and its allocations; returns its id. */
  async insert(m: EntityManager, t: NewTranche): Promise<string> {
    const created = await row<{ id: string }>(
      m,
      `INSERT INTO tranches (project_id, number, title, amount_rials, state, state_seq, created_by, workflow_started, release_rule, due_at)
       VALUES ($1, $2, $3, $4, 'waiting_on_items', 0, $5, false, $6, $7) RETURNING id`,
      [t.projectId, t.number, t.title, t.amountRials.toString(), t.createdBy, JSON.stringify(t.releaseRule), t.dueAt],
    );
    const id = created!.id;
    const items = [
      ...t.fundedItemIds.map((itemId) => [itemId, 'funds', null]),
      ...t.chainGateItemIds.map((itemId) => [itemId, 'gate', 'chain']),
      ...t.additionalGateItemIds.map((itemId) => [itemId, 'gate', 'additional']),
    ];
    await m.query(
      `INSERT INTO tranche_items (tranche_id, item_id, role, source)
       SELECT $1, i, r, s FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(i, r, s)`,
      [id, items.map((i) => i[0]), items.map((i) => i[1]), items.map((i) => i[2])],
    );
    await m.query(
      `INSERT INTO tranche_allocations (tranche_id, organization_id, amount_rials)
       SELECT $1, o, a FROM unnest($2::uuid[], $3::numeric[]) AS x(o, a)`,
      [id, t.allocations.map((a) => a.organizationId), t.allocations.map((a) => a.amountRials.toString())],
    );
    return id;
  }

  /** Appends a step to the tranche's history; false when that step (tranche, seq) was written already. */
  async appendEvent(m: EntityManager, e: TrancheEventToAppend): Promise<boolean> {
    const inserted = await rows<{ id: string }>(
      m,
      `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
       VALUES ($1, $2, (SELECT id FROM users WHERE id = $3::uuid), $4, $5, $6, $7)
       ON CONFLICT (tranche_id, seq) DO NOTHING RETURNING id`,
      [e.trancheId, e.seq, uuidOrNull(e.actorId), e.fromState, e.toState, e.reason, e.detail],
    );
    return inserted.length > 0;
  }

  /** The tranche's state, its row locked until the transaction ends; null when there is no such tranche. */
  async lockState(m: EntityManager, id: string): Promise<TrancheState | null> {
    const found = await row<{ state: TrancheState }>(m, 'SELECT state FROM tranches WHERE id = $1 FOR UPDATE', [id]);
    return found?.state ?? null;
  }

  /** Moves the state column, only ever to a newer transition than the one that set it. */
  async advanceState(m: EntityManager, id: string, to: TrancheState, seq: number): Promise<void> {
    await m.query(`UPDATE tranches SET state = $2, state_seq = $3, state_changed_at = now() WHERE id = $1 AND state_seq < $3`, [
      id,
      to,
      seq,
    ]);
  }

  async markWorkflowStarted(m: EntityManager, id: string): Promise<void> {
    await m.query('UPDATE tranches SET workflow_started = true WHERE id = $1', [id]);
  }

  /** Tranches not in `finished` states whose workflow Temporal never confirmed, oldest first. */
  async withoutWorkflow(m: EntityManager, finished: readonly TrancheState[], limit: number): Promise<TrancheRef[]> {
    return rows<TrancheRef>(
      m,
      `SELECT id, created_by AS "createdBy" FROM tranches
        WHERE NOT workflow_started AND state <> ALL($1::text[]) ORDER BY created_at LIMIT $2`,
      [finished, limit],
    );
  }
}
