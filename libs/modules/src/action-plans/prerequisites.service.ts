import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { ProjectsService } from '../projects/projects.service';
import { TrancheGates } from '../tranches/tranche-gates';
import { chainBetween } from './plan-graph';

/**
 * Prerequisites between projects (finding 8: e-services need the civil-registration identity
 * database). Stored as action links whose ends lie in two projects, so they gate tranches exactly
 * like links inside a project and show on both projects' plans.
 */
@Injectable()
export class PrerequisitesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projects: ProjectsService,
    private readonly gates: TrancheGates,
  ) {}

  async add(actor: Actor, itemId: string, requiredItemId: string) {
    const wake = await this.db.transaction(async (tx) => {
      const items: Array<{ id: string; project_id: string; code: string; removed_at: Date | null }> = await tx.query(
        'SELECT id, project_id, code, removed_at FROM action_items WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
        [[itemId, requiredItemId]],
      );
      const item = items.find((i) => i.id === itemId && !i.removed_at);
      if (!item) throw new NotFound('action item', itemId);
      const required = items.find((i) => i.id === requiredItemId && !i.removed_at);
      if (!required) throw InvalidInput.field('requiredItemId', `item ${requiredItemId} does not exist`);
      await this.projects.assertLeadAgencyOrAdmin(actor, item.project_id);
      if (required.project_id === item.project_id) {
        throw InvalidInput.field('requiredItemId', 'is in the same project; links inside a project belong to its action plan');
      }
      const [exists] = await tx.query('SELECT 1 FROM action_links WHERE from_item_id = $1 AND to_item_id = $2', [
        requiredItemId,
        itemId,
      ]);
      if (exists) throw new Conflict('the prerequisite is already recorded', 'prerequisite_exists');
      // A path item → … → required already exists: the new link would close a cycle across projects.
      const path = await chainBetween(tx, itemId, requiredItemId);
      if (path) {
        const cycle = [...path, path[0]];
        throw InvalidInput.field('requiredItemId', `the prerequisite would close a cycle: ${cycle.join(' → ')}`, { cycle });
      }
      await tx.query('INSERT INTO action_links (from_item_id, to_item_id) VALUES ($1, $2)', [requiredItemId, itemId]);
      return this.gates.regate(tx, [item.project_id], {
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
  async remove(actor: Actor, itemId: string, requiredItemId: string) {
    const wake = await this.db.transaction(async (tx) => {
      const [item] = await tx.query('SELECT project_id, code FROM action_items WHERE id = $1 FOR UPDATE', [itemId]);
      if (!item) throw new NotFound('action item', itemId);
      await this.projects.assertLeadAgencyOrAdmin(actor, item.project_id);
      const deleted = await tx.query(
        `WITH gone AS (DELETE FROM action_links l USING action_items r
                        WHERE l.from_item_id = $1 AND l.to_item_id = $2 AND r.id = l.from_item_id AND r.project_id <> $3
                        RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [requiredItemId, itemId, item.project_id],
      );
      if (deleted[0].n === 0) throw new NotFound('prerequisite', requiredItemId);
      const changes = await this.gates.pendingChanges(tx, [item.project_id]);
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
  async list(itemId: string) {
    const [item] = await this.db.query('SELECT id FROM action_items WHERE id = $1', [itemId]);
    if (!item) throw new NotFound('action item', itemId);
    const rows = await this.db.query(
      `SELECT CASE WHEN l.to_item_id = $1 THEN 'requires' ELSE 'required_by' END AS direction,
              o.id, o.code, o.title_fa AS "titleFa", o.title_en AS "titleEn", o.verified_percent AS "verifiedPercent",
              json_build_object('id', p.id, 'code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project
         FROM action_links l
         JOIN action_items me ON me.id = $1
         JOIN action_items o ON o.id = CASE WHEN l.to_item_id = $1 THEN l.from_item_id ELSE l.to_item_id END
         JOIN projects p ON p.id = o.project_id
        WHERE (l.to_item_id = $1 OR l.from_item_id = $1) AND o.project_id <> me.project_id AND o.removed_at IS NULL
        ORDER BY p.code, o.code`,
      [itemId],
    );
    return {
      itemId,
      requires: rows.filter((r: any) => r.direction === 'requires').map(({ direction, ...r }: any) => r),
      requiredBy: rows.filter((r: any) => r.direction === 'required_by').map(({ direction, ...r }: any) => r),
    };
  }
}
