import { EntityManager } from 'typeorm';
import { findCycle } from '@pelekan/core';
import { InvalidInput } from '../common/errors';

/**
 * Paths that leave a project through a cross-project prerequisite and come back into it: each is an
 * edge "from → to" between two of the project's items, as far as cycles are concerned. A revision's
 * links plus these edges must stay acyclic, so a cycle across projects is refused like one inside.
 */
export async function pathsThroughOtherProjects(
  tx: EntityManager,
  projectId: string,
): Promise<Array<{ from: string; to: string; via: string[] }>> {
  return tx.query(
    `WITH RECURSIVE walk(start_id, item_id, path) AS (
       SELECT l.from_item_id, l.to_item_id, ARRAY[l.to_item_id]
         FROM action_links l JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE f.project_id = $1 AND t.project_id <> $1 AND f.removed_at IS NULL AND t.removed_at IS NULL
       UNION ALL
       SELECT w.start_id, l.to_item_id, w.path || l.to_item_id
         FROM walk w JOIN action_items cur ON cur.id = w.item_id
         JOIN action_links l ON l.from_item_id = w.item_id
         JOIN action_items nxt ON nxt.id = l.to_item_id
        WHERE cur.project_id <> $1 AND nxt.removed_at IS NULL AND NOT l.to_item_id = ANY(w.path)
     )
     SELECT DISTINCT f.code AS "from", t.code AS "to",
            (SELECT array_agg(p.code || ':' || x.code ORDER BY ord) FROM unnest(w.path[1:array_length(w.path, 1) - 1])
               WITH ORDINALITY AS u(id, ord) JOIN action_items x ON x.id = u.id JOIN projects p ON p.id = x.project_id) AS via
       FROM walk w JOIN action_items f ON f.id = w.start_id JOIN action_items t ON t.id = w.item_id
      WHERE t.project_id = $1`,
    [projectId],
  );
}

/** 400 naming the cycle when a project's links, with the paths through other projects, close one. */
export async function assertAcyclicAcrossProjects(
  tx: EntityManager,
  projectId: string,
  links: ReadonlyArray<{ from: string; to: string }>,
  field = 'links',
): Promise<void> {
  const external = await pathsThroughOtherProjects(tx, projectId);
  const cycle = findCycle([...links, ...external.map((e) => ({ from: e.from, to: e.to }))]);
  if (!cycle) return;
  // Spell out the detours through other projects so the cycle can be found and broken.
  const spelled: string[] = [];
  for (let k = 0; k < cycle.length - 1; k++) {
    spelled.push(cycle[k]);
    const own = links.some((l) => l.from === cycle[k] && l.to === cycle[k + 1]);
    const detour = external.find((e) => e.from === cycle[k] && e.to === cycle[k + 1]);
    if (!own && detour) spelled.push(...(detour.via ?? []));
  }
  spelled.push(cycle[cycle.length - 1]);
  throw InvalidInput.field(field, `the links form a cycle: ${spelled.join(' → ')}`, { cycle: spelled });
}

/**
 * The chain from `fromItemId` forward to `toItemId`, if there is one (a prerequisite to→from would
 * then close a cycle), as "PROJECT:code" steps.
 */
export async function chainBetween(tx: EntityManager, fromItemId: string, toItemId: string): Promise<string[] | null> {
  const [row] = await tx.query(
    `WITH RECURSIVE walk(item_id, path) AS (
       SELECT $1::uuid, ARRAY[$1::uuid]
       UNION ALL
       SELECT l.to_item_id, w.path || l.to_item_id FROM walk w JOIN action_links l ON l.from_item_id = w.item_id
         JOIN action_items n ON n.id = l.to_item_id
        WHERE n.removed_at IS NULL AND NOT l.to_item_id = ANY(w.path)
     )
     SELECT (SELECT array_agg(p.code || ':' || x.code ORDER BY ord) FROM unnest(w.path) WITH ORDINALITY AS u(id, ord)
               JOIN action_items x ON x.id = u.id JOIN projects p ON p.id = x.project_id) AS steps
       FROM walk w WHERE w.item_id = $2 LIMIT 1`,
    [fromItemId, toItemId],
  );
  return row?.steps ?? null;
}
