import { allocateProportionally, InvalidRialsError, MAX_RIALS, parseRials, rialsToString } from './money';

describe('money', () => {
  it('parses whole non-negative rials exactly, beyond 2^53', () => {
    expect(parseRials('0')).toBe(0n);
    expect(parseRials('9007199254740993')).toBe(9007199254740993n);
    expect(parseRials(MAX_RIALS.toString())).toBe(MAX_RIALS);
  });

  it.each(['-1', '1.5', '1e6', '', ' 1', '01', '۱۲', 'abc', (MAX_RIALS + 1n).toString()])(
    'refuses %p',
    (text) => {
      expect(() => parseRials(text)).toThrow(InvalidRialsError);
    },
  );

  it('allocates proportionally with parts summing to the total', () => {
    expect(allocateProportionally(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateProportionally(10n, [0n, 5n, 5n])).toEqual([0n, 5n, 5n]);
    expect(allocateProportionally(7n, [0n, 0n])).toEqual([7n, 0n]);
    const total = 123_456_789_012_345_678n;
    const parts = allocateProportionally(total, [3n, 7n, 11n, 13n]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
  });

  it('writes rials as plain decimal digits, exactly', () => {
    expect(rialsToString(9007199254740993n)).toBe('9007199254740993');
    expect(rialsToString(0n)).toBe('0');
  });
});
