import { ChainLink, directPredecessors } from './action-chain';

/** What the gate knows about one gating item. */
export interface GateItem {
  readonly itemId: string;
  readonly verifiedPercent: number;
}

export interface GateEvaluation<T extends GateItem> {
  /** True when every gating item is at 100% verified (an empty gate is open). */
  readonly open: boolean;
  /** The gating items still below 100% verified. */
  readonly waitingOn: T[];
}

export function evaluateGate<T extends GateItem>(items: readonly T[]): GateEvaluation<T> {
  const waitingOn = items.filter((i) => i.verifiedPercent < 100);
  return { open: waitingOn.length === 0, waitingOn };
}

export interface ChainGate {
  /** Items that gate the tranche by the action-chain rule: predecessors of funded items. */
  readonly gate: string[];
  /** Links whose both ends the tranche would fund: money for the successor before its predecessor is done. */
  readonly fundsAcrossLink: ChainLink[];
}

/**
 * The action-chain rule for a tranche funding `funded`: it is gated on the direct predecessors of
 * the funded items. Funding an item together with its own predecessor would release the successor's
 * money before the predecessor is complete, so such links are reported for the caller to refuse.
 */
export function chainGate(funded: readonly string[], links: readonly ChainLink[]): ChainGate {
  const fundedSet = new Set(funded);
  return {
    gate: directPredecessors(links, funded).filter((i) => !fundedSet.has(i)),
    fundsAcrossLink: links.filter((l) => fundedSet.has(l.from) && fundedSet.has(l.to)),
  };
}

/** How a gate moves from `current` to `next` (items by id): what joins it and what leaves it. */
export function gateDiff(current: Iterable<string>, next: Iterable<string>): { added: string[]; removed: string[] } {
  const before = new Set(current);
  const after = new Set(next);
  return { added: [...after].filter((i) => !before.has(i)), removed: [...before].filter((i) => !after.has(i)) };
}
