import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { ProjectsService } from '../projects/projects.service';
import { TrancheGates } from '../tranches/tranche-gates';
import { ActionItemsRepository, type ItemPlace } from './action-items.repository';
import { ActionLinksRepository, type PrerequisiteRecord } from './action-links.repository';
import { PlanGraph } from './plan-graph.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import type { PrerequisiteItemView, PrerequisitesView } from './plan-views.dto';

/** The live item and the live required item among `places`: 404 for the first missing, 400 for the second. */
function liveEnds(places: ItemPlace[], itemId: string, requiredItemId: string): { item: ItemPlace; required: ItemPlace } {
  const item = places.find((i) => i.id === itemId && !i.removedAt);
  if (!item) throw new NotFound('action item', itemId);
  const required = places.find((i) => i.id === requiredItemId && !i.removedAt);
  if (!required) throw InvalidInput.field('requiredItemId', `item ${requiredItemId} does not exist`);
  return { item, required };
}

const toView = ({ direction: _direction, ...item }: PrerequisiteRecord): PrerequisiteItemView => item;

/**
 * Prerequisites between projects (finding 8: e-services need the civil-registration identity
 * database). Stored as action links whose ends lie in two projects, so they gate tranches exactly
 * like links inside a project and show on both projects' plans.
 */
@Injectable()
export class PrerequisitesService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly projectRows: PlanProjectsRepository,
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
    private readonly graph: PlanGraph,
    private readonly gates: TrancheGates,
  ) {}

  async add(actor: Actor, itemId: string, requiredItemId: string): Promise<PrerequisitesView> {
    // Who may: read before the transaction (an item never changes project), checked again under the locks.
    const seen = liveEnds(await this.items.placesOf(this.db.reader, [itemId, requiredItemId]), itemId, requiredItemId);
    await this.projects.assertLeadAgencyOrAdmin(actor, seen.item.projectId);
    const wake = await this.db.transaction(async (tx) => {
      await this.projectRows.lock(tx, [seen.item.projectId, seen.required.projectId]);
      const { item, required } = liveEnds(await this.items.lockPlacesOf(tx, [itemId, requiredItemId]), itemId, requiredItemId);
      if (required.projectId === item.projectId) {
        throw InvalidInput.field('requiredItemId', 'is in the same project; links inside a project belong to its action plan');
      }
      if (await this.links.exists(tx, requiredItemId, itemId)) throw new Conflict('the prerequisite is already recorded', 'prerequisite_exists');
      // A path item → … → required already exists: the new link would close a cycle across projects.
      const path = await this.graph.chainBetween(tx, itemId, requiredItemId);
      if (path) {
        const cycle = [...path, path[0]];
        throw InvalidInput.field('requiredItemId', `the prerequisite would close a cycle: ${cycle.join(' → ')}`, { cycle });
      }
      await this.links.insert(tx, [{ fromItemId: requiredItemId, toItemId: itemId }]);
      return this.gates.regate(tx, [item.projectId], {
        kind: 'prerequisite_added',
        actorId: actor.userId,
        reason: `prerequisite ${required.code} of another project recorded for item ${item.code}`,
      });
    });
    await this.gates.nudge(wake);
    return this.list(itemId);
  }

  /**
   * Removes a prerequisite, unless it gates an open tranche: a gate shrinks only through a plan
   * revision the committee approved (409 naming the tranche), so an agency cannot open its own gate.
   */
  async remove(actor: Actor, itemId: string, requiredItemId: string): Promise<PrerequisitesView> {
    const [seen] = await this.items.placesOf(this.db.reader, [itemId]);
    if (!seen) throw new NotFound('action item', itemId);
    await this.projects.assertLeadAgencyOrAdmin(actor, seen.projectId);
    const wake = await this.db.transaction(async (tx) => {
      await this.projectRows.lock(tx, [seen.projectId]);
      const [item] = await this.items.lockPlacesOf(tx, [itemId]);
      if (!item) throw new NotFound('action item', itemId);
      if (!(await this.links.deletePrerequisite(tx, requiredItemId, itemId, item.projectId))) {
        throw new NotFound('prerequisite', requiredItemId);
      }
      const changes = await this.gates.pendingChanges(tx, [item.projectId]);
      const opened = changes.filter((c) => c.removed.length > 0);
      if (opened.length > 0) {
        const named = opened.map((c) => `tranche ${c.trancheNumber} of ${c.projectCode}`).join(', ');
        throw new Conflict(
          `the prerequisite gates ${named}; a gate can only shrink through a plan revision approved by the monitoring committee`,
          'gate_in_use',
          { tranches: opened.map((c) => ({ id: c.trancheId, number: c.trancheNumber, projectCode: c.projectCode })) },
        );
      }
      return this.gates.apply(tx, changes, {
        kind: 'prerequisite_removed',
        actorId: actor.userId,
        reason: `prerequisite removed from item ${item.code}`,
      });
    });
    await this.gates.nudge(wake);
    return this.list(itemId);
  }

  /** What the item requires from other projects, and what other projects' items require of it. */
  async list(itemId: string): Promise<PrerequisitesView> {
    const m = this.db.reader;
    if (!(await this.items.exists(m, itemId))) throw new NotFound('action item', itemId);
    const found = await this.links.prerequisitesOf(m, itemId);
    return {
      itemId,
      requires: found.filter((r) => r.direction === 'requires').map(toView),
      requiredBy: found.filter((r) => r.direction === 'required_by').map(toView),
    };
  }
}
