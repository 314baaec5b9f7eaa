/**
 * An action plan as an agency files or proposes it, the rows it becomes, and the rules that decide
 * whether it may stand: as a first plan, as a revision of a plan money already hangs on, and who a
 * revision touches (the committee member approving it must be independent of them).
 */
import { type ChainLink, findCycle } from './action-chain';
import { sumRials, parseRials } from './money';
import { diffPlans, type PlanSnapshot } from './plan-diff';
import { FULL_WEIGHT, formatHundredths, weightToHundredths } from './progress';
import { isTerminal, type TrancheState } from './tranche';

/** One item as a request spells it (weights in percent, instants and rials as text). */
export interface PlanItemRequest {
  readonly code: string;
  readonly titleFa: string;
  readonly titleEn: string;
  /** Defaults (absent or null) to the project's lead agency. */
  readonly ownerAgencyId?: string | null;
  readonly weight: number;
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly budgetRials: string;
}

/** A whole plan as filed or proposed: items, and links between their codes. */
export interface PlanRequest {
  readonly items: readonly PlanItemRequest[];
  readonly links: readonly ChainLink[];
}

/** One item as stored: what an action_items row holds of the plan. */
export interface PlanItemRow {
  code: string;
  titleFa: string;
  titleEn: string;
  /** The owner agency, or '' when neither the item nor the project names one (planRefusal refuses such a plan). */
  ownerAgencyId: string;
  /** Hundredths: 2500 is a weight of 25.00. */
  weightHundredths: number;
  plannedStart: Date;
  plannedEnd: Date;
  budgetRials: bigint;
}

/** The one conversion of a plan request into item rows; an item without an owner belongs to the lead agency. */
export function planItemRows(plan: PlanRequest, leadAgencyId: string | null): PlanItemRow[] {
  return plan.items.map((item) => ({
    code: item.code,
    titleFa: item.titleFa,
    titleEn: item.titleEn,
    ownerAgencyId: item.ownerAgencyId ?? leadAgencyId ?? '',
    weightHundredths: weightToHundredths(item.weight),
    plannedStart: new Date(item.plannedStart),
    plannedEnd: new Date(item.plannedEnd),
    budgetRials: parseRials(item.budgetRials),
  }));
}

/**
 * A plan as revisions compare it and baselines keep it: items (instants in ISO 8601, rials as digits)
 * and links by code. Stored rows and a proposal's rows pass through the same conversion.
 */
export function planSnapshot(items: readonly PlanItemRow[], links: readonly ChainLink[]): PlanSnapshot {
  return {
    items: items.map((i) => ({
      code: i.code,
      titleFa: i.titleFa,
      titleEn: i.titleEn,
      ownerAgencyId: i.ownerAgencyId,
      weightHundredths: i.weightHundredths,
      plannedStart: i.plannedStart.toISOString(),
      plannedEnd: i.plannedEnd.toISOString(),
      budgetRials: i.budgetRials.toString(),
    })),
    links: links.map((l) => ({ from: l.from, to: l.to })),
  };
}

/** The snapshot of a proposed plan, to compare with the plan as it stands. */
export function proposalSnapshot(plan: PlanRequest, leadAgencyId: string | null): PlanSnapshot {
  return planSnapshot(planItemRows(plan, leadAgencyId), plan.links);
}

// ---------------------------------------------------------------------------------------------------
// Validation of a whole plan
// ---------------------------------------------------------------------------------------------------

/** What the plan is checked against: the project as stored. */
export interface PlanContext {
  readonly leadAgencyId: string | null;
  readonly projectAgencyIds: ReadonlySet<string>;
  readonly budgetRials: bigint | null;
}

/** A field of the request and why it is wrong (`items[2].plannedEnd`, `links[0].from`, `items`…). */
export interface PlanProblem {
  readonly field: string;
  readonly reason: string;
}

/** Why a plan is refused: every field problem at once, or (when there are none) the cycle its links form. */
export interface PlanRefusal {
  readonly problems: PlanProblem[];
  /** The cycle as a closed path (`[a, b, c, a]`), when that is the refusal. */
  readonly cycle?: string[];
}

/** "the links form a cycle: 1 → 3 → 5 → 1". */
export function cycleReason(cycle: readonly string[]): string {
  return `the links form a cycle: ${cycle.join(' → ')}`;
}

/**
 * Checks a whole action plan: unique codes, end after start, an owner that is one of the project's
 * agencies, weights summing to exactly 100, budgets within the project's, links between known items
 * and not repeated. All of these are reported at once, each against its field; when none applies, a
 * cycle among the links is reported on its own, naming the items that form it.
 */
export function planRefusal(plan: PlanRequest, ctx: PlanContext): PlanRefusal | null {
  const problems: PlanProblem[] = [];
  const seen = new Set<string>();
  let weightSum = 0;

  plan.items.forEach((item, i) => {
    if (seen.has(item.code)) problems.push({ field: `items[${i}].code`, reason: `duplicate code "${item.code}"` });
    seen.add(item.code);
    weightSum += weightToHundredths(item.weight);
    if (Date.parse(item.plannedEnd) <= Date.parse(item.plannedStart)) {
      problems.push({ field: `items[${i}].plannedEnd`, reason: 'must be after plannedStart' });
    }
    const owner = item.ownerAgencyId ?? ctx.leadAgencyId;
    if (!owner) {
      problems.push({ field: `items[${i}].ownerAgencyId`, reason: 'the project has no lead agency; name the owner' });
    } else if (!ctx.projectAgencyIds.has(owner)) {
      problems.push({ field: `items[${i}].ownerAgencyId`, reason: 'is not the lead or a collaborating agency of this project' });
    }
  });

  if (weightSum !== FULL_WEIGHT) {
    problems.push({ field: 'items', reason: `weights sum to ${formatHundredths(weightSum)}; they must sum to exactly 100` });
  }

  if (ctx.budgetRials !== null) {
    const total = sumRials(plan.items.map((i) => parseRials(i.budgetRials)));
    if (total > ctx.budgetRials) {
      problems.push({ field: 'items', reason: `item budgets sum to ${total} rials, more than the project budget of ${ctx.budgetRials}` });
    }
  }

  const pairs = new Set<string>();
  plan.links.forEach((link, j) => {
    if (!seen.has(link.from)) problems.push({ field: `links[${j}].from`, reason: `no item with code "${link.from}"` });
    if (!seen.has(link.to)) problems.push({ field: `links[${j}].to`, reason: `no item with code "${link.to}"` });
    const key = `${link.from}\u0000${link.to}`;
    if (pairs.has(key)) problems.push({ field: `links[${j}]`, reason: `duplicate link ${link.from} → ${link.to}` });
    pairs.add(key);
  });

  if (problems.length > 0) return { problems };
  const cycle = findCycle(plan.links);
  return cycle ? { problems: [{ field: 'links', reason: cycleReason(cycle) }], cycle } : null;
}

// ---------------------------------------------------------------------------------------------------
// A plan money hangs on
// ---------------------------------------------------------------------------------------------------

/** What already depends on a project's plan. */
export interface PlanUsage {
  readonly hasTranches: boolean;
  readonly hasDeclarations: boolean;
}

/** Once money or progress hangs on the plan it is locked: changing it is a plan revision the committee approves. */
export function isPlanLocked(usage: PlanUsage): boolean {
  return usage.hasTranches || usage.hasDeclarations;
}

/** An item of the plan as it stands, funded by a tranche that was not rejected. */
export interface FundedItem {
  readonly code: string;
  readonly trancheNumber: number;
  readonly trancheState: TrancheState;
}

/** A tranche neither released nor rejected, the rials it commits and the codes of the items it funds. */
export interface OpenTrancheFunding {
  readonly number: number;
  readonly amountRials: bigint;
  readonly codes: readonly string[];
}

/**
 * What a revised plan may not do to money already committed, or null when it may stand:
 * - remove an item a tranche funds;
 * - change the owner agency of an item an open tranche funds (its allocation was fixed at creation),
 *   or let the budgets of an open tranche's items fall below the tranche's amount;
 * - link two items one pending tranche funds (the tranche would be gated on its own item).
 */
export function revisionRefusal(
  proposed: readonly PlanItemRow[],
  links: readonly ChainLink[],
  current: PlanSnapshot,
  funded: readonly FundedItem[],
  open: readonly OpenTrancheFunding[],
): PlanProblem | null {
  const codes = new Set(proposed.map((i) => i.code));
  const removedFunded = funded.filter((f) => !codes.has(f.code));
  if (removedFunded.length > 0) {
    const named = removedFunded.map((f) => `${f.code} (tranche ${f.trancheNumber}, ${f.trancheState})`).join(', ');
    return { field: 'items', reason: `items funded by tranches cannot be removed: ${named}` };
  }

  const proposedByCode = new Map(proposed.map((i) => [i.code, i]));
  const currentByCode = new Map(current.items.map((i) => [i.code, i]));
  for (const tranche of open) {
    let budget = 0n;
    for (const code of tranche.codes) {
      const item = proposedByCode.get(code);
      const was = currentByCode.get(code);
      if (!item || !was) continue;
      if (item.ownerAgencyId !== was.ownerAgencyId) {
        return {
          field: 'items',
          reason: `item ${code} is funded by open tranche ${tranche.number}; its owner agency cannot change until the tranche is released or rejected`,
        };
      }
      budget += item.budgetRials;
    }
    if (budget < tranche.amountRials) {
      return {
        field: 'items',
        reason: `open tranche ${tranche.number} commits ${tranche.amountRials} rials to items ${tranche.codes.join(', ')}; their budgets (${budget}) cannot fall below it`,
      };
    }
  }

  const pendingFunded = new Map<number, string[]>();
  for (const f of funded.filter((x) => !isTerminal(x.trancheState))) {
    pendingFunded.set(f.trancheNumber, [...(pendingFunded.get(f.trancheNumber) ?? []), f.code]);
  }
  for (const [number, items] of pendingFunded) {
    const across = links.find((l) => items.includes(l.from) && items.includes(l.to));
    if (across) {
      return {
        field: 'links',
        reason: `tranche ${number} funds both ${across.from} and ${across.to}; the link ${across.from} → ${across.to} would gate a tranche on its own item`,
      };
    }
  }
  return null;
}

/**
 * Every organization owning an item the revision adds, changes or retires, as owner before or after:
 * the member deciding the revision must be independent of them (nobody approves the retirement of their own work).
 */
export function revisionOwners(before: PlanSnapshot, after: PlanSnapshot): string[] {
  const diff = diffPlans(before, after);
  const touched = new Set(diff.changedItems.map((c) => c.code));
  return [
    ...diff.addedItems.map((i) => i.ownerAgencyId),
    ...diff.removedItems.map((i) => i.ownerAgencyId),
    ...before.items.filter((i) => touched.has(i.code)).map((i) => i.ownerAgencyId),
    ...diff.changedItems.filter((c) => c.field === 'ownerAgencyId').map((c) => String(c.after)),
  ].filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------------

/**
 * Baseline numbering. The plan as first filed is baseline 1; it is stored only when the first
 * revision is approved (until then it is the plan as it stands). Each approved revision adds the next.
 */
export function nextBaselineNumber(lastStored: number): number {
  return Math.max(lastStored, 1) + 1;
}

/** Baseline 1 before any is stored: the plan as it stands. */
export function isFiledPlanBaseline(number: number, storedCount: number): boolean {
  return number === 1 && storedCount === 0;
}

/** The baseline a decided revision was compared against (the one before it), or null for the plan as it stands. */
export function baselineBeforeRevision(revision: { status: string; baselineNumber: number | null }): number | null {
  return revision.status === 'approved' && revision.baselineNumber !== null ? revision.baselineNumber - 1 : null;
}
