import { formatJalali, parseJalali, tehranMidnight, toAsciiDigits, toJalali, toPersianDigits } from '@pelekan/core';
import type { Lang } from './i18n';

/** Digits as the reader writes them. */
export const digits = (text: string | number, lang: Lang) => (lang === 'fa' ? toPersianDigits(String(text)) : String(text));

/** Jalali in Persian, Gregorian in English, always in Tehran time. */
export function formatDate(value: string | Date | null | undefined, lang: Lang, withTime = false): string {
  if (!value) return '—';
  const d = new Date(value);
  if (lang === 'fa') {
    const time = withTime ? ` ${d.toLocaleTimeString('en-GB', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit' })}` : '';
    return toPersianDigits(formatJalali(toJalali(d)) + time);
  }
  return d.toLocaleString('en-GB', {
    timeZone: 'Asia/Tehran',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
}

/** A Jalali date typed as 1405/08/13 (Persian or Latin digits) → the instant of Tehran midnight. */
export function parseDateInput(text: string, lang: Lang): Date {
  if (lang === 'en') {
    const d = new Date(`${text}T00:00:00+03:30`);
    if (Number.isNaN(d.getTime())) throw new Error('YYYY-MM-DD');
    return d;
  }
  return tehranMidnight(parseJalali(text));
}

/** Rials as typed (Persian or Latin digits, with or without separators) → the decimal string the API takes. */
export const typedRials = (text: string) => toAsciiDigits(text).replace(/[\s,٬،']/g, '');

/** An example of a date as parseDateInput reads it, for a placeholder. */
export const dateExample = (lang: Lang) => (lang === 'fa' ? '۱۴۰۵/۰۹/۲۰' : '2026-12-11');

/** Whole rials with thousands separators; in toman (÷10) when asked, still exact (bigint). */
export function formatMoney(rials: string | null | undefined, lang: Lang, toman = false): string {
  if (rials === null || rials === undefined) return '—';
  let value = BigInt(rials);
  let suffix = lang === 'fa' ? 'ریال' : 'rials';
  let fraction = '';
  if (toman) {
    fraction = value % 10n === 0n ? '' : `.${(value < 0n ? -value : value) % 10n}`;
    value = value / 10n;
    suffix = lang === 'fa' ? 'تومان' : 'toman';
  }
  const grouped = value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fa' ? '٬' : ',');
  return `${digits(grouped + fraction, lang)} ${suffix}`;
}

export const formatPercent = (n: number | null | undefined, lang: Lang) =>
  n === null || n === undefined ? '—' : `${digits(Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }), lang)}٪`.replace('٪', lang === 'fa' ? '٪' : '%');

/** A duration in hours as days and hours ("2 d 5 h", "۲ روز و ۵ ساعت"), rounded to the hour. */
export function formatHours(hours: number | null | undefined, lang: Lang): string {
  if (hours === null || hours === undefined || !Number.isFinite(Number(hours))) return '—';
  const total = Math.round(Number(hours));
  const d = Math.floor(total / 24);
  const h = total % 24;
  const [dl, hl, and] = lang === 'fa' ? ['روز', 'ساعت', ' و '] : ['d', 'h', ' '];
  const parts = [...(d > 0 ? [`${digits(d, lang)} ${dl}`] : []), ...(h > 0 || d === 0 ? [`${digits(h, lang)} ${hl}`] : [])];
  return parts.join(and);
}

/** A rate in [0, 1] as a percent; null (no checks yet) as a dash. */
export const formatRate = (rate: number | null | undefined, lang: Lang) =>
  rate === null || rate === undefined ? '—' : formatPercent(Math.round(Number(rate) * 10_000) / 100, lang);
