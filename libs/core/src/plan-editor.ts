/**
 * The plan editor's arithmetic, shared by the web app's table editor and its tests: amounts typed in
 * rials or toman (exact, on decimal strings), weights typed as text (exact, in hundredths), days typed
 * in the Jalali calendar (or, in English, the Gregorian one), links refused when they would close a
 * cycle (the server's rule), and the table's rows → the plan request the API takes.
 */
import { type ChainLink, cycleWithDetours, detoursThrough } from './action-chain';
import { type JalaliDate, gregorianToJalali, isValidJalali, tehranMidnight, toAsciiDigits } from './jalali';
import { MAX_RIALS, RIALS_PATTERN } from './money';
import type { PlanRequest } from './plan';
import { FULL_WEIGHT } from './progress';

export type MoneyUnit = 'rials' | 'toman';

/** Thousands separators and spaces a person may type (Latin, Persian and Arabic). */
const SEPARATORS = /[\s,٬،'_]/g;

/**
 * An amount as typed, in `unit`, as whole rials (a decimal string), or null when it is not one.
 * 1 toman = 10 rials, so a toman amount may carry one decimal ("12.5" toman = 125 rials); digits may be
 * Persian or Arabic-Indic, with separators; "٫" is the Persian decimal point.
 */
export function typedAmountToRials(text: string, unit: MoneyUnit): string | null {
  const clean = toAsciiDigits(text).replace(SEPARATORS, '').replace('٫', '.');
  const match = unit === 'toman' ? /^(\d+)(?:\.(\d))?$/.exec(clean) : /^(\d+)$/.exec(clean);
  if (!match) return null;
  const rials = BigInt(match[1]) * (unit === 'toman' ? 10n : 1n) + BigInt(match[2] ?? '0');
  if (rials > MAX_RIALS) return null;
  return rials.toString();
}

/** Whole rials (a decimal string) in `unit`, exactly: "1234" rials is "123.4" toman. No separators. */
export function rialsInUnit(rials: string, unit: MoneyUnit): string {
  if (!RIALS_PATTERN.test(rials)) throw new RangeError(`"${rials}" is not a whole number of rials`);
  if (unit === 'rials') return rials;
  const value = BigInt(rials);
  const rest = value % 10n;
  return rest === 0n ? (value / 10n).toString() : `${value / 10n}.${rest}`;
}

/** "1234567" → "1,234,567" (the separator given); a fraction is left as it is. */
export function groupDigits(text: string, separator = ','): string {
  const [whole, fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A weight as typed ("25", "12.5", "۱۲٫۵") in hundredths (2500, 1250), or null when it is not one the API takes. */
export function typedWeightHundredths(text: string): number | null {
  const clean = toAsciiDigits(text).trim().replace('٫', '.');
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return hundredths > 0 && hundredths <= FULL_WEIGHT ? hundredths : null;
}

/** The weights' sum in hundredths (unreadable weights count as 0) and whether it is exactly 100. */
export function weightTotal(texts: readonly string[]): { hundredths: number; complete: boolean; unreadable: number } {
  let hundredths = 0;
  let unreadable = 0;
  for (const text of texts) {
    const w = typedWeightHundredths(text);
    if (w === null) unreadable += 1;
    else hundredths += w;
  }
  return { hundredths, complete: hundredths === FULL_WEIGHT && unreadable === 0, unreadable };
}

/**
 * A day as typed: Jalali "1405/08/13" (or with "-", Persian digits); in English also Gregorian
 * "2026-11-04", told apart by the year (a Jalali year is below 1700). Null when it is not a day.
 */
export function parseTypedDay(text: string): JalaliDate | null {
  const match = /^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*$/.exec(toAsciiDigits(text));
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year >= 1700) {
    const g = new Date(Date.UTC(year, month - 1, day));
    if (g.getUTCFullYear() !== year || g.getUTCMonth() !== month - 1 || g.getUTCDate() !== day) return null;
    return gregorianToJalali(year, month, day);
  }
  const date = { year, month, day };
  return isValidJalali(date) ? date : null;
}

/** The instant a plan date is sent as: midnight of the Jalali day in Tehran, ISO 8601. */
export function dayInstant(date: JalaliDate): string {
  return tehranMidnight(date).toISOString();
}

/**
 * The cycle a set of links would form, as the server judges a plan: the plan's own links, and every
 * way out of the plan and back into it through other projects' items (`external`: links with at
 * least one end outside `inside`). A closed path (`[a, b, a]`), with the outside items passed, or null.
 */
export function planLinkCycle(links: readonly ChainLink[], external: readonly ChainLink[], inside: ReadonlySet<string>): string[] | null {
  return cycleWithDetours(links, detoursThrough([...links, ...external], inside));
}

/** One row of the editor's table, as the person typed it. `key` is the row's own (codes may change). */
export interface PlanDraftRow {
  readonly key: string;
  readonly code: string;
  readonly titleFa: string;
  readonly titleEn: string;
  /** '' for the project's lead agency. */
  readonly ownerAgencyId: string;
  readonly weight: string;
  /** ISO 8601 instants ('' when not chosen yet): kept as loaded until a day is picked, so an untouched date is unchanged. */
  readonly plannedStart: string;
  readonly plannedEnd: string;
  /** As typed, in the unit the table shows. */
  readonly budget: string;
  /** Keys of the rows this row waits for. */
  readonly predecessors: readonly string[];
}

/** A field of the request and why the table cannot send it (named as the API names fields). */
export interface DraftProblem {
  readonly field: string;
  readonly reason: 'weight' | 'budget' | 'date' | 'required';
}

/**
 * The table's links as the request sends them (by code), each with the key of the row that waits
 * (`to`): the API names links by their index, and a refusal of `links[j]` belongs to that row.
 */
export function draftLinks(rows: readonly PlanDraftRow[]): Array<ChainLink & { rowKey: string }> {
  const code = new Map(rows.map((r) => [r.key, r.code]));
  return rows.flatMap((r) =>
    r.predecessors.filter((p) => code.has(p)).map((p) => ({ from: code.get(p)!, to: r.code, rowKey: r.key })),
  );
}

/**
 * The table as the plan request the API takes, or the cells it cannot read (named `items[i].weight`,
 * as the server names them, so they show in the same place as the server's refusals).
 */
export function draftToRequest(rows: readonly PlanDraftRow[], unit: MoneyUnit): { request: PlanRequest; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const items = rows.map((r, i) => {
    const weight = typedWeightHundredths(r.weight);
    if (weight === null) problems.push({ field: `items[${i}].weight`, reason: 'weight' });
    const budgetRials = typedAmountToRials(r.budget, unit);
    if (budgetRials === null) problems.push({ field: `items[${i}].budgetRials`, reason: 'budget' });
    if (!r.plannedStart) problems.push({ field: `items[${i}].plannedStart`, reason: 'date' });
    if (!r.plannedEnd) problems.push({ field: `items[${i}].plannedEnd`, reason: 'date' });
    for (const field of ['code', 'titleFa', 'titleEn'] as const) {
      if (!r[field].trim()) problems.push({ field: `items[${i}].${field}`, reason: 'required' });
    }
    return {
      code: r.code.trim(),
      titleFa: r.titleFa.trim(),
      titleEn: r.titleEn.trim(),
      ...(r.ownerAgencyId ? { ownerAgencyId: r.ownerAgencyId } : {}),
      weight: (weight ?? 0) / 100,
      plannedStart: r.plannedStart,
      plannedEnd: r.plannedEnd,
      budgetRials: budgetRials ?? '0',
    };
  });
  const links = draftLinks(rows.map((r) => ({ ...r, code: r.code.trim() }))).map(({ from, to }) => ({ from, to }));
  return { request: { items, links }, problems };
}
