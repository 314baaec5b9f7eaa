/**
 * The action chain (report, section 5-4): items of an action plan linked into a directed acyclic
 * graph. A link `from → to` means `to` may only be funded once `from` is 100% verified.
 */

export interface ChainLink {
  readonly from: string;
  readonly to: string;
}

/**
 * Returns one cycle as a closed path (`[a, b, c, a]`) if the links contain any, otherwise null.
 * Nodes are whatever identifiers the caller uses (codes for messages, ids for storage).
 */
export function findCycle(links: readonly ChainLink[]): string[] | null {
  const next = adjacency(links);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];

  // Iterative DFS: plans can be long chains and recursion depth must not depend on input size.
  for (const start of next.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ node: string; children: string[]; index: number }> = [];
    const enter = (node: string) => {
      state.set(node, 'visiting');
      path.push(node);
      stack.push({ node, children: next.get(node) ?? [], index: 0 });
    };
    enter(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.index < frame.children.length) {
        const child = frame.children[frame.index++];
        const childState = state.get(child);
        if (childState === 'visiting') {
          return [...path.slice(path.indexOf(child)), child];
        }
        if (childState === undefined) enter(child);
      } else {
        state.set(frame.node, 'done');
        path.pop();
        stack.pop();
      }
    }
  }
  return null;
}

/** Direct predecessors of each of `items`, deduplicated, in link order. */
export function directPredecessors(links: readonly ChainLink[], items: Iterable<string>): string[] {
  const wanted = new Set(items);
  const result = new Set<string>();
  for (const link of links) if (wanted.has(link.to)) result.add(link.from);
  return [...result];
}

function adjacency(links: readonly ChainLink[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const { from, to } of links) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  return next;
}

/**
 * The shortest chain of links from `from` to `to` (both included), or null. Breadth-first with a
 * visited set: linear in the links, however many paths the graph has.
 */
export function pathBetween(links: readonly ChainLink[], from: string, to: string): string[] | null {
  const next = adjacency(links);
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (node === to) {
      const path: string[] = [];
      for (let n: string | null = to; n !== null; n = parent.get(n) ?? null) path.push(n);
      return path.reverse();
    }
    for (const child of next.get(node) ?? []) {
      if (parent.has(child)) continue;
      parent.set(child, node);
      queue.push(child);
    }
  }
  return null;
}

/** A way out of a set of items and back into it through items outside the set. */
export interface Detour {
  readonly from: string;
  readonly to: string;
  /** The outside items passed through, in order. */
  readonly via: string[];
}

/**
 * For a set of items (one project's), every pair (a, b) of items in the set joined by a chain whose
 * inner items all lie outside it, with one such chain. As far as cycles inside the set are concerned,
 * each detour acts like a link a → b. One breadth-first walk per item with a link leaving the set,
 * each with its own visited set, so the cost is bounded by (items with outgoing links) × links.
 */
export function detoursThrough(links: readonly ChainLink[], inside: ReadonlySet<string>): Detour[] {
  const next = adjacency(links);
  const detours: Detour[] = [];
  for (const start of inside) {
    const exits = (next.get(start) ?? []).filter((n) => !inside.has(n));
    if (exits.length === 0) continue;
    const parent = new Map<string, string>(exits.map((e) => [e, start]));
    const queue = [...exits];
    const reached = new Set<string>();
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      for (const child of next.get(node) ?? []) {
        if (inside.has(child)) {
          if (reached.has(child)) continue;
          reached.add(child);
          const via: string[] = [];
          for (let n = node; n !== start; n = parent.get(n)!) via.push(n);
          detours.push({ from: start, to: child, via: via.reverse() });
        } else if (!parent.has(child)) {
          parent.set(child, node);
          queue.push(child);
        }
      }
    }
  }
  return detours;
}

/**
 * A cycle among `links` and `detours` together (each detour acting as a link from → to), spelled out
 * with the items each detour passes through, so it can be found and broken; null when there is none.
 */
export function cycleWithDetours(links: readonly ChainLink[], detours: readonly Detour[]): string[] | null {
  const cycle = findCycle([...links, ...detours.map((d) => ({ from: d.from, to: d.to }))]);
  if (!cycle) return null;
  const spelled: string[] = [];
  for (let k = 0; k < cycle.length - 1; k++) {
    spelled.push(cycle[k]);
    const own = links.some((l) => l.from === cycle[k] && l.to === cycle[k + 1]);
    const detour = detours.find((d) => d.from === cycle[k] && d.to === cycle[k + 1]);
    if (!own && detour) spelled.push(...detour.via);
  }
  spelled.push(cycle[cycle.length - 1]);
  return spelled;
}
