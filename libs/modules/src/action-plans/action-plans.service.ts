import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  hundredthsToNumber,
  parseRials,
  plannedProgress,
  progressByAgency,
  weightedProgress,
  weightToHundredths,
} from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, NotFound } from '../common/errors';
import { ProjectsService } from '../projects/projects.service';
import { ActionItem } from './action-item.entity';
import { ActionLink } from './action-link.entity';
import { ActionPlanDto } from './dto';
import { validatePlanOf } from './plan-validation';

const byCode = new Intl.Collator('en', { numeric: true });

export interface ActionItemView {
  id: string;
  projectId: string;
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgency: { id: string; code: string; nameFa: string; nameEn: string };
  weight: number;
  plannedStart: Date;
  plannedEnd: Date;
  budgetRials: bigint;
  declaredPercent: number;
  verifiedPercent: number;
  lastVerifiedAt: Date | null;
  /** plannedEnd, or the later date the monitoring committee extended it to. */
  dueAt: Date;
  progressMovedAt: Date | null;
  removedAt: Date | null;
}

export interface ActionLinkView {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}

const ITEM_COLUMNS = `
  i.id, i.project_id AS "projectId", i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn",
  json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) AS "ownerAgency",
  i.weight_hundredths AS "weightHundredths", i.planned_start AS "plannedStart", i.planned_end AS "plannedEnd",
  i.budget_rials::text AS "budgetRials", i.declared_percent AS "declaredPercent",
  i.verified_percent AS "verifiedPercent", i.last_verified_at AS "lastVerifiedAt",
  coalesce(i.due_at, i.planned_end) AS "dueAt", i.progress_moved_at AS "progressMovedAt", i.removed_at AS "removedAt"`;

function toItemView(row: any): ActionItemView {
  const { weightHundredths, budgetRials, ...rest } = row;
  return { ...rest, weight: hundredthsToNumber(weightHundredths), budgetRials: BigInt(budgetRials) };
}

@Injectable()
export class ActionPlansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  async getPlan(projectId: string): Promise<{ projectId: string; items: ActionItemView[]; links: ActionLinkView[] }> {
    await this.projects.requireProject(projectId);
    const [items, links] = await Promise.all([
      this.db.query(
        `SELECT ${ITEM_COLUMNS} FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id
          WHERE i.project_id = $1 AND i.removed_at IS NULL`,
        [projectId],
      ),
      this.linksTouching(projectId),
    ]);
    return {
      projectId,
      items: items.map(toItemView).sort((a: ActionItemView, b: ActionItemView) => byCode.compare(a.code, b.code)),
      links,
    };
  }

  /** Links with at least one end in the project (a prerequisite from another project shows on both). */
  linksTouching(projectId: string): Promise<ActionLinkView[]> {
    return this.db.query(
      `SELECT l.from_item_id AS "fromItemId", l.to_item_id AS "toItemId", f.code AS "from", t.code AS "to",
              f.project_id AS "fromProjectId", t.project_id AS "toProjectId",
              fp.code AS "fromProjectCode", tp.code AS "toProjectCode"
         FROM (SELECT l.* FROM action_links l JOIN action_items i ON i.id = l.from_item_id WHERE i.project_id = $1
               UNION
               SELECT l.* FROM action_links l JOIN action_items i ON i.id = l.to_item_id WHERE i.project_id = $1) l
         JOIN action_items f ON f.id = l.from_item_id
         JOIN action_items t ON t.id = l.to_item_id
         JOIN projects fp ON fp.id = f.project_id
         JOIN projects tp ON tp.id = t.project_id
        WHERE f.removed_at IS NULL AND t.removed_at IS NULL
        ORDER BY f.code, t.code`,
      [projectId],
    );
  }

  async getItem(itemId: string): Promise<ActionItemView> {
    const rows = await this.db.query(
      `SELECT ${ITEM_COLUMNS} FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id WHERE i.id = $1`,
      [itemId],
    );
    if (rows.length === 0) throw new NotFound('action item', itemId);
    return toItemView(rows[0]);
  }

  /**
   * Files a project's first action plan. Once money or progress hangs on the plan (a tranche or a
   * declaration exists) it is locked: changing it then is a plan revision, approved by the committee.
   */
  async replacePlan(actor: Actor, projectId: string, dto: ActionPlanDto) {
    await this.projects.assertLeadAgencyOrAdmin(actor, projectId);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      const project = await this.projects.requireProject(projectId, tx);
      const [usage] = await tx.query(
        `SELECT EXISTS (SELECT 1 FROM tranches WHERE project_id = $1) AS "hasTranches",
                EXISTS (SELECT 1 FROM progress_declarations d JOIN action_items i ON i.id = d.item_id
                         WHERE i.project_id = $1) AS "hasDeclarations"`,
        [projectId],
      );
      if (usage.hasTranches || usage.hasDeclarations) {
        throw new Conflict(
          'the action plan is locked because tranches or progress declarations depend on it; propose a plan revision instead',
          'plan_locked',
        );
      }
      await validatePlanOf(tx, project, dto);

      await tx.query('DELETE FROM action_items WHERE project_id = $1', [projectId]);
      const saved = await tx.save(
        dto.items.map((item) =>
          tx.create(ActionItem, {
            projectId,
            code: item.code,
            titleFa: item.titleFa,
            titleEn: item.titleEn,
            ownerAgencyId: item.ownerAgencyId ?? project.leadAgencyId!,
            weightHundredths: weightToHundredths(item.weight),
            plannedStart: new Date(item.plannedStart),
            plannedEnd: new Date(item.plannedEnd),
            budgetRials: parseRials(item.budgetRials),
            declaredPercent: 0,
            verifiedPercent: 0,
            lastVerifiedAt: null,
          }),
        ),
      );
      const idByCode = new Map(saved.map((i) => [i.code, i.id]));
      if (dto.links.length > 0) {
        await tx.insert(
          ActionLink,
          dto.links.map((l) => ({ fromItemId: idByCode.get(l.from)!, toItemId: idByCode.get(l.to)! })),
        );
      }
    });
    return this.getPlan(projectId);
  }

  /** Weighted project progress (verified and declared apart), planned progress at `at`, and per agency. */
  async progress(projectId: string, at: Date = new Date()) {
    await this.projects.requireProject(projectId);
    const items: Array<{
      ownerAgencyId: string;
      weight: number;
      declaredPercent: number;
      verifiedPercent: number;
      plannedStart: Date;
      plannedEnd: Date;
      lastVerifiedAt: Date | null;
    }> = await this.db.query(
      `SELECT owner_agency_id AS "ownerAgencyId", weight_hundredths AS weight, declared_percent AS "declaredPercent",
              verified_percent AS "verifiedPercent", planned_start AS "plannedStart", planned_end AS "plannedEnd",
              last_verified_at AS "lastVerifiedAt"
         FROM action_items WHERE project_id = $1 AND removed_at IS NULL`,
      [projectId],
    );
    const agencies: Array<{ id: string; code: string; nameFa: string; nameEn: string }> = await this.db.query(
      `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn" FROM organizations
        WHERE id = ANY($1::uuid[])`,
      [[...new Set(items.map((i) => i.ownerAgencyId))]],
    );
    const agencyById = new Map(agencies.map((a) => [a.id, a]));
    const lastVerifiedAt = items.reduce<Date | null>(
      (latest, i) => (i.lastVerifiedAt && (!latest || i.lastVerifiedAt > latest) ? i.lastVerifiedAt : latest),
      null,
    );
    return {
      projectId,
      at: at.toISOString(),
      itemCount: items.length,
      verifiedPercent: hundredthsToNumber(weightedProgress(items.map((i) => ({ weight: i.weight, percent: i.verifiedPercent })))),
      declaredPercent: hundredthsToNumber(weightedProgress(items.map((i) => ({ weight: i.weight, percent: i.declaredPercent })))),
      plannedPercent: hundredthsToNumber(plannedProgress(items, at)),
      lastVerifiedAt,
      byAgency: progressByAgency(items.map((i) => ({ ...i, agencyId: i.ownerAgencyId }))).map((a) => ({
        agency: agencyById.get(a.agencyId),
        weight: hundredthsToNumber(a.weight),
        verifiedPercent: hundredthsToNumber(a.verified),
        declaredPercent: hundredthsToNumber(a.declared),
        verifiedContribution: hundredthsToNumber(a.verifiedContribution),
      })),
    };
  }
}
