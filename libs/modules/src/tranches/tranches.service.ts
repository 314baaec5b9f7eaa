import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { allocateProportionally, isTerminal, parseRials, refuseDecision, sumRials } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { ProjectsService } from '../projects/projects.service';
import { CreateTrancheDto, TrancheDecisionDto, TrancheQueryDto } from './dto';
import { Tranche, TrancheItem } from './tranche.entities';
import { CommitteeHold, CommitteeHolds } from './committee-holds';
import { TrancheGates } from './tranche-gates';
import { refusalAsError, TrancheWorkflows } from './tranche-workflows';

export interface GateItemView {
  id: string;
  code: string;
  projectId: string;
  projectCode: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  declaredPercent: number;
  source: 'chain' | 'additional';
  /** The pending declaration the committee has yet to decide, if any. */
  pendingDeclaration: { id: string; percent: number; declaredAt: string } | null;
}

@Injectable()
export class TranchesService implements OnModuleInit {
  private readonly logger = new Logger(TranchesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projects: ProjectsService,
    private readonly workflows: TrancheWorkflows,
    private readonly gates: TrancheGates,
    private readonly holds: CommitteeHolds,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('itemVerificationChanged', ({ itemIds }) => this.gates.nudgeTranchesGatedBy(itemIds));
  }

  /**
   * Creates a tranche, gated by the action chain: the funded items' predecessors (in this project or
   * another) must be 100% verified before it can be approved.
   */
  async create(actor: Actor, projectId: string, dto: CreateTrancheDto) {
    const tranche = await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      if (project.budgetRials === null) {
        throw new Conflict("the project's budget is not set yet; set it before creating tranches", 'budget_not_set');
      }

      const funded: Array<{ id: string; code: string; budgetRials: string; projectId: string; ownerAgencyId: string }> =
        await tx.query(
          `SELECT id, code, budget_rials::text AS "budgetRials", project_id AS "projectId", owner_agency_id AS "ownerAgencyId"
             FROM action_items WHERE id = ANY($1::uuid[]) AND removed_at IS NULL ORDER BY id FOR SHARE`,
          [dto.fundedItemIds],
        );
      for (const itemId of dto.fundedItemIds) {
        const item = funded.find((f) => f.id === itemId);
        if (!item) throw InvalidInput.field('fundedItemIds', `item ${itemId} does not exist or was retired`);
        if (item.projectId !== projectId) {
          throw InvalidInput.field('fundedItemIds', `item ${item.code} belongs to another project`);
        }
      }
      const alreadyFunded = await tx.query(
        `SELECT i.code, t.number FROM tranche_items ti
           JOIN tranches t ON t.id = ti.tranche_id JOIN action_items i ON i.id = ti.item_id
          WHERE ti.role = 'funds' AND ti.item_id = ANY($1::uuid[]) AND t.state <> 'rejected'`,
        [dto.fundedItemIds],
      );
      if (alreadyFunded.length > 0) {
        const list = alreadyFunded.map((r: any) => `${r.code} (tranche ${r.number})`).join(', ');
        throw InvalidInput.field('fundedItemIds', `already funded by another tranche: ${list}`);
      }

      const fundedBudget = sumRials(funded.map((f) => BigInt(f.budgetRials)));
      const amount = dto.amountRials === undefined ? fundedBudget : parseRials(dto.amountRials);
      if (amount <= 0n) {
        throw InvalidInput.field('amountRials', 'a tranche must release more than 0 rials');
      }
      if (amount > fundedBudget) {
        throw InvalidInput.field(
          'amountRials',
          `${amount} rials is more than the funded items' budgets (${fundedBudget} rials)`,
        );
      }
      const [{ committed }] = await tx.query(
        `SELECT coalesce(sum(amount_rials), 0)::text AS committed FROM tranches WHERE project_id = $1 AND state <> 'rejected'`,
        [projectId],
      );
      if (BigInt(committed) + amount > project.budgetRials) {
        throw InvalidInput.field(
          'amountRials',
          `the project's tranches would fund ${BigInt(committed) + amount} rials, more than its budget of ${project.budgetRials}`,
        );
      }

      const gate = await this.gates.chainGateOf(tx, dto.fundedItemIds);
      const additional = (dto.additionalGateItemIds ?? []).filter((id) => !gate.includes(id));
      if (additional.length > 0) {
        const found: Array<{ id: string }> = await tx.query(
          'SELECT id FROM action_items WHERE id = ANY($1::uuid[]) AND removed_at IS NULL',
          [additional],
        );
        const missing = additional.filter((id) => !found.some((f) => f.id === id));
        if (missing.length) throw InvalidInput.field('additionalGateItemIds', `unknown items: ${missing.join(', ')}`);
        if (additional.some((id) => dto.fundedItemIds.includes(id))) {
          throw InvalidInput.field('additionalGateItemIds', 'a tranche cannot be gated on an item it funds');
        }
      }

      const [{ next }] = await tx.query(
        'SELECT coalesce(max(number), 0) + 1 AS next FROM tranches WHERE project_id = $1',
        [projectId],
      );
      const saved = await tx.save(
        tx.create(Tranche, {
          projectId,
          number: next,
          title: dto.title ?? null,
          amountRials: amount,
          state: 'waiting_on_items',
          stateSeq: 0,
          stateChangedAt: new Date(),
          createdBy: actor.userId,
          releasedAt: null,
          workflowStarted: false,
        }),
      );
      await tx.insert(TrancheItem, [
        ...dto.fundedItemIds.map((itemId) => ({ trancheId: saved.id, itemId, role: 'funds' as const, source: null })),
        ...gate.map((itemId) => ({ trancheId: saved.id, itemId, role: 'gate' as const, source: 'chain' as const })),
        ...additional.map((itemId) => ({
          trancheId: saved.id,
          itemId,
          role: 'gate' as const,
          source: 'additional' as const,
        })),
      ]);
      // Who receives how much is fixed now: a later revision of owners or budgets cannot redirect it.
      const owners = [...new Set(funded.map((f) => f.ownerAgencyId))].sort();
      const shares = allocateProportionally(
        amount,
        owners.map((o) => sumRials(funded.filter((f) => f.ownerAgencyId === o).map((f) => BigInt(f.budgetRials)))),
      );
      await tx.query(
        `INSERT INTO tranche_allocations (tranche_id, organization_id, amount_rials)
         SELECT $1, o, a FROM unnest($2::uuid[], $3::numeric[]) AS x(o, a)`,
        [saved.id, owners, shares.map(String)],
      );
      await tx.query(
        `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
         VALUES ($1, 0, $2, NULL, 'waiting_on_items', 'created', $3)`,
        [saved.id, actor.userId, { amountRials: amount.toString(), gate: gate.length + additional.length }],
      );
      return saved;
    });
    await this.startWorkflow(tranche);
    return this.get(tranche.id);
  }

  private async startWorkflow(tranche: { id: string; createdBy: string }): Promise<void> {
    try {
      await this.workflows.start(tranche);
      await this.db.query('UPDATE tranches SET workflow_started = true WHERE id = $1', [tranche.id]);
    } catch (error) {
      // The tranche is saved; the reconciler starts its workflow once Temporal answers again.
      this.logger.warn(`tranche ${tranche.id} saved but its workflow did not start yet: ${(error as Error).message}`);
    }
  }

  /** Starts the workflows of tranches saved while Temporal was unreachable. */
  async startPendingWorkflows(limit = 500): Promise<number> {
    const pending: Array<{ id: string; createdBy: string }> = await this.db.query(
      `SELECT id, created_by AS "createdBy" FROM tranches
        WHERE NOT workflow_started AND state <> ALL($1::text[]) ORDER BY created_at LIMIT $2`,
      [['released', 'rejected'], limit],
    );
    for (const tranche of pending) await this.startWorkflow(tranche);
    return pending.length;
  }

  async requireTranche(id: string): Promise<Tranche> {
    const tranche = await this.db.manager.findOneBy(Tranche, { id });
    if (!tranche) throw new NotFound('tranche', id);
    return tranche;
  }

  /**
   * A PBO decision: checked here for a quick, clear refusal, then decided by the workflow (the
   * authority). An approval is first recorded as this authenticated officer's: the payment
   * transaction pays only against such a record, so an approval sent to Temporal directly pays nothing.
   */
  async decide(actor: Actor, id: string, dto: TrancheDecisionDto) {
    const tranche = await this.requireTranche(id);
    const decision = { action: dto.action, actorId: actor.userId, reason: dto.reason?.trim() || undefined };
    const committeeHold = (await this.holds.active([tranche.projectId])).length > 0;
    const refusal = refuseDecision({ state: tranche.state, createdBy: tranche.createdBy, committeeHold }, decision);
    if (refusal) throw refusalAsError(refusal.code, refusal.message);
    let approvalId: string | null = null;
    if (dto.action === 'approve') {
      const [row] = await this.db.query('INSERT INTO tranche_approvals (tranche_id, approved_by) VALUES ($1, $2) RETURNING id', [
        id,
        actor.userId,
      ]);
      approvalId = row.id as string;
    }
    try {
      await this.workflows.decide(tranche, decision);
    } catch (error) {
      if (approvalId) {
        await this.db.query(
          `UPDATE tranche_approvals SET status = 'voided', closed_at = now(), close_reason = $2 WHERE id = $1 AND status = 'requested'`,
          [approvalId, `the workflow refused the approval: ${(error as Error).message}`.slice(0, 500)],
        );
      }
      throw error;
    }
    return this.get(id);
  }

  /** The tranche with what it funds, what gates it, what it still waits on, and its history. */
  async get(id: string) {
    const tranche = await this.requireTranche(id);
    const [funded, gate, history, ledger, allocations, gateChanges] = await Promise.all([
      this.db.query(
        `SELECT i.id, i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn", i.owner_agency_id AS "ownerAgencyId",
                i.budget_rials::text AS "budgetRials", i.verified_percent AS "verifiedPercent"
           FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
          WHERE ti.tranche_id = $1 AND ti.role = 'funds' ORDER BY i.code`,
        [id],
      ),
      this.gateItems([id]),
      this.db.query(
        `SELECT e.seq, e.at, e.from_state AS "fromState", e.to_state AS "toState", e.reason, e.detail,
                CASE WHEN u.id IS NULL THEN NULL
                     ELSE json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name, 'role', u.role)
                END AS actor
           FROM tranche_events e LEFT JOIN users u ON u.id = e.actor_id
          WHERE e.tranche_id = $1 ORDER BY e.seq`,
        [id],
      ),
      this.db.query(
        `SELECT id, amount_rials::text AS "amountRials", created_at AS "createdAt" FROM ledger_entries WHERE tranche_id = $1`,
        [id],
      ),
      this.db.query(
        `SELECT a.organization_id AS "organizationId", o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn",
                a.amount_rials::text AS "amountRials"
           FROM tranche_allocations a JOIN organizations o ON o.id = a.organization_id WHERE a.tranche_id = $1 ORDER BY o.code`,
        [id],
      ),
      this.gates.history(id),
    ]);
    const gateItems = gate.get(id) ?? [];
    const holds = await this.holds.active([tranche.projectId]);
    return {
      ...tranche,
      fundedItems: funded.map((f: any) => ({ ...f, budgetRials: BigInt(f.budgetRials) })),
      gate: gateItems,
      committeeHolds: holds,
      waitsOn: waitsOn(tranche, gateItems, holds),
      allocations,
      history,
      gateChanges,
      ledgerEntry: ledger[0] ? { ...ledger[0], amountRials: BigInt(ledger[0].amountRials) } : null,
    };
  }

  /** The release pipeline: tranches by state, each with what it waits on. */
  async list(filter: TrancheQueryDto) {
    const rows: Tranche[] = await this.db.manager
      .createQueryBuilder(Tranche, 't')
      .where(filter.state ? 't.state = :state' : '1=1', { state: filter.state })
      .andWhere(filter.projectId ? 't.project_id = :projectId' : '1=1', { projectId: filter.projectId })
      .orderBy('t.created_at', 'DESC')
      .limit(1000)
      .getMany();
    const gates = await this.gateItems(rows.map((r) => r.id));
    const holds = await this.holds.active([...new Set(rows.map((r) => r.projectId))]);
    return rows.map((t) => {
      const mine = holds.filter((h) => h.projectId === t.projectId);
      return { ...t, committeeHolds: mine, waitsOn: waitsOn(t, gates.get(t.id) ?? [], mine) };
    });
  }

  private async gateItems(trancheIds: string[]): Promise<Map<string, GateItemView[]>> {
    const rows: Array<GateItemView & { trancheId: string }> = await this.db.query(
      `SELECT ti.tranche_id AS "trancheId", i.id, i.code, i.project_id AS "projectId", p.code AS "projectCode",
              i.title_fa AS "titleFa", i.title_en AS "titleEn", i.verified_percent AS "verifiedPercent",
              i.declared_percent AS "declaredPercent", ti.source,
              (SELECT json_build_object('id', d.id, 'percent', d.percent, 'declaredAt', d.declared_at)
                 FROM progress_declarations d WHERE d.item_id = i.id AND d.status = 'pending') AS "pendingDeclaration"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id JOIN projects p ON p.id = i.project_id
        WHERE ti.tranche_id = ANY($1::uuid[]) AND ti.role = 'gate'
        ORDER BY p.code, i.code`,
      [trancheIds],
    );
    const result = new Map<string, GateItemView[]>();
    for (const { trancheId, ...item } of rows) result.set(trancheId, [...(result.get(trancheId) ?? []), item]);
    return result;
  }
}

export type WaitingOn =
  | { kind: 'declaration'; item: { id: string; code: string; projectCode: string }; verifiedPercent: number }
  | { kind: 'verification'; item: { id: string; code: string; projectCode: string }; declarationId: string; declaredPercent: number }
  | { kind: 'pbo_decision'; excludedApprover: string }
  | { kind: 'committee_hold'; holdId: string; reason: string; placedAt: Date }
  | { kind: 'release' };

/** Exactly what stands between the tranche and its release, in words an agency or officer can act on. */
function waitsOn(tranche: Tranche, gate: GateItemView[], holds: CommitteeHold[] = []): WaitingOn[] {
  if (isTerminal(tranche.state)) return [];
  const held: WaitingOn[] = holds.map((h) => ({ kind: 'committee_hold', holdId: h.id, reason: h.reason, placedAt: h.placedAt }));
  if (tranche.state === 'approved') return [...held, { kind: 'release' }];
  if (tranche.state === 'awaiting_approval' || tranche.state === 'held') {
    return [...held, { kind: 'pbo_decision', excludedApprover: tranche.createdBy }];
  }
  return gate
    .filter((g) => g.verifiedPercent < 100)
    .map((g) => {
      const item = { id: g.id, code: g.code, projectCode: g.projectCode };
      return g.pendingDeclaration && g.pendingDeclaration.percent === 100
        ? { kind: 'verification' as const, item, declarationId: g.pendingDeclaration.id, declaredPercent: 100 }
        : { kind: 'declaration' as const, item, verifiedPercent: g.verifiedPercent };
    });
}
