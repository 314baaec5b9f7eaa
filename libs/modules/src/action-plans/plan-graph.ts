import { EntityManager } from 'typeorm';
import { detoursThrough, findCycle, pathBetween } from '@pelekan/core';
import { InvalidInput } from '../common/errors';

/**
 * Graph questions about the action chain across projects. PostgreSQL only finds which items are
 * reachable (a recursive query with UNION keeps a visited set, so it visits each item once, however
 * many paths lead to it) and hands back the links among them; the paths themselves are found by the
 * core's breadth-first searches. Enumerating simple paths in SQL is exponential on a layered plan.
 */

interface Edge {
  from: string;
  to: string;
}

/** "PROJECT:code" for each item id. */
async function namesOf(tx: EntityManager, ids: string[]): Promise<Map<string, string>> {
  const rows: Array<{ id: string; name: string }> = await tx.query(
    `SELECT x.id, p.code || ':' || x.code AS name FROM action_items x JOIN projects p ON p.id = x.project_id WHERE x.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Paths that leave a project through a cross-project prerequisite and come back into it: each is an
 * edge "from → to" between two of the project's items (by code), as far as cycles are concerned. A
 * revision's links plus these edges must stay acyclic, so a cycle across projects is refused like one inside.
 */
export async function pathsThroughOtherProjects(
  tx: EntityManager,
  projectId: string,
): Promise<Array<{ from: string; to: string; via: string[] }>> {
  // Items outside the project reachable from it, then every live link among the project and them.
  const edges: Edge[] = await tx.query(
    `WITH RECURSIVE outside(id) AS (
       SELECT l.to_item_id FROM action_links l
         JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE f.project_id = $1 AND t.project_id <> $1 AND f.removed_at IS NULL AND t.removed_at IS NULL
       UNION
       SELECT l.to_item_id FROM outside o JOIN action_links l ON l.from_item_id = o.id
         JOIN action_items t ON t.id = l.to_item_id
        WHERE t.project_id <> $1 AND t.removed_at IS NULL
     )
     SELECT l.from_item_id AS "from", l.to_item_id AS "to"
       FROM action_links l JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
      WHERE f.removed_at IS NULL AND t.removed_at IS NULL
        AND (f.project_id = $1 OR f.id IN (SELECT id FROM outside))
        AND (t.project_id = $1 OR t.id IN (SELECT id FROM outside))
        AND NOT (f.project_id = $1 AND t.project_id = $1)`,
    [projectId],
  );
  if (edges.length === 0) return [];
  const own: Array<{ id: string; code: string }> = await tx.query(
    `SELECT id, code FROM action_items WHERE project_id = $1 AND removed_at IS NULL`,
    [projectId],
  );
  const codeOf = new Map(own.map((i) => [i.id, i.code]));
  const detours = detoursThrough(edges, new Set(codeOf.keys()));
  const names = await namesOf(tx, [...new Set(detours.flatMap((d) => d.via))]);
  return detours.map((d) => ({ from: codeOf.get(d.from)!, to: codeOf.get(d.to)!, via: d.via.map((id) => names.get(id) ?? id) }));
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
    if (!own && detour) spelled.push(...detour.via);
  }
  spelled.push(cycle[cycle.length - 1]);
  throw InvalidInput.field(field, `the links form a cycle: ${spelled.join(' → ')}`, { cycle: spelled });
}

/**
 * The chain from `fromItemId` forward to `toItemId`, if there is one (a prerequisite to→from would
 * then close a cycle), as "PROJECT:code" steps.
 */
export async function chainBetween(tx: EntityManager, fromItemId: string, toItemId: string): Promise<string[] | null> {
  const edges: Edge[] = await tx.query(
    `WITH RECURSIVE reach(id) AS (
       SELECT $1::uuid
       UNION
       SELECT l.to_item_id FROM reach r JOIN action_links l ON l.from_item_id = r.id
         JOIN action_items n ON n.id = l.to_item_id WHERE n.removed_at IS NULL
     )
     SELECT l.from_item_id AS "from", l.to_item_id AS "to"
       FROM reach r JOIN action_links l ON l.from_item_id = r.id JOIN action_items n ON n.id = l.to_item_id
      WHERE n.removed_at IS NULL`,
    [fromItemId],
  );
  const path = pathBetween(edges, fromItemId, toItemId);
  if (!path) return null;
  const names = await namesOf(tx, path);
  return path.map((id) => names.get(id) ?? id);
}
