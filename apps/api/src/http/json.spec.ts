import { jsonWithBigints } from './json';

describe('answers as JSON', () => {
  it('writes bigints as their digits, anywhere in the answer', () => {
    expect(jsonWithBigints({ amountRials: 12345678901234567890n, rows: [{ v: 1n }] })).toBe('{"amountRials":"12345678901234567890","rows":[{"v":"1"}]}');
  });
  it('writes answers without bigints unchanged', () => {
    expect(jsonWithBigints({ a: 'x', b: [1, null] })).toBe('{"a":"x","b":[1,null]}');
  });
});
