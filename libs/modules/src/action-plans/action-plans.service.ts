import { Injectable } from '@nestjs/common';
import { hundredthsToNumber, rialsToString } from '@pelekan/core';
import { NotFound } from '../common/errors';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { type ActionItemRecord, ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';
import type { ActionItemView, ActionLinkView, ActionPlanView } from './plan-views.dto';

const byCode = new Intl.Collator('en', { numeric: true });

function toItemView(item: ActionItemRecord): ActionItemView {
  return {
    id: item.id,
    projectId: item.projectId,
    code: item.code,
    titleFa: item.titleFa,
    titleEn: item.titleEn,
    ownerAgency: item.ownerAgency,
    weight: hundredthsToNumber(item.weightHundredths),
    plannedStart: item.plannedStart,
    plannedEnd: item.plannedEnd,
    budgetRials: rialsToString(item.budgetRials),
    declaredPercent: item.declaredPercent,
    verifiedPercent: item.verifiedPercent,
    lastVerifiedAt: item.lastVerifiedAt,
    dueAt: item.dueAt,
    progressMovedAt: item.progressMovedAt,
    removedAt: item.removedAt,
  };
}

/** Reading action plans: a project's plan, one item, the links touching a project. */
@Injectable()
export class ActionPlansService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
  ) {}

  async getPlan(projectId: string): Promise<ActionPlanView> {
    const m = this.db.reader;
    const [items, links] = await Promise.all([this.items.liveOf(m, projectId), this.links.touching(m, projectId)]);
    // A project with items exists; only an empty plan needs asking whether its project does.
    if (items.length === 0) await this.projects.requireProject(projectId, m);
    return {
      projectId,
      items: items.map(toItemView).sort((a, b) => byCode.compare(a.code, b.code)),
      links,
    };
  }

  /** Links with at least one end in the project (a prerequisite from another project shows on both). */
  linksTouching(projectId: string): Promise<ActionLinkView[]> {
    return this.links.touching(this.db.reader, projectId);
  }

  async getItem(itemId: string): Promise<ActionItemView> {
    const item = await this.items.find(this.db.reader, itemId);
    if (!item) throw new NotFound('action item', itemId);
    return toItemView(item);
  }
}
