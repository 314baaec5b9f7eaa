import {
  addJalaliMonths,
  formatJalali,
  gregorianToJalali,
  isLeapJalaliYear,
  jalaliMonthLength,
  jalaliMonthRange,
  jalaliMonthStarts,
  jalaliToGregorian,
  parseJalali,
  toAsciiDigits,
  toJalali,
  tehranWallClock,
  toPersianDigits,
} from './jalali';

describe('jalali calendar', () => {
  it('converts the report\'s dates', () => {
    expect(gregorianToJalali(2023, 11, 4)).toEqual({ year: 1402, month: 8, day: 13 });
    expect(gregorianToJalali(2018, 4, 11)).toEqual({ year: 1397, month: 1, day: 22 });
    expect(jalaliToGregorian({ year: 1403, month: 1, day: 1 })).toEqual({ year: 2024, month: 3, day: 20 });
    expect(jalaliToGregorian({ year: 1404, month: 1, day: 1 })).toEqual({ year: 2025, month: 3, day: 21 });
  });

  it('agrees with ICU\'s Persian calendar every day for sixty years', () => {
    const icu = new Intl.DateTimeFormat('en-US-u-ca-persian', {
      timeZone: 'UTC',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2050, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const parts = Object.fromEntries(icu.formatToParts(d).map((p) => [p.type, p.value]));
      const expected = { year: parseInt(parts.year, 10), month: Number(parts.month), day: Number(parts.day) };
      const actual = gregorianToJalali(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      if (actual.year !== expected.year || actual.month !== expected.month || actual.day !== expected.day) {
        throw new Error(`${d.toISOString()}: ${JSON.stringify(actual)} vs ICU ${JSON.stringify(expected)}`);
      }
      expect(jalaliToGregorian(actual)).toEqual({
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
      });
    }
  });

  it('reads an instant on Tehran\'s clock', () => {
    // 21:00 UTC on 3 Nov 2023 is already 00:30 on 4 Nov in Tehran.
    expect(formatJalali(toJalali(new Date('2023-11-03T21:00:00Z')))).toBe('1402/08/13');
    expect(formatJalali(toJalali(new Date('2023-11-03T20:00:00Z')))).toBe('1402/08/12');
  });

  it('parses Persian and ASCII digits and refuses impossible dates', () => {
    expect(parseJalali('۱۴۰۲/۰۸/۱۳')).toEqual({ year: 1402, month: 8, day: 13 });
    expect(parseJalali('1402-8-13')).toEqual({ year: 1402, month: 8, day: 13 });
    expect(() => parseJalali('1402/07/31')).toThrow(RangeError);
    expect(() => parseJalali('13 Aban 1402')).toThrow(RangeError);
    expect(isLeapJalaliYear(1403)).toBe(true);
    expect(isLeapJalaliYear(1402)).toBe(false);
    expect(() => parseJalali('1402/12/30')).toThrow(RangeError);
    expect(parseJalali('1403/12/30')).toEqual({ year: 1403, month: 12, day: 30 });
  });

  it('writes Persian digits and reads them back', () => {
    expect(toPersianDigits('1402/08/13')).toBe('۱۴۰۲/۰۸/۱۳');
    expect(toAsciiDigits('۱۴۰۲/٠٨/13')).toBe('1402/08/13');
  });

  it('bounds a Jalali month on Tehran\'s clock', () => {
    const { start, end } = jalaliMonthRange(1402, 8);
    expect(start.toISOString()).toBe('2023-10-22T20:30:00.000Z');
    expect(end.toISOString()).toBe('2023-11-21T20:30:00.000Z');
    const esfand = jalaliMonthRange(1402, 12);
    expect(esfand.end.toISOString()).toBe('2024-03-19T20:30:00.000Z');
  });
});

describe('Jalali month starts (the monthly sweep’s instants)', () => {
  // An oracle independent of this module: Node's ICU Persian calendar on Tehran's clock.
  const icu = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
    timeZone: 'Asia/Tehran',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const read = (d: Date) => {
    const p = Object.fromEntries(icu.formatToParts(d).map((x) => [x.type, parseInt(x.value, 10)]));
    return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
  };
  const DAY = 86_400_000;

  it('starts every month of 1400–1420 at Tehran midnight on its 1st', () => {
    // 1 Farvardin 1400 to 1 Farvardin 1421: every month start in 1400–1420 and the one after.
    const starts = jalaliMonthStarts(new Date(jalaliMonthRange(1400, 1).start.getTime() - 1), 21 * 12 + 1);
    expect(starts).toHaveLength(253);
    let year = 1400;
    let month = 1;
    starts.forEach((start, i) => {
      const label = `${year}/${month} (${start.toISOString()})`;
      // Tehran midnight on day 1 of that month, by ICU and by this module.
      expect({ label, ...read(start) }).toEqual({ label, year, month, day: 1, hour: 0, minute: 0, second: 0 });
      expect(toJalali(start)).toEqual({ year, month, day: 1 });
      expect(tehranWallClock(start)).toMatchObject({ hour: 0, minute: 0, second: 0 });
      expect(start.getTime()).toBe(jalaliMonthRange(year, month).start.getTime());
      // A millisecond earlier is the last day of the month before, in another month by ICU.
      const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
      const before = new Date(start.getTime() - 1);
      expect({ label, ...toJalali(before) }).toEqual({ label, ...previous, day: jalaliMonthLength(previous.year, previous.month) });
      expect({ label, ...read(before) }).toMatchObject({ label, ...previous, day: jalaliMonthLength(previous.year, previous.month) });
      // Consecutive starts are the month's length apart in days (Tehran kept daylight time until 1401:
      // Farvardin's and Shahrivar's starts then differ by an hour less or more).
      if (i > 0) {
        const prev = i === 0 ? start : starts[i - 1];
        const days = Math.round((start.getTime() - prev.getTime()) / DAY);
        expect({ label, days }).toEqual({ label, days: jalaliMonthLength(previous.year, previous.month) });
        expect(read(new Date(start.getTime() - days * DAY + 12 * 3600_000))).toMatchObject({ ...previous, day: 1 });
      }
      month += 1;
      if (month === 13) [year, month] = [year + 1, 1];
    });
  });

  it('gives the starts strictly after an instant', () => {
    const farvardin1403 = new Date('2024-03-19T20:30:00Z'); // 1 Farvardin 1403 = 2024-03-20T00:00+03:30
    expect(read(farvardin1403)).toEqual({ year: 1403, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
    expect(jalaliMonthStarts(new Date(farvardin1403.getTime() - 1), 1)).toEqual([farvardin1403]);
    expect(jalaliMonthStarts(farvardin1403, 2).map((d) => d.toISOString())).toEqual([
      '2024-04-19T20:30:00.000Z', // 1 Ordibehesht 1403
      '2024-05-20T20:30:00.000Z', // 1 Khordad 1403
    ]);
    // Fixed vectors, each checked against ICU first.
    for (const [text, iso] of [
      ['1402/08/01', '2023-10-22T20:30:00.000Z'],
      ['1403/07/01', '2024-09-21T20:30:00.000Z'],
      ['1404/01/01', '2025-03-20T20:30:00.000Z'],
      ['1405/01/01', '2026-03-20T20:30:00.000Z'],
      ['1400/07/01', '2021-09-22T20:30:00.000Z'], // first day after daylight time, +03:30
      ['1401/01/01', '2022-03-20T20:30:00.000Z'],
    ] as const) {
      const [y, m] = text.split('/').map(Number);
      expect(read(new Date(iso))).toEqual({ year: y, month: m, day: 1, hour: 0, minute: 0, second: 0 });
      expect(jalaliMonthStarts(new Date(Date.parse(iso) - DAY), 1)[0].toISOString()).toBe(iso);
    }
    expect(tehranWallClock(new Date('2024-03-19T20:30:00Z'))).toEqual({ year: 2024, month: 3, day: 20, hour: 0, minute: 0, second: 0 });
  });

  it('adds Jalali months, clamping the day to the target month', () => {
    expect(addJalaliMonths({ year: 1403, month: 6, day: 31 }, 1)).toEqual({ year: 1403, month: 7, day: 30 });
    expect(addJalaliMonths({ year: 1403, month: 11, day: 30 }, 1)).toEqual({ year: 1403, month: 12, day: 30 }); // leap
    expect(addJalaliMonths({ year: 1402, month: 11, day: 30 }, 1)).toEqual({ year: 1402, month: 12, day: 29 });
    expect(addJalaliMonths({ year: 1403, month: 12, day: 30 }, 12)).toEqual({ year: 1404, month: 12, day: 29 });
    expect(addJalaliMonths({ year: 1404, month: 1, day: 31 }, -1)).toEqual({ year: 1403, month: 12, day: 30 });
    expect(addJalaliMonths({ year: 1405, month: 1, day: 15 }, -25)).toEqual({ year: 1402, month: 12, day: 15 });
  });
});
