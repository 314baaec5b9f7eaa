import { type DigestMonth, formatJalali, JALALI_MONTHS, toJalali, toPersianDigits } from '@pelekan/core';
import { tehranIsoDate } from '@pelekan/core/open-standards';
import { escapeHtml } from '../common/text';

/**
 * The text of Pelekan's e-mails, Persian first (right to left) and English below, as an HTML part and
 * a plain-text part. Pure: everything it shows is passed in; every interpolated text is escaped.
 */
export interface MailNotice {
  titleFa: string;
  titleEn: string;
  bodyFa: string;
  bodyEn: string;
  createdAt: Date;
  itemCode: string | null;
  itemTitleFa: string | null;
  itemTitleEn: string | null;
  projectCode: string | null;
  projectNameFa: string | null;
  projectNameEn: string | null;
  /** The escalation level (1–4) when the notification is about a case. */
  level: number | null;
  /** The page to act on. */
  link: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export { escapeHtml };

/** One line: a header may not carry a line break. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

export function jalaliDateFa(at: Date): string {
  return toPersianDigits(formatJalali(toJalali(at)));
}

export function jalaliDateEn(at: Date): string {
  // The Gregorian day in Tehran, like the Jalali one (UTC is a day behind after 20:30 Tehran time).
  return `${formatJalali(toJalali(at))} (${tehranIsoDate(at)})`;
}

const LEVEL_FA = ['', 'یک', 'دو', 'سه', 'چهار'];

interface Fact {
  fa: [string, string];
  en: [string, string];
}

function facts(n: MailNotice): Fact[] {
  const list: Fact[] = [{ fa: ['تاریخ', jalaliDateFa(n.createdAt)], en: ['Date', jalaliDateEn(n.createdAt)] }];
  if (n.projectCode) {
    list.push({
      fa: ['طرح', `${n.projectCode} — ${n.projectNameFa ?? ''}`],
      en: ['Project', `${n.projectCode} — ${n.projectNameEn ?? ''}`],
    });
  }
  if (n.itemCode) {
    list.push({ fa: ['بند', `${n.itemCode} — ${n.itemTitleFa ?? ''}`], en: ['Item', `${n.itemCode} — ${n.itemTitleEn ?? ''}`] });
  }
  if (n.level !== null) {
    list.push({ fa: ['سطح پیگیری', `${LEVEL_FA[n.level] ?? toPersianDigits(n.level)} (${toPersianDigits(n.level)})`], en: ['Escalation level', String(n.level)] });
  }
  return list;
}

const STYLE = 'font-family: Vazirmatn, Tahoma, sans-serif; line-height: 1.8;';

function page(title: string, persian: string, english: string): string {
  return [
    '<!doctype html>',
    '<html lang="fa" dir="rtl">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    `<body style="${STYLE}">`,
    `<div dir="rtl" lang="fa">${persian}</div>`,
    '<hr>',
    `<div dir="ltr" lang="en" style="text-align: left;">${english}</div>`,
    '</body>',
    '</html>',
  ].join('\n');
}

function noticeHtml(n: MailNotice, lang: 'fa' | 'en'): string {
  const title = lang === 'fa' ? n.titleFa : n.titleEn;
  const body = lang === 'fa' ? n.bodyFa : n.bodyEn;
  const rows = facts(n)
    .map((f) => f[lang])
    .map(([k, v]) => `<tr><th style="padding: 0 0.5em;">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const action = lang === 'fa' ? 'مشاهده و اقدام در پلکان' : 'Open in Pelekan to act on it';
  return `<h2>${escapeHtml(title)}</h2><p>${escapeHtml(body)}</p><table>${rows}</table><p><a href="${escapeHtml(n.link)}">${escapeHtml(action)}</a></p>`;
}

function noticeText(n: MailNotice, lang: 'fa' | 'en'): string[] {
  const title = lang === 'fa' ? n.titleFa : n.titleEn;
  const body = lang === 'fa' ? n.bodyFa : n.bodyEn;
  const action = lang === 'fa' ? 'مشاهده و اقدام' : 'Open to act on it';
  return [title, body, ...facts(n).map((f) => `${f[lang][0]}: ${f[lang][1]}`), `${action}: ${n.link}`];
}

/** The mail of one notification. */
export function renderNotificationMail(n: MailNotice): RenderedMail {
  const subject = oneLine(`${n.titleFa} | ${n.titleEn}`);
  const text = [
    ...noticeText(n, 'fa'),
    '',
    '----',
    '',
    ...noticeText(n, 'en'),
    '',
    '— پلکان / Pelekan',
  ].join('\n');
  return { subject, text, html: page(subject, noticeHtml(n, 'fa'), noticeHtml(n, 'en')) };
}


/**
 * The digest of a closed Jalali month: its notifications (`notices`, at most as many as were listed;
 * `total` counts them all) and a link to the inbox.
 */
export function renderDigestMail(month: DigestMonth, notices: MailNotice[], total: number, inboxLink: string): RenderedMail {
  const monthFa = `${JALALI_MONTHS[month.month - 1][0]} ${toPersianDigits(month.year)}`;
  const monthEn = `${JALALI_MONTHS[month.month - 1][1]} ${month.year}`;
  const subject = `خلاصهٔ ماه ${monthFa} در پلکان: ${toPersianDigits(total)} اعلان | Pelekan digest for ${monthEn}: ${total} notifications`;
  const more = total - notices.length;
  const leadFa = `${toPersianDigits(total)} اعلان در ماه ${monthFa}:`;
  const leadEn = `${total} notifications in ${monthEn}:`;
  const moreFa = more > 0 ? `و ${toPersianDigits(more)} اعلان دیگر در صندوق پیام‌ها.` : '';
  const moreEn = more > 0 ? `and ${more} more in your inbox.` : '';
  const text = [
    subject,
    '',
    leadFa,
    '',
    ...notices.flatMap((n) => [...noticeText(n, 'fa'), '']),
    moreFa,
    `صندوق پیام‌ها: ${inboxLink}`,
    '',
    '----',
    '',
    leadEn,
    '',
    ...notices.flatMap((n) => [...noticeText(n, 'en'), '']),
    moreEn,
    `Inbox: ${inboxLink}`,
  ].join('\n');
  const section = (lang: 'fa' | 'en') =>
    `<h1>${escapeHtml(lang === 'fa' ? leadFa : leadEn)}</h1>` +
    notices.map((n) => noticeHtml(n, lang)).join('<hr>') +
    (more > 0 ? `<p>${escapeHtml(lang === 'fa' ? moreFa : moreEn)}</p>` : '') +
    `<p><a href="${escapeHtml(inboxLink)}">${escapeHtml(lang === 'fa' ? 'صندوق پیام‌ها' : 'Inbox')}</a></p>`;
  return { subject, text, html: page(subject, section('fa'), section('en')) };
}

/** The page to act on: the project's page when the notification names one, else the recipient's workspace. */
export function actionLink(baseUrl: string, projectId: string | null, role: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return projectId ? `${base}/#/projects/${projectId}` : `${base}/#/${role}`;
}
