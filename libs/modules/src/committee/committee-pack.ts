import { formatJalali, isValidJalali, JALALI_MONTHS, jalaliMonthRange, toAsciiDigits, toJalali, toPersianDigits } from '@pelekan/core';
import { InvalidInput } from '../common/errors';
import { escapeHtml } from '../common/text';
import type { CommitteePackView, PackMonthView, PackPlaceView, PackRowView, PackSummaryView } from './dto';

export type CommitteePack = CommitteePackView;
export type PackRow = PackRowView;
export type PackSummary = PackSummaryView;
export type PackSection = 'verifications' | 'cases' | 'tranches';
export const PACK_SECTIONS: readonly PackSection[] = ['verifications', 'cases', 'tranches'];

/** How many events of one kind a portfolio and an agency had (rials: of the releases), as PostgreSQL counts them. */
export interface PackCountRow {
  kind: string;
  count: number;
  rials: string;
  portfolio: PackRow['portfolio'];
  agency: PackRow['agency'];
}

/** A pack as it is sent: the summaries first, then each section's rows as they are read, batch by batch. */
export interface PackStream {
  month: PackMonthView;
  byPortfolio: PackSummary[];
  byAgency: PackSummary[];
  rows: (section: PackSection) => AsyncIterable<PackRow[]>;
}

const LABELS = {
  fa: {
    title: 'گزارش ماهانه کمیته پایش',
    verifications: 'تصمیم‌های تأیید پیشرفت',
    cases: 'پرونده‌های پیگیری (ارجاع)',
    tranches: 'قسط‌ها: پرداخت و توقف',
    byPortfolio: 'به تفکیک سبد',
    byAgency: 'به تفکیک دستگاه',
    at: 'تاریخ',
    kind: 'رویداد',
    project: 'طرح',
    agency: 'دستگاه',
    item: 'بند',
    detail: 'جزئیات',
    name: 'نام',
    none: 'موردی نبود.',
    counts: ['تأیید', 'پرونده باز', 'ارتقا', 'حل‌شده', 'قسط پرداختی', 'مبلغ (ریال)', 'توقف'],
    kinds: {
      accepted: 'تأیید', accepted_lower: 'تأیید با درصد کمتر', rejected: 'رد', revoked: 'ابطال تأیید',
      opened: 'گشایش', climbed: 'ارتقای سطح', resolved: 'حل', decided: 'تصمیم کمیته',
      released: 'پرداخت', held: 'توقف', hold_placed: 'توقف کمیته', hold_lifted: 'رفع توقف',
      lapsed: 'سررسید و مانده پرداخت‌نشده', closed: 'تصمیم دربارهٔ مانده',
    } as Record<string, string>,
  },
  en: {
    title: 'Monitoring committee monthly pack',
    verifications: 'Verification decisions',
    cases: 'Escalation cases',
    tranches: 'Tranches released and held',
    byPortfolio: 'By portfolio',
    byAgency: 'By agency',
    at: 'Date',
    kind: 'Event',
    project: 'Project',
    agency: 'Agency',
    item: 'Item',
    detail: 'Detail',
    name: 'Name',
    none: 'Nothing this month.',
    counts: ['Verified', 'Cases opened', 'Climbed', 'Resolved', 'Payments (tranches and installments)', 'Rials released', 'Held'],
    kinds: {
      accepted: 'accepted', accepted_lower: 'accepted at a lower percent', rejected: 'rejected', revoked: 'verification revoked',
      opened: 'opened', climbed: 'climbed a level', resolved: 'resolved', decided: 'committee decision',
      released: 'released', held: 'held by PBO', hold_placed: 'committee hold', hold_lifted: 'hold lifted',
      lapsed: 'due date passed: remainder lapsed', closed: 'remainder decided',
    } as Record<string, string>,
  },
};

const asText = (s: unknown): string =>
  s === null || s === undefined ? '' : typeof s === 'object' ? JSON.stringify(s) : `${s as string | number | bigint | boolean}`;

const escape = (s: unknown) => escapeHtml(asText(s));

/**
 * A printable document (A4, tables that break across pages cleanly), RTL Persian or LTR English,
 * written piece by piece as the rows arrive: memory holds one batch, however long the month.
 */
export async function* renderPackHtml(pack: PackStream, lang: 'fa' | 'en'): AsyncGenerator<string> {
  const L = LABELS[lang];
  const num = (n: number | string) => (lang === 'fa' ? toPersianDigits(Number(n).toLocaleString('en-US').replace(/,/g, '٬')) : Number(n).toLocaleString('en-US'));
  const money = (s: string) => (lang === 'fa' ? toPersianDigits(BigInt(s).toLocaleString('en-US').replace(/,/g, '٬')) : BigInt(s).toLocaleString('en-US'));
  const date = (d: Date) => {
    const text = lang === 'fa' ? formatJalali(toJalali(new Date(d))) : new Date(d).toISOString().slice(0, 10);
    return lang === 'fa' ? toPersianDigits(text) : text;
  };
  const name = (x: { nameFa?: string | null; nameEn?: string | null; titleFa?: string; titleEn?: string; code: string | null } | null) =>
    x ? `${escape(x.code)} — ${escape(lang === 'fa' ? x.nameFa ?? x.titleFa : x.nameEn ?? x.titleEn)}` : '';
  const detail = (d: Record<string, unknown>) =>
    Object.entries(d)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${escape(k)}: ${escape(typeof v === 'object' ? JSON.stringify(v) : v)}`)
      .join('<br>');
  const tableHead = `<table><thead><tr><th>${L.at}</th><th>${L.kind}</th><th>${L.project}</th><th>${L.agency}</th><th>${L.item}</th><th>${L.detail}</th></tr></thead><tbody>`;
  const tableRows = (rows: PackRow[]) =>
    rows
      .map(
        (r) =>
          `<tr><td class="nowrap">${date(r.at)}</td><td>${escape(L.kinds[r.kind] ?? r.kind)}</td><td>${name(r.project)}</td><td>${name(
            r.agency,
          )}</td><td>${name(r.item)}</td><td class="detail">${detail(r.detail)}</td></tr>`,
      )
      .join('');
  async function* table(batches: AsyncIterable<PackRow[]>): AsyncGenerator<string> {
    let any = false;
    for await (const rows of batches) {
      if (rows.length === 0) continue;
      if (!any) yield tableHead;
      any = true;
      yield tableRows(rows);
    }
    yield any ? '</tbody></table>' : `<p class="none">${L.none}</p>`;
  }
  const summary = (rows: PackSummary[]) =>
    rows.length === 0
      ? `<p class="none">${L.none}</p>`
      : `<table><thead><tr><th>${L.name}</th>${L.counts.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows
          .map(
            (r) =>
              `<tr><td>${name(r.key)}</td><td>${num(r.verifications)}</td><td>${num(r.casesOpened)}</td><td>${num(
                r.casesClimbed,
              )}</td><td>${num(r.casesResolved)}</td><td>${num(r.tranchesReleased)}</td><td class="nowrap">${money(
                r.releasedRials,
              )}</td><td>${num(r.tranchesHeld)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const monthName = lang === 'fa' ? `${pack.month.nameFa} ${toPersianDigits(pack.month.year)}` : `${pack.month.nameEn} ${pack.month.year}`;
  yield `<!doctype html>
<html lang="${lang}" dir="${lang === 'fa' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${L.title} — ${monthName}</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: Vazirmatn, Tahoma, "Segoe UI", sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto; max-width: 190mm; }
  h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #999; }
  .period { color: #444; margin-bottom: 4mm; }
  table { width: 100%; border-collapse: collapse; page-break-inside: auto; }
  tr { page-break-inside: avoid; } thead { display: table-header-group; }
  th, td { border: 1px solid #bbb; padding: 1.2mm 1.6mm; vertical-align: top; text-align: start; }
  th { background: #eee; } .nowrap { white-space: nowrap; } .detail { font-size: 9pt; color: #333; } .none { color: #666; }
</style></head>
<body>
<h1>${L.title}</h1>
<div class="period">${monthName} (${date(pack.month.start)} – ${date(new Date(pack.month.end.getTime() - 1))})</div>
<h2>${L.byPortfolio}</h2>${summary(pack.byPortfolio)}
<h2>${L.byAgency}</h2>${summary(pack.byAgency)}`;
  for (const section of PACK_SECTIONS) {
    yield `\n<h2>${L[section]}</h2>`;
    yield* table(pack.rows(section));
  }
  yield '\n</body></html>';
}

/** The pack as JSON (CommitteePackView), written as the rows arrive. */
export async function* renderPackJson(pack: PackStream): AsyncGenerator<string> {
  yield `{"month":${JSON.stringify(pack.month)},"byPortfolio":${JSON.stringify(pack.byPortfolio)},"byAgency":${JSON.stringify(pack.byAgency)}`;
  for (const section of PACK_SECTIONS) {
    yield `,"${section}":[`;
    let first = true;
    for await (const rows of pack.rows(section)) {
      if (rows.length === 0) continue;
      yield (first ? '' : ',') + rows.map((r) => JSON.stringify(r)).join(',');
      first = false;
    }
    yield ']';
  }
  yield '}';
}

/** The Jalali month a "1405-08" (or Persian-digit) query names, with its Tehran bounds; 400 for any other text. */
export function packMonth(month: string): PackMonthView {
  const [year, m] = toAsciiDigits(month).split('-').map(Number);
  if (!isValidJalali({ year, month: m, day: 1 }) || year < 1300 || year > 1500) {
    throw InvalidInput.field('month', `${month} is not a Jalali month (e.g. 1405-08)`);
  }
  const { start, end } = jalaliMonthRange(year, m);
  return { year, month: m, start, end, nameFa: JALALI_MONTHS[m - 1][0], nameEn: JALALI_MONTHS[m - 1][1] };
}

/** Per portfolio or agency: verifications, cases opened, climbed and resolved, tranches released (and rials) and held. */
export function summarise(counts: readonly PackCountRow[], keyOf: (r: PackCountRow) => PackCountRow['portfolio'] | PackCountRow['agency']): PackSummary[] {
  const groups = new Map<string, PackSummary & { released: bigint }>();
  for (const row of counts) {
    const { code, nameFa, nameEn } = keyOf(row);
    if (!code) continue;
    let g = groups.get(code);
    if (!g) {
      const key: PackPlaceView = { code, nameFa: nameFa ?? '', nameEn: nameEn ?? '' };
      g = { key, verifications: 0, casesOpened: 0, casesClimbed: 0, casesResolved: 0, tranchesReleased: 0, releasedRials: '0', tranchesHeld: 0, released: 0n };
      groups.set(code, g);
    }
    const n = row.count;
    if (['accepted', 'accepted_lower', 'rejected'].includes(row.kind)) g.verifications += n;
    if (row.kind === 'opened') g.casesOpened += n;
    if (row.kind === 'climbed') g.casesClimbed += n;
    if (row.kind === 'resolved') g.casesResolved += n;
    if (row.kind === 'released') {
      g.tranchesReleased += n;
      g.released += BigInt(row.rials);
    }
    if (row.kind === 'held' || row.kind === 'hold_placed') g.tranchesHeld += n;
  }
  return [...groups.values()]
    .map(({ released, ...g }) => ({ ...g, releasedRials: released.toString() }))
    .sort((a, b) => a.key.code.localeCompare(b.key.code));
}
