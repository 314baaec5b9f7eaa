import { addJalaliMonths, jalaliMonthRange, toJalali } from './jalali';
import { jalaliMonthKey } from './stage-clock';

/**
 * The monthly e-mail digest's calendar: a user who chose `monthly` gets one mail per Jalali month, sent
 * once the month has ended in Tehran. Pure: the caller passes "now".
 */
export const EMAIL_PREFERENCES = ['immediate', 'monthly', 'none'] as const;
export type EmailPreference = (typeof EMAIL_PREFERENCES)[number];

export interface DigestMonth {
  year: number;
  month: number;
  /** 'YYYY-MM', the digest's key (one per user and month). */
  key: string;
  /** The month's first instant (Tehran midnight of the 1st) and the next month's. */
  start: Date;
  end: Date;
}

export function digestMonth(year: number, month: number): DigestMonth {
  const { start, end } = jalaliMonthRange(year, month);
  return { year, month, key: jalaliMonthKey(start), start, end };
}

/** The latest Jalali month that has ended at `now` (Tehran time): the month before the one `now` is in. */
export function lastClosedJalaliMonth(now: Date): DigestMonth {
  const today = toJalali(now);
  const previous = addJalaliMonths({ year: today.year, month: today.month, day: 1 }, -1);
  return digestMonth(previous.year, previous.month);
}

/** Parses a digest key 'YYYY-MM'. */
export function parseDigestKey(key: string): DigestMonth {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) throw new RangeError(`"${key}" is not a Jalali month like 1403-07`);
  return digestMonth(Number(match[1]), Number(match[2]));
}
