import { Injectable } from '@nestjs/common';
import { type ChainLink, cycleWithDetours, type Detour, detoursThrough, pathBetween } from '@pelekan/core';
import { cycleReason } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { InvalidInput } from '../common/errors';
import { ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';

/**
 * Graph questions about the action chain across projects. PostgreSQL only finds which items are
 * reachable and hands back the links among them (action-links.repository.ts); the paths themselves
 * are found by the core's breadth-first searches (action-chain.ts). Enumerating simple paths in SQL
 * is exponential on a layered plan.
 */
@Injectable()
export class PlanGraph {
  constructor(
    private readonly items: ActionItemsRepository,
    private readonly links: ActionLinksRepository,
  ) {}

  /**
   * Paths that leave a project through a cross-project prerequisite and come back into it: each is an
   * edge "from → to" between two of the project's items (by code), as far as cycles are concerned,
   * with the items of other projects it passes ("PROJECT:code").
   */
  async pathsThroughOtherProjects(m: EntityManager, projectId: string): Promise<Detour[]> {
    const edges = await this.links.aroundProject(m, projectId);
    if (edges.length === 0) return [];
    const own = await this.items.liveRefsOf(m, projectId);
    const codeOf = new Map(own.map((i) => [i.id, i.code]));
    const detours = detoursThrough(edges, new Set(codeOf.keys()));
    const names = await this.items.namesOf(m, [...new Set(detours.flatMap((d) => d.via))]);
    return detours.map((d) => ({ from: codeOf.get(d.from)!, to: codeOf.get(d.to)!, via: d.via.map((id) => names.get(id) ?? id) }));
  }

  /**
   * 400 naming the cycle when a project's links, with the paths through other projects, close one:
   * a revision's links plus those paths must stay acyclic, so a cycle across projects is refused like one inside.
   */
  async assertAcyclicAcrossProjects(m: EntityManager, projectId: string, links: readonly ChainLink[], field = 'links'): Promise<void> {
    const cycle = cycleWithDetours(links, await this.pathsThroughOtherProjects(m, projectId));
    if (cycle) throw InvalidInput.field(field, cycleReason(cycle), { cycle });
  }

  /**
   * The chain from `fromItemId` forward to `toItemId`, if there is one (a prerequisite to→from would
   * then close a cycle), as "PROJECT:code" steps.
   */
  async chainBetween(m: EntityManager, fromItemId: string, toItemId: string): Promise<string[] | null> {
    const path = pathBetween(await this.links.reachableFrom(m, fromItemId), fromItemId, toItemId);
    if (!path) return null;
    const names = await this.items.namesOf(m, path);
    return path.map((id) => names.get(id) ?? id);
  }
}
