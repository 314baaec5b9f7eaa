import type { Readable } from 'node:stream';
import { PACK_SECTIONS, type PackRow, type PackStream, type PackSummary } from '../committee/committee-pack';
import { jalaliCell } from './exports.service';
import { streamWorkbook } from './workbooks';

const SUMMARY_COLUMNS = {
  fa: ['کد', 'نام', 'تأیید', 'پرونده باز', 'ارتقا', 'حل‌شده', 'قسط پرداختی', 'مبلغ پرداختی (ریال)', 'توقف'],
  en: ['Code', 'Name', 'Verified', 'Cases opened', 'Climbed', 'Resolved', 'Payments', 'Rials released', 'Held'],
};
const ROW_COLUMNS = {
  fa: ['تاریخ', 'رویداد', 'سبد', 'کد طرح', 'طرح', 'کد دستگاه', 'دستگاه', 'کد بند', 'بند', 'جزئیات'],
  en: ['Date', 'Event', 'Portfolio', 'Project code', 'Project', 'Agency code', 'Agency', 'Item code', 'Item', 'Detail'],
};
const SHEET_NAMES = {
  fa: { byPortfolio: 'به تفکیک سبد', byAgency: 'به تفکیک دستگاه', verifications: 'تأیید پیشرفت', cases: 'پرونده‌ها', tranches: 'قسط‌ها' },
  en: { byPortfolio: 'By portfolio', byAgency: 'By agency', verifications: 'Verifications', cases: 'Escalation cases', tranches: 'Tranches' },
};

/**
 * The monthly committee pack as an XLSX workbook: the two summaries, then one sheet per section,
 * streamed batch by batch as the pack's rows are read (a month of hundreds of thousands of events
 * never sits in memory). Dates are Jalali, rials are text (no digit lost), headers in `lang`.
 */
export function renderPackXlsx(pack: PackStream, lang: 'fa' | 'en'): Readable {
  const name = (x: { nameFa?: string | null; nameEn?: string | null; titleFa?: string; titleEn?: string } | null) =>
    x ? ((lang === 'fa' ? (x.nameFa ?? x.titleFa) : (x.nameEn ?? x.titleEn)) ?? '') : '';
  const summaryRows = (rows: PackSummary[]) =>
    rows.map((r) => [r.key.code, name(r.key), r.verifications, r.casesOpened, r.casesClimbed, r.casesResolved, r.tranchesReleased, r.releasedRials, r.tranchesHeld]);
  const packRow = (r: PackRow) => [
    jalaliCell(r.at),
    r.kind,
    r.portfolio.code,
    r.project.code,
    name(r.project),
    r.agency.code ?? '',
    name(r.agency),
    r.item?.code ?? '',
    name(r.item),
    JSON.stringify(r.detail),
  ];
  const rtl = lang === 'fa';
  return streamWorkbook(async (sheet) => {
    await sheet(SHEET_NAMES[lang].byPortfolio, SUMMARY_COLUMNS[lang], { rtl, widths: [14, 40, 10, 10, 10, 10, 10, 22, 10] }).rows(summaryRows(pack.byPortfolio));
    await sheet(SHEET_NAMES[lang].byAgency, SUMMARY_COLUMNS[lang], { rtl, widths: [14, 40, 10, 10, 10, 10, 10, 22, 10] }).rows(summaryRows(pack.byAgency));
    for (const section of PACK_SECTIONS) {
      const out = sheet(SHEET_NAMES[lang][section], ROW_COLUMNS[lang], { rtl, widths: [12, 16, 12, 14, 30, 12, 30, 10, 30, 60] });
      for await (const rows of pack.rows(section)) await out.rows(rows.map(packRow));
    }
  });
}
