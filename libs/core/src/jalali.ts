/**
 * Solar Hijri (Jalali) calendar. Conversion uses the 33-year-cycle break table of the Borkowski
 * method (as in jalaali-js); instants are read on Tehran's wall clock, since a Jalali date means a
 * day in Iran.
 */

export interface JalaliDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

const BREAKS = [
  -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
];

const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

function jalaliCalendar(jy: number): { leap: number; gy: number; march: number } {
  if (jy < BREAKS[0] || jy >= BREAKS[BREAKS.length - 1]) throw new RangeError(`Jalali year ${jy} out of range`);
  const gy = jy + 621;
  let leapJ = -14;
  let jp = BREAKS[0];
  let jump = 0;
  for (let i = 1; i < BREAKS.length; i += 1) {
    const jm = BREAKS[i];
    jump = jm - jp;
    if (jy < jm) break;
    leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  let n = jy - jp;
  leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  const march = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  let leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap === -1) leap = 4;
  return { leap, gy, march };
}

function gregorianToDayNumber(gy: number, gm: number, gd: number): number {
  let d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
  d = d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
  return d;
}

function dayNumberToGregorian(jdn: number): { gy: number; gm: number; gd: number } {
  let j = 4 * jdn + 139361631;
  j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
  const i = div(mod(j, 1461), 4) * 5 + 308;
  const gd = div(mod(i, 153), 5) + 1;
  const gm = mod(div(i, 153), 12) + 1;
  const gy = div(j, 1461) - 100100 + div(8 - gm, 6);
  return { gy, gm, gd };
}

function jalaliToDayNumber(jy: number, jm: number, jd: number): number {
  const r = jalaliCalendar(jy);
  return gregorianToDayNumber(r.gy, 3, r.march) + (jm - 1) * 31 - div(jm, 7) * (jm - 7) + jd - 1;
}

function dayNumberToJalali(jdn: number): JalaliDate {
  const { gy } = dayNumberToGregorian(jdn);
  let jy = gy - 621;
  const r = jalaliCalendar(jy);
  const firstDay = gregorianToDayNumber(gy, 3, r.march);
  let k = jdn - firstDay;
  if (k >= 0) {
    if (k <= 185) return { year: jy, month: 1 + div(k, 31), day: mod(k, 31) + 1 };
    k -= 186;
  } else {
    jy -= 1;
    k += 179;
    if (r.leap === 1) k += 1;
  }
  return { year: jy, month: 7 + div(k, 30), day: mod(k, 30) + 1 };
}

export function isLeapJalaliYear(year: number): boolean {
  return jalaliCalendar(year).leap === 0;
}

export function jalaliMonthLength(year: number, month: number): number {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return isLeapJalaliYear(year) ? 30 : 29;
}

export function gregorianToJalali(year: number, month: number, day: number): JalaliDate {
  return dayNumberToJalali(gregorianToDayNumber(year, month, day));
}

export function jalaliToGregorian(date: JalaliDate): { year: number; month: number; day: number } {
  if (!isValidJalali(date)) throw new RangeError(`${formatJalali(date)} is not a Jalali date`);
  const g = dayNumberToGregorian(jalaliToDayNumber(date.year, date.month, date.day));
  return { year: g.gy, month: g.gm, day: g.gd };
}

export function isValidJalali(date: JalaliDate): boolean {
  const { year, month, day } = date;
  if (![year, month, day].every(Number.isInteger)) return false;
  if (year < BREAKS[0] || year >= BREAKS[BREAKS.length - 1] || month < 1 || month > 12 || day < 1) return false;
  return day <= jalaliMonthLength(year, month);
}

export const IRAN_TIME_ZONE = 'Asia/Tehran';

/** The twelve Jalali months' names, [Persian, English], Farvardin first. */
export const JALALI_MONTHS = [
  ['فروردین', 'Farvardin'], ['اردیبهشت', 'Ordibehesht'], ['خرداد', 'Khordad'], ['تیر', 'Tir'],
  ['مرداد', 'Mordad'], ['شهریور', 'Shahrivar'], ['مهر', 'Mehr'], ['آبان', 'Aban'],
  ['آذر', 'Azar'], ['دی', 'Dey'], ['بهمن', 'Bahman'], ['اسفند', 'Esfand'],
] as const;

const tehranDay = new Intl.DateTimeFormat('en-US-u-ca-gregory', {
  timeZone: IRAN_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** The Jalali date of an instant on Tehran's wall clock. */
export function toJalali(instant: Date): JalaliDate {
  const parts = Object.fromEntries(tehranDay.formatToParts(instant).map((p) => [p.type, p.value]));
  return gregorianToJalali(Number(parts.year), Number(parts.month), Number(parts.day));
}

/** "1402/08/13" with ASCII digits; see `toPersianDigits` for the Persian form. */
export function formatJalali(date: JalaliDate): string {
  return `${date.year}/${String(date.month).padStart(2, '0')}/${String(date.day).padStart(2, '0')}`;
}

/** Parses "1402/08/13", "1402-8-13" or the same in Persian/Arabic-Indic digits. */
export function parseJalali(text: string): JalaliDate {
  const match = /^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*$/.exec(toAsciiDigits(text));
  if (!match) throw new RangeError(`"${text}" is not a Jalali date like 1402/08/13`);
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (!isValidJalali(date)) throw new RangeError(`"${text}" is not a valid Jalali date`);
  return date;
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

export function toPersianDigits(text: string | number): string {
  return String(text).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]);
}

export function toAsciiDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (d) => {
    const p = PERSIAN_DIGITS.indexOf(d);
    return String(p >= 0 ? p : ARABIC_DIGITS.indexOf(d));
  });
}

/** The first instant of a Jalali month in Tehran, and the first instant of the next one. */
export function jalaliMonthRange(year: number, month: number): { start: Date; end: Date } {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { start: tehranMidnight({ year, month, day: 1 }), end: tehranMidnight({ ...next, day: 1 }) };
}

/** Midnight of a Jalali day in Tehran as a UTC instant. */
export function tehranMidnight(date: JalaliDate): Date {
  const g = jalaliToGregorian(date);
  // Guess with +03:30, then correct by the zone's actual offset on that day (it had DST until 2022).
  const guess = Date.UTC(g.year, g.month - 1, g.day) - 3.5 * 3600_000;
  return new Date(Date.UTC(g.year, g.month - 1, g.day) - tehranOffsetMs(new Date(guess)));
}

const tehranClock = new Intl.DateTimeFormat('en-US-u-ca-gregory', {
  timeZone: IRAN_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

/** Tehran's offset from UTC at `instant`, in ms (it had daylight time until 2022). */
export function tehranOffsetMs(instant: Date): number {
  const p = Object.fromEntries(tehranClock.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(instant.getTime() / 60_000) * 60_000;
}

/**
 * The Jalali date `count` months after `date` (negative: before), the day clamped to the target
 * month's length (31 Shahrivar + 1 month is 30 Mehr; 30 Esfand 1403 + 12 months is 29 Esfand 1404).
 */
export function addJalaliMonths(date: JalaliDate, count: number): JalaliDate {
  const index = date.year * 12 + (date.month - 1) + count;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, jalaliMonthLength(year, month)) };
}

/**
 * The first `count` Jalali month starts (Tehran midnight on the 1st) strictly after `from`: the
 * instants the monthly escalation sweep runs at.
 */
export function jalaliMonthStarts(from: Date, count: number): Date[] {
  const today = toJalali(from);
  let month = { year: today.year, month: today.month, day: 1 };
  const starts: Date[] = [];
  while (starts.length < count) {
    const start = tehranMidnight(month);
    if (start.getTime() > from.getTime()) starts.push(start);
    month = addJalaliMonths(month, 1);
  }
  return starts;
}

/** The Gregorian calendar date and time an instant shows on Tehran's wall clock. */
export function tehranWallClock(instant: Date): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
} {
  const wall = new Date(instant.getTime() + tehranOffsetMs(instant));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}
