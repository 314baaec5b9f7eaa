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
