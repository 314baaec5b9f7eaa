/** The difference between two versions of an action plan, item by item (matched by code) and link by link. */

export interface PlanItemSnapshot {
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgencyId: string;
  /** Weight in hundredths (2500 = 25.00). */
  weightHundredths: number;
  plannedStart: string;
  plannedEnd: string;
  budgetRials: string;
}

export interface PlanSnapshot {
  items: PlanItemSnapshot[];
  links: Array<{ from: string; to: string }>;
}

export interface ItemChange {
  code: string;
  field: PlanItemField;
  before: string | number;
  after: string | number;
}

export interface PlanDiff {
  addedItems: PlanItemSnapshot[];
  removedItems: PlanItemSnapshot[];
  changedItems: ItemChange[];
  addedLinks: Array<{ from: string; to: string }>;
  removedLinks: Array<{ from: string; to: string }>;
}

/** The fields of an item a revision may change (the code is what items are matched by). */
export const PLAN_ITEM_FIELDS = [
  'titleFa',
  'titleEn',
  'ownerAgencyId',
  'weightHundredths',
  'plannedStart',
  'plannedEnd',
  'budgetRials',
] as const satisfies ReadonlyArray<keyof PlanItemSnapshot>;

export type PlanItemField = (typeof PLAN_ITEM_FIELDS)[number];

const linkKey = (l: { from: string; to: string }) => `${l.from}\u0000${l.to}`;

export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanDiff {
  const old = new Map(before.items.map((i) => [i.code, i]));
  const next = new Map(after.items.map((i) => [i.code, i]));
  const changedItems: ItemChange[] = [];
  for (const item of after.items) {
    const was = old.get(item.code);
    if (!was) continue;
    for (const field of PLAN_ITEM_FIELDS) {
      const a = normalise(field, was[field]);
      const b = normalise(field, item[field]);
      if (a !== b) changedItems.push({ code: item.code, field, before: a, after: b });
    }
  }
  const oldLinks = new Set(before.links.map(linkKey));
  const newLinks = new Set(after.links.map(linkKey));
  return {
    addedItems: after.items.filter((i) => !old.has(i.code)),
    removedItems: before.items.filter((i) => !next.has(i.code)),
    changedItems,
    addedLinks: after.links.filter((l) => !oldLinks.has(linkKey(l))),
    removedLinks: before.links.filter((l) => !newLinks.has(linkKey(l))),
  };
}

/** Instants compare as instants, whatever their spelling ("…Z" or "….000Z"). */
function normalise(field: PlanItemField, value: string | number): string | number {
  if ((field === 'plannedStart' || field === 'plannedEnd') && typeof value === 'string') {
    return new Date(value).toISOString();
  }
  return value;
}

export function isEmptyDiff(diff: PlanDiff): boolean {
  return (
    diff.addedItems.length + diff.removedItems.length + diff.changedItems.length +
      diff.addedLinks.length + diff.removedLinks.length === 0
  );
}
