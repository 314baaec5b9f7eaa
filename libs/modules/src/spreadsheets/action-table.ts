/**
 * The action table (جدول اقدامات اجرایی) as agencies keep it in Excel: one row per item. This file
 * knows the columns, reads a sheet's cells into a plan request (the same shape PUT
 * /api/projects/:id/action-plan takes) and remembers which cell each value came from, so a problem
 * found later by the API's own rules can be shown on the cell that caused it. It judges nothing
 * itself beyond reading a cell (a date that is not a Jalali date, an agency code nobody has).
 */
import { type ChainLink, formatJalali, parseJalali, type PlanItemRequest, tehranMidnight, toAsciiDigits, toJalali } from '@pelekan/core';

export type ActionColumnKey = 'code' | 'titleFa' | 'titleEn' | 'owner' | 'weight' | 'start' | 'end' | 'budget' | 'predecessors';

export interface ActionColumn {
  key: ActionColumnKey;
  /** The request field the column fills (`items[i].<field>`; predecessors fill `links`). */
  field: string;
  fa: string;
  en: string;
  /** Other header texts read as this column. */
  aliases: string[];
  width: number;
}

export const ACTION_COLUMNS: readonly ActionColumn[] = [
  { key: 'code', field: 'code', fa: 'کد بند', en: 'Code', aliases: ['کد', 'شماره', 'ردیف', 'item code'], width: 10 },
  { key: 'titleFa', field: 'titleFa', fa: 'عنوان فارسی', en: 'Persian title', aliases: ['عنوان', 'شرح اقدام', 'title (fa)', 'title fa'], width: 40 },
  { key: 'titleEn', field: 'titleEn', fa: 'عنوان انگلیسی', en: 'English title', aliases: ['title (en)', 'title en', 'title'], width: 40 },
  { key: 'owner', field: 'ownerAgencyId', fa: 'دستگاه مسئول (کد)', en: 'Owner agency (code)', aliases: ['دستگاه مسئول', 'دستگاه', 'owner agency', 'owner', 'agency'], width: 18 },
  { key: 'weight', field: 'weight', fa: 'وزن (درصد)', en: 'Weight (%)', aliases: ['وزن', 'weight'], width: 10 },
  { key: 'start', field: 'plannedStart', fa: 'تاریخ شروع', en: 'Start date (Jalali)', aliases: ['شروع', 'start', 'start date'], width: 14 },
  { key: 'end', field: 'plannedEnd', fa: 'تاریخ پایان', en: 'End date (Jalali)', aliases: ['پایان', 'end', 'end date'], width: 14 },
  { key: 'budget', field: 'budgetRials', fa: 'بودجه (ریال)', en: 'Budget (rials)', aliases: ['بودجه', 'budget', 'budget rials'], width: 22 },
  { key: 'predecessors', field: 'links', fa: 'پیش‌نیازها (کدها)', en: 'Predecessors (codes)', aliases: ['پیش نیازها', 'پیش‌نیاز', 'پیش نیاز', 'predecessors'], width: 18 },
];

export const SHEETS = {
  actions: { fa: 'اقدامات', en: 'Actions' },
  instructions: { fa: 'راهنما', en: 'Instructions' },
  agencies: { fa: 'دستگاه‌ها', en: 'Agencies' },
};

/** The name of the action sheet in the files this API writes ("اقدامات - Actions"). */
export const ACTIONS_SHEET = `${SHEETS.actions.fa} - ${SHEETS.actions.en}`;
export const INSTRUCTIONS_SHEET = `${SHEETS.instructions.fa} - ${SHEETS.instructions.en}`;
export const AGENCIES_SHEET = `${SHEETS.agencies.fa} - ${SHEETS.agencies.en}`;

export const INSTRUCTIONS: ReadonlyArray<readonly [fa: string, en: string]> = [
  ['هر ردیف برگه «اقدامات» یک بند برنامه است. دو ردیف اول عنوان ستون‌ها هستند (فارسی و انگلیسی)؛ آن‌ها را تغییر ندهید.', 'Each row of the "Actions" sheet is one item of the plan. The first two rows are the column headers (Persian and English); leave them as they are.'],
  ['کد بند: ۱ تا ۲۰ حرف لاتین، رقم، نقطه یا خط تیره (مثلاً 1 یا 2.3)، در طرح یکتا.', 'Code: 1-20 Latin letters, digits, dots or hyphens (e.g. 1 or 2.3), unique in the project.'],
  ['عنوان فارسی و انگلیسی: هر دو لازم‌اند.', 'Persian and English title: both are required.'],
  ['دستگاه مسئول: کد دستگاه از برگه «دستگاه‌ها»؛ خالی یعنی دستگاه اصلی طرح. دستگاه باید دستگاه اصلی یا همکار طرح باشد.', 'Owner agency: the agency\'s code from the "Agencies" sheet; empty means the project\'s lead agency. It must be the lead or a collaborating agency of the project.'],
  ['وزن: سهم بند از طرح به درصد، بیشتر از صفر، حداکثر دو رقم اعشار؛ جمع وزن‌ها باید دقیقاً ۱۰۰ شود.', 'Weight: the item\'s share of the project in percent, above 0, two decimals at most; the weights must sum to exactly 100.'],
  ['تاریخ شروع و پایان: تاریخ شمسی مانند 1405/09/20 (رقم فارسی هم پذیرفته است)؛ پایان باید بعد از شروع باشد.', 'Start and end date: a Jalali date such as 1405/09/20 (Persian digits are accepted too); the end must be after the start.'],
  ['بودجه: عدد صحیح ریال (جداکننده هزارگان مجاز است)؛ جمع بودجه بندها از بودجه طرح بیشتر نشود. مبلغ‌های بزرگ را به صورت متن وارد کنید تا رقمی از دست نرود.', 'Budget: whole rials (thousands separators allowed); the items\' budgets may not exceed the project\'s. Enter large amounts as text so no digit is lost.'],
  ['پیش‌نیازها: کد بندهایی که باید پیش از این بند تمام شوند، جدا با ویرگول (مثلاً 1, 2). زنجیره نباید دور بسازد.', 'Predecessors: the codes of the items that must finish before this one, separated by commas (e.g. 1, 2). The chain may not form a cycle.'],
  ['پرونده را به صورت XLSX یا CSV (UTF-8) بارگذاری کنید، به عنوان برنامه نخست یا بازنگری (با دلیل). تا همه ردیف‌ها درست نباشند چیزی ذخیره نمی‌شود و هر خطا با برگه، ردیف و ستون آن گزارش می‌شود.', 'Upload the file as XLSX or CSV (UTF-8), as the first plan or as a revision (with a reason). Nothing is saved until every row is right; each problem is reported with its sheet, row and column.'],
];

/** An agency as the agencies sheet lists it. */
export interface AgencyRef {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** One item of a plan as the sheet shows it (export and template). */
export interface ActionRow {
  code: string;
  titleFa: string;
  titleEn: string;
  ownerCode: string;
  weight: number;
  start: Date;
  end: Date;
  budgetRials: string;
  predecessors: string[];
}

/** A cell's value as exceljs or the CSV reader gives it. */
export type RawCell = string | number | boolean | Date | null | undefined | { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };

/** A sheet as rows of raw cells, with the row number of each (1-based, as the spreadsheet shows it). */
export interface RawSheet {
  name: string;
  rows: Array<{ number: number; cells: RawCell[] }>;
}

/** Where a value of the request came from. */
export interface CellRef {
  sheet: string;
  row: number | null;
  column: string | null;
}

/** A problem in the file itself (a cell that cannot be read), in English and Persian. */
export interface CellProblem extends CellRef {
  field: string;
  reason: string;
  reasonFa: string;
}

/** What the request is made of, and where each part of it came from. */
export interface ReadPlan {
  items: PlanItemRequest[];
  links: ChainLink[];
  /** The sheet row of items[i]. */
  itemRows: number[];
  /** The sheet row of links[j] (the successor's row: its predecessors cell). */
  linkRows: number[];
  sheet: string;
  /** Column letter of each column the file has. */
  columns: Partial<Record<ActionColumnKey, string>>;
  problems: CellProblem[];
}

export function columnLetter(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Letters, digits and spaces only, lower case, ZWNJ and Arabic forms of Persian letters folded. */
function normalizeHeader(text: string): string {
  return toAsciiDigits(text)
    .replace(/\u200c/g, ' ')
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .toLowerCase()
    .replace(/[()[\]:.%]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const HEADER_INDEX = new Map<string, ActionColumnKey>();
for (const c of ACTION_COLUMNS) for (const h of [c.fa, c.en, ...c.aliases]) if (!HEADER_INDEX.has(normalizeHeader(h))) HEADER_INDEX.set(normalizeHeader(h), c.key);

/** The text of a cell: rich text, hyperlinks and formulas' results read as what they show. */
export function cellText(cell: RawCell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'object') {
    if (Array.isArray(cell.richText)) return cell.richText.map((r) => r.text).join('').trim();
    if (cell.result !== undefined) return cellText(cell.result);
    if (cell.text !== undefined) return cellText(cell.text);
    return '';
  }
  return String(cell).trim();
}

/** The header columns of a row, if it is a header row (three known headers or more). */
function headerColumns(cells: RawCell[]): Map<number, ActionColumnKey> | null {
  const found = new Map<number, ActionColumnKey>();
  cells.forEach((cell, i) => {
    const key = HEADER_INDEX.get(normalizeHeader(cellText(cell)));
    if (key && ![...found.values()].includes(key)) found.set(i, key);
  });
  return found.size >= 3 ? found : null;
}

/** The sheet holding the action table: the one named so, else the first whose header rows are an action table's. */
export function findActionSheet(sheets: readonly RawSheet[]): RawSheet | null {
  const named = sheets.find((s) => [ACTIONS_SHEET, SHEETS.actions.fa, SHEETS.actions.en].some((n) => normalizeHeader(n) === normalizeHeader(s.name)));
  if (named) return named;
  return sheets.find((s) => s.rows.slice(0, 5).some((r) => headerColumns(r.cells))) ?? null;
}

const problem = (ref: CellRef, field: string, reason: string, reasonFa: string): CellProblem => ({ ...ref, field, reason, reasonFa });

/** A Jalali date cell as the instant of its Tehran midnight. A Date cell (Excel took the text for a date) is read by its digits. */
export function readJalaliCell(cell: RawCell): string | null {
  let text = cellText(cell);
  if (cell instanceof Date) text = `${cell.getUTCFullYear()}/${cell.getUTCMonth() + 1}/${cell.getUTCDate()}`;
  try {
    return tehranMidnight(parseJalali(text.replace(/[.]/g, '/'))).toISOString();
  } catch {
    return null;
  }
}

/** Whole rials from a cell: digits (Persian or ASCII) with optional separators; a number only when it is exact. */
export function readRialsCell(cell: RawCell): { rials: string } | { error: 'inexact' | 'format' } {
  const value: RawCell = typeof cell === 'object' && cell !== null && !(cell instanceof Date) ? ((cell.result as RawCell) ?? cell) : cell;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return { error: Number.isInteger(value) ? 'inexact' : 'format' };
    return { rials: String(value) };
  }
  const text = toAsciiDigits(cellText(value)).replace(/[,\s٬'’_]/g, '');
  if (!/^\d+$/.test(text)) return { error: 'format' };
  return { rials: text.replace(/^0+(?=\d)/, '') };
}

/** A weight cell as a number: "12.5", "۱۲٫۵", 12.5. */
export function readWeightCell(cell: RawCell): number | null {
  const value: RawCell = typeof cell === 'object' && cell !== null && !(cell instanceof Date) ? ((cell.result as RawCell) ?? cell) : cell;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = toAsciiDigits(cellText(value)).replace(/٫/g, '.').replace(/[%٪\s]/g, '');
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

/**
 * Reads the action sheet into a plan request. Header rows (Persian, English or both) name the
 * columns; the rows under them are items, empty rows skipped. Cells that cannot be read are
 * problems; everything else is left to the API's rules.
 */
export function readActionSheet(sheet: RawSheet, agencies: readonly AgencyRef[]): ReadPlan {
  const result: ReadPlan = { items: [], links: [], itemRows: [], linkRows: [], sheet: sheet.name, columns: {}, problems: [] };
  let columns: Map<number, ActionColumnKey> | null = null;
  let dataStart = 0;
  sheet.rows.slice(0, 6).forEach((r, i) => {
    const found = headerColumns(r.cells);
    if (found) {
      columns = columns ?? found;
      for (const [index, key] of found) if (![...columns.values()].includes(key)) columns.set(index, key);
      dataStart = i + 1;
    }
  });
  if (!columns) {
    result.problems.push(
      problem({ sheet: sheet.name, row: null, column: null }, 'file', 'no header row of an action table (code, titles, weight, dates, budget) was found', 'ردیف عنوان ستون‌های جدول اقدامات (کد، عنوان، وزن، تاریخ‌ها، بودجه) پیدا نشد'),
    );
    return result;
  }
  const indexOf = new Map<ActionColumnKey, number>();
  for (const [index, key] of columns as Map<number, ActionColumnKey>) {
    indexOf.set(key, index);
    result.columns[key] = columnLetter(index);
  }
  for (const c of ACTION_COLUMNS) {
    if (c.key === 'owner' || c.key === 'predecessors' || indexOf.has(c.key)) continue;
    result.problems.push(problem({ sheet: sheet.name, row: null, column: null }, c.field, `the column "${c.en}" is missing`, `ستون «${c.fa}» وجود ندارد`));
  }
  if (result.problems.length > 0) return result;

  const agencyByCode = new Map(agencies.map((a) => [normalizeHeader(a.code), a]));
  for (const row of sheet.rows.slice(dataStart)) {
    const raw = (key: ActionColumnKey): RawCell => (indexOf.has(key) ? row.cells[indexOf.get(key)!] : undefined);
    if (ACTION_COLUMNS.every((c) => cellText(raw(c.key)) === '')) continue;
    const i = result.items.length;
    const at = (key: ActionColumnKey): CellRef => ({ sheet: sheet.name, row: row.number, column: result.columns[key] ?? null });
    const field = (key: ActionColumnKey) => `items[${i}].${ACTION_COLUMNS.find((c) => c.key === key)!.field}`;

    const code = toAsciiDigits(cellText(raw('code')));
    const ownerText = cellText(raw('owner'));
    let ownerAgencyId: string | undefined;
    if (ownerText !== '') {
      const agency = agencyByCode.get(normalizeHeader(ownerText));
      if (agency) ownerAgencyId = agency.id;
      else result.problems.push(problem(at('owner'), field('owner'), `no agency has the code "${ownerText}" (see the agencies sheet)`, `دستگاهی با کد «${ownerText}» نیست (برگه دستگاه‌ها را ببینید)`));
    }
    const weight = readWeightCell(raw('weight'));
    if (weight === null) result.problems.push(problem(at('weight'), field('weight'), 'must be a number such as 25 or 12.5', 'باید عددی مانند ۲۵ یا ۱۲٫۵ باشد'));
    const dates = (['start', 'end'] as const).map((key) => {
      const instant = readJalaliCell(raw(key));
      if (instant === null) result.problems.push(problem(at(key), field(key), 'must be a Jalali date such as 1405/09/20', 'باید تاریخ شمسی مانند ۱۴۰۵/۰۹/۲۰ باشد'));
      return instant;
    });
    const budget = readRialsCell(raw('budget'));
    if ('error' in budget) {
      result.problems.push(
        budget.error === 'inexact'
          ? problem(at('budget'), field('budget'), 'the number is too large for a spreadsheet number and lost digits; enter it as text', 'عدد برای قالب عددی صفحه‌گسترده بزرگ است و رقم‌هایی از دست رفته؛ آن را به صورت متن وارد کنید')
          : problem(at('budget'), field('budget'), 'must be a whole number of rials', 'باید عدد صحیح ریال باشد'),
      );
    }
    result.items.push({
      code,
      titleFa: cellText(raw('titleFa')),
      titleEn: cellText(raw('titleEn')),
      ...(ownerAgencyId ? { ownerAgencyId } : {}),
      weight: weight ?? 0,
      // Placeholders where the cell could not be read: its problem is already listed, and the rules' findings on them are dropped.
      plannedStart: dates[0] ?? new Date(0).toISOString(),
      plannedEnd: dates[1] ?? new Date(1).toISOString(),
      budgetRials: 'rials' in budget ? budget.rials : '0',
    });
    result.itemRows.push(row.number);
    for (const from of toAsciiDigits(cellText(raw('predecessors'))).split(/[,،;؛\s]+/).filter(Boolean)) {
      result.links.push({ from, to: code });
      result.linkRows.push(row.number);
    }
  }
  if (result.items.length === 0) {
    result.problems.push(problem({ sheet: sheet.name, row: null, column: null }, 'items', 'the action table has no rows', 'جدول اقدامات هیچ ردیفی ندارد'));
  }
  return result;
}

/** A plan as the action sheet's cells (export, template example): dates Jalali, rials as text. */
export function actionRowCells(row: ActionRow): Array<string | number> {
  return [
    row.code,
    row.titleFa,
    row.titleEn,
    row.ownerCode,
    row.weight,
    formatJalali(toJalali(row.start)),
    formatJalali(toJalali(row.end)),
    row.budgetRials,
    row.predecessors.join(', '),
  ];
}
