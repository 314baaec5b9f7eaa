import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { diffPlans, isEmptyDiff, parseRials, type PlanSnapshot, weightToHundredths } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { EscalationsService } from '../escalations/escalations.service';
import { InboxService } from '../inbox/inbox.service';
import { ProjectsService } from '../projects/projects.service';
import { IndependencePolicy } from '../independence/independence.policy';
import { TrancheGates } from '../tranches/tranche-gates';
import { ActionPlanDto, PlanRevisionDecisionDto, ProposePlanRevisionDto } from './dto';
import { assertAcyclicAcrossProjects } from './plan-graph';
import { validatePlanOf } from './plan-validation';

/** The plan as it stands: items by code and the links between them, ready to diff or to store as a baseline. */
export async function planSnapshot(tx: EntityManager, projectId: string): Promise<PlanSnapshot> {
  const [items, links] = await Promise.all([
    tx.query(
      `SELECT code, title_fa AS "titleFa", title_en AS "titleEn", owner_agency_id AS "ownerAgencyId",
              weight_hundredths AS "weightHundredths", planned_start AS "plannedStart", planned_end AS "plannedEnd",
              budget_rials::text AS "budgetRials"
         FROM action_items WHERE project_id = $1 AND removed_at IS NULL ORDER BY code`,
      [projectId],
    ),
    tx.query(
      `SELECT f.code AS "from", t.code AS "to" FROM action_links l
         JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE f.project_id = $1 AND t.project_id = $1 AND f.removed_at IS NULL AND t.removed_at IS NULL
        ORDER BY f.code, t.code`,
      [projectId],
    ),
  ]);
  return {
    items: items.map((i: any) => ({ ...i, plannedStart: i.plannedStart.toISOString(), plannedEnd: i.plannedEnd.toISOString() })),
    links,
  };
}

function proposalSnapshot(dto: ActionPlanDto, leadAgencyId: string | null): PlanSnapshot {
  return {
    items: dto.items.map((i) => ({
      code: i.code,
      titleFa: i.titleFa,
      titleEn: i.titleEn,
      ownerAgencyId: i.ownerAgencyId ?? leadAgencyId ?? '',
      weightHundredths: weightToHundredths(i.weight),
      plannedStart: new Date(i.plannedStart).toISOString(),
      plannedEnd: new Date(i.plannedEnd).toISOString(),
      budgetRials: parseRials(i.budgetRials).toString(),
    })),
    links: dto.links.map((l) => ({ from: l.from, to: l.to })),
  };
}

/**
 * Periodic review: the lead agency proposes a revised action plan, the committee approves or rejects
 * it. An approved revision becomes the next numbered baseline (earlier ones stay readable); released
 * tranches and their ledger entries never change; pending tranches are re-gated on the new plan.
 */
@Injectable()
export class PlanRevisionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projects: ProjectsService,
    private readonly gates: TrancheGates,
    private readonly escalations: EscalationsService,
    private readonly inbox: InboxService,
    private readonly independence: IndependencePolicy,
  ) {}

  async propose(actor: Actor, projectId: string, dto: ProposePlanRevisionDto) {
    await this.projects.assertLeadAgencyOrAdmin(actor, projectId);
    const id = await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      await this.check(tx, projectId, dto);
      const current = await planSnapshot(tx, projectId);
      if (isEmptyDiff(diffPlans(current, proposalSnapshot(dto, project.leadAgencyId)))) {
        throw InvalidInput.field('items', 'the proposal is the same as the current plan');
      }
      const [{ next }] = await tx.query(
        'SELECT coalesce(max(number), 0) + 1 AS next FROM plan_revisions WHERE project_id = $1',
        [projectId],
      );
      const [pending] = await tx.query(`SELECT number FROM plan_revisions WHERE project_id = $1 AND status = 'pending'`, [
        projectId,
      ]);
      if (pending) {
        throw new Conflict(
          `revision ${pending.number} of this project is still awaiting the committee; wait for its decision`,
          'revision_pending',
        );
      }
      const [row] = await tx.query(
        `INSERT INTO plan_revisions (project_id, number, reason, proposal, proposed_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [projectId, next, dto.reason, { items: dto.items, links: dto.links }, actor.userId],
      );
      await this.inbox.notify(
        tx,
        { role: 'committee' },
        {
          kind: 'revision_proposed',
          subjectId: row.id,
          titleFa: `بازنگری ${next} برنامه طرح ${project.code} در انتظار تصمیم کمیته`,
          titleEn: `Revision ${next} of ${project.code}'s plan awaits the committee`,
          bodyFa: dto.reason,
          bodyEn: dto.reason,
        },
      );
      return row.id as string;
    });
    return this.get(id);
  }

  /** Everything that must hold for the revised plan, against the project as it is now. */
  private async check(tx: EntityManager, projectId: string, dto: ActionPlanDto): Promise<void> {
    const project = await this.projects.requireProject(projectId, tx);
    await validatePlanOf(tx, project, dto);
    await assertAcyclicAcrossProjects(tx, projectId, dto.links);

    const codes = new Set(dto.items.map((i) => i.code));
    const funded: Array<{ code: string; number: number; state: string }> = await tx.query(
      `SELECT i.code, t.number, t.state FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
         JOIN action_items i ON i.id = ti.item_id
        WHERE i.project_id = $1 AND i.removed_at IS NULL AND ti.role = 'funds' AND t.state <> 'rejected'`,
      [projectId],
    );
    const removedFunded = funded.filter((f) => !codes.has(f.code));
    if (removedFunded.length > 0) {
      throw InvalidInput.field(
        'items',
        `items funded by tranches cannot be removed: ${removedFunded.map((f) => `${f.code} (tranche ${f.number}, ${f.state})`).join(', ')}`,
      );
    }
    // Money already committed to an open tranche keeps its recipients (its allocation was fixed at
    // creation) and its basis: an item an open tranche funds keeps its owner agency, and the funded
    // items' budgets may not fall below the tranche's amount.
    const current = new Map((await planSnapshot(tx, projectId)).items.map((i) => [i.code, i]));
    const open: Array<{ number: number; amountRials: string; codes: string[] }> = await tx.query(
      `SELECT t.number, t.amount_rials::text AS "amountRials", array_agg(i.code) AS codes
         FROM tranches t JOIN tranche_items ti ON ti.tranche_id = t.id AND ti.role = 'funds' JOIN action_items i ON i.id = ti.item_id
        WHERE t.project_id = $1 AND t.state NOT IN ('released', 'rejected') GROUP BY t.id`,
      [projectId],
    );
    for (const tranche of open) {
      let budget = 0n;
      for (const code of tranche.codes) {
        const proposed = dto.items.find((i) => i.code === code);
        const was = current.get(code);
        if (!proposed || !was) continue;
        if ((proposed.ownerAgencyId ?? project.leadAgencyId) !== was.ownerAgencyId) {
          throw InvalidInput.field('items', `item ${code} is funded by open tranche ${tranche.number}; its owner agency cannot change until the tranche is released or rejected`);
        }
        budget += parseRials(proposed.budgetRials);
      }
      if (budget < BigInt(tranche.amountRials)) {
        throw InvalidInput.field(
          'items',
          `open tranche ${tranche.number} commits ${tranche.amountRials} rials to items ${tranche.codes.join(', ')}; their budgets (${budget}) cannot fall below it`,
        );
      }
    }
    // A pending tranche may not end up funding an item together with its new predecessor.
    const pendingFunded = new Map<number, string[]>();
    for (const f of funded.filter((x) => !['released', 'rejected'].includes(x.state))) {
      pendingFunded.set(f.number, [...(pendingFunded.get(f.number) ?? []), f.code]);
    }
    for (const [number, items] of pendingFunded) {
      const across = dto.links.find((l) => items.includes(l.from) && items.includes(l.to));
      if (across) {
        throw InvalidInput.field(
          'links',
          `tranche ${number} funds both ${across.from} and ${across.to}; the link ${across.from} → ${across.to} would gate a tranche on its own item`,
        );
      }
    }
  }

  async list(projectId: string) {
    await this.projects.requireProject(projectId);
    return this.db.query(
      `SELECT r.id, r.number, r.status, r.reason, r.proposed_at AS "proposedAt", r.decided_at AS "decidedAt",
              r.decision_reason AS "decisionReason", r.baseline_number AS "baselineNumber",
              pu.username AS "proposedBy", du.username AS "decidedBy"
         FROM plan_revisions r JOIN users pu ON pu.id = r.proposed_by LEFT JOIN users du ON du.id = r.decided_by
        WHERE r.project_id = $1 ORDER BY r.number DESC`,
      [projectId],
    );
  }

  /** Pending revisions, oldest first (the committee queue). */
  async pending() {
    return this.db.query(
      `SELECT r.id, r.number, r.reason, r.proposed_at AS "proposedAt", pu.username AS "proposedBy",
              json_build_object('id', p.id, 'code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project
         FROM plan_revisions r JOIN projects p ON p.id = r.project_id JOIN users pu ON pu.id = r.proposed_by
        WHERE r.status = 'pending' ORDER BY r.proposed_at`,
    );
  }

  /** A revision with its before/after diff against the plan as it stands (or stood, once decided). */
  async get(id: string) {
    const [revision] = await this.db.query(
      `SELECT r.id, r.project_id AS "projectId", r.number, r.status, r.reason, r.proposal, r.proposed_at AS "proposedAt",
              r.decided_at AS "decidedAt", r.decision_reason AS "decisionReason", r.baseline_number AS "baselineNumber",
              pu.username AS "proposedBy", du.username AS "decidedBy", p.lead_agency_id AS "leadAgencyId"
         FROM plan_revisions r JOIN projects p ON p.id = r.project_id JOIN users pu ON pu.id = r.proposed_by
         LEFT JOIN users du ON du.id = r.decided_by WHERE r.id = $1`,
      [id],
    );
    if (!revision) throw new NotFound('plan revision', id);
    const { leadAgencyId, ...rest } = revision;
    let before: PlanSnapshot;
    if (revision.status === 'approved') {
      const [base] = await this.db.query('SELECT plan FROM plan_baselines WHERE project_id = $1 AND number = $2', [
        revision.projectId,
        revision.baselineNumber - 1,
      ]);
      before = base.plan;
    } else {
      before = await planSnapshot(this.db.manager, revision.projectId);
    }
    const after = proposalSnapshot(revision.proposal, leadAgencyId);
    return { ...rest, diff: diffPlans(before, after) };
  }

  async decide(actor: Actor, id: string, dto: PlanRevisionDecisionDto) {
    const wake = await this.db.transaction(async (tx) => {
      const [revision] = await tx.query('SELECT * FROM plan_revisions WHERE id = $1 FOR UPDATE', [id]);
      if (!revision) throw new NotFound('plan revision', id);
      const projectId: string = revision.project_id;
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      // Independent of the project's agencies and of every organization owning an item the revision
      // adds, changes or retires, as owner before or after: nobody approves the retirement of their own work.
      const before = await planSnapshot(tx, projectId);
      const diff = diffPlans(before, proposalSnapshot(revision.proposal, project.leadAgencyId));
      const touched = new Set(diff.changedItems.map((c) => c.code));
      const owners = [
        ...diff.addedItems.map((i) => i.ownerAgencyId),
        ...diff.removedItems.map((i) => i.ownerAgencyId),
        ...before.items.filter((i) => touched.has(i.code)).map((i) => i.ownerAgencyId),
        ...diff.changedItems.filter((c) => c.field === 'ownerAgencyId').map((c) => String(c.after)),
      ].filter(Boolean);
      await this.independence.assertIndependent(actor, { projectId, itemOwnerIds: owners }, 'decide this plan revision', tx);
      if (revision.status !== 'pending') throw new Conflict(`the revision is already ${revision.status}`, 'revision_decided');

      let baselineNumber: number | null = null;
      let toWake: Array<{ id: string; createdBy: string }> = [];
      if (dto.action === 'approve') {
        const proposal: ActionPlanDto = revision.proposal;
        await this.check(tx, projectId, proposal);
        const [{ last }] = await tx.query('SELECT coalesce(max(number), 0) AS last FROM plan_baselines WHERE project_id = $1', [
          projectId,
        ]);
        if (last === 0) {
          // The plan as first filed becomes baseline 1, so it stays readable after the change.
          await tx.query('INSERT INTO plan_baselines (project_id, number, plan) VALUES ($1, 1, $2)', [
            projectId,
            await planSnapshot(tx, projectId),
          ]);
        }
        await this.apply(tx, projectId, project.leadAgencyId, proposal);
        baselineNumber = Math.max(last, 1) + 1;
        await tx.query(
          'INSERT INTO plan_baselines (project_id, number, revision_id, approved_by, plan) VALUES ($1, $2, $3, $4, $5)',
          [projectId, baselineNumber, id, actor.userId, await planSnapshot(tx, projectId)],
        );
        toWake = await this.gates.regate(tx, [projectId], {
          kind: 'plan_revision',
          actorId: actor.userId,
          causeId: id,
          reason: `plan revision ${revision.number} approved: ${dto.reason}`,
        });
        await this.escalations.resolveAwaitingRevision(tx, projectId, actor.userId);
      }
      await tx.query(
        `UPDATE plan_revisions SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4, baseline_number = $5
          WHERE id = $1`,
        [id, dto.action === 'approve' ? 'approved' : 'rejected', actor.userId, dto.reason, baselineNumber],
      );
      if (project.leadAgencyId) await this.inbox.notify(
        tx,
        { organizationId: project.leadAgencyId, role: 'agency' },
        {
          kind: `revision_${dto.action === 'approve' ? 'approved' : 'rejected'}`,
          subjectId: id,
          titleFa: `بازنگری ${revision.number} طرح ${project.code} ${dto.action === 'approve' ? 'تصویب شد' : 'رد شد'}`,
          titleEn: `Revision ${revision.number} of ${project.code} ${dto.action === 'approve' ? 'approved' : 'rejected'}`,
          bodyFa: dto.reason,
          bodyEn: dto.reason,
        },
      );
      return toWake;
    });
    await this.gates.nudge(wake);
    return this.get(id);
  }

  /** Writes the revised plan: items matched by code are updated, new ones added, missing ones retired. */
  private async apply(tx: EntityManager, projectId: string, leadAgencyId: string | null, plan: ActionPlanDto) {
    const existing: Array<{ id: string; code: string; planned_end: Date }> = await tx.query(
      'SELECT id, code, planned_end FROM action_items WHERE project_id = $1 AND removed_at IS NULL',
      [projectId],
    );
    const byCode = new Map(existing.map((e) => [e.code, e]));
    const keep = new Set(plan.items.map((i) => i.code));
    const retired = existing.filter((e) => !keep.has(e.code)).map((e) => e.id);
    if (retired.length) {
      await tx.query('UPDATE action_items SET removed_at = now() WHERE id = ANY($1::uuid[])', [retired]);
      await tx.query('DELETE FROM action_links WHERE from_item_id = ANY($1::uuid[]) OR to_item_id = ANY($1::uuid[])', [retired]);
    }
    const ids = new Map<string, string>();
    for (const item of plan.items) {
      const values = [
        item.titleFa,
        item.titleEn,
        item.ownerAgencyId ?? leadAgencyId,
        weightToHundredths(item.weight),
        new Date(item.plannedStart),
        new Date(item.plannedEnd),
        parseRials(item.budgetRials).toString(),
      ];
      const was = byCode.get(item.code);
      if (was) {
        // A moved end date replaces any extension the committee granted on the old one.
        await tx.query(
          `UPDATE action_items SET title_fa = $2, title_en = $3, owner_agency_id = $4, weight_hundredths = $5,
                  planned_start = $6, planned_end = $7, budget_rials = $8,
                  due_at = CASE WHEN planned_end = $7 THEN due_at ELSE NULL END
            WHERE id = $1`,
          [was.id, ...values],
        );
        ids.set(item.code, was.id);
      } else {
        const [row] = await tx.query(
          `INSERT INTO action_items (project_id, code, title_fa, title_en, owner_agency_id, weight_hundredths,
                                     planned_start, planned_end, budget_rials, declared_percent, verified_percent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0) RETURNING id`,
          [projectId, item.code, ...values],
        );
        ids.set(item.code, row.id);
      }
    }
    await tx.query(
      `DELETE FROM action_links l USING action_items f, action_items t
        WHERE f.id = l.from_item_id AND t.id = l.to_item_id AND f.project_id = $1 AND t.project_id = $1`,
      [projectId],
    );
    for (const link of plan.links) {
      await tx.query('INSERT INTO action_links (from_item_id, to_item_id) VALUES ($1, $2)', [ids.get(link.from), ids.get(link.to)]);
    }
  }

  async baselines(projectId: string) {
    await this.projects.requireProject(projectId);
    const rows = await this.db.query(
      `SELECT b.number, b.created_at AS "createdAt", b.revision_id AS "revisionId", u.username AS "approvedBy",
              jsonb_array_length(b.plan->'items') AS "itemCount"
         FROM plan_baselines b LEFT JOIN users u ON u.id = b.approved_by WHERE b.project_id = $1 ORDER BY b.number`,
      [projectId],
    );
    // Before any revision, the plan as filed is baseline 1 (fixed in the table at the first approval).
    if (rows.length === 0) {
      const plan = await planSnapshot(this.db.manager, projectId);
      return [{ number: 1, createdAt: null, revisionId: null, approvedBy: null, itemCount: plan.items.length, current: true }];
    }
    return rows.map((r: any, i: number) => ({ ...r, current: i === rows.length - 1 }));
  }

  async baseline(projectId: string, number: number) {
    await this.projects.requireProject(projectId);
    const [row] = await this.db.query(
      `SELECT number, created_at AS "createdAt", revision_id AS "revisionId", plan FROM plan_baselines
        WHERE project_id = $1 AND number = $2`,
      [projectId, number],
    );
    if (row) return row;
    const [{ count }] = await this.db.query('SELECT count(*)::int AS count FROM plan_baselines WHERE project_id = $1', [projectId]);
    if (number === 1 && count === 0) {
      return { number: 1, createdAt: null, revisionId: null, plan: await planSnapshot(this.db.manager, projectId) };
    }
    throw new NotFound('baseline', String(number));
  }
}
