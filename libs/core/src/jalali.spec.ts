import {
  formatJalali,
  gregorianToJalali,
  isLeapJalaliYear,
  jalaliMonthRange,
  jalaliToGregorian,
  parseJalali,
  toAsciiDigits,
  toJalali,
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
