import { digestMonth, lastClosedJalaliMonth, parseDigestKey } from './email-digest';

describe('the monthly digest calendar', () => {
  it('names the month before the current Tehran month as the closed one', () => {
    // 2024-10-22T12:00Z is 1 Aban 1403 in Tehran: Mehr 1403 has just closed.
    const closed = lastClosedJalaliMonth(new Date('2024-10-22T12:00:00Z'));
    expect(closed.key).toBe('1403-07');
    expect(closed.start.toISOString()).toBe('2024-09-21T20:30:00.000Z'); // 1 Mehr 1403, 00:00 Tehran
    expect(closed.end.toISOString()).toBe('2024-10-21T20:30:00.000Z'); // 1 Aban 1403, 00:00 Tehran
  });

  it('turns at Tehran midnight, not UTC midnight', () => {
    // 20:29Z on 21 Oct is 23:59 on 30 Mehr in Tehran: Shahrivar is the last closed month still.
    expect(lastClosedJalaliMonth(new Date('2024-10-21T20:29:00Z')).key).toBe('1403-06');
    expect(lastClosedJalaliMonth(new Date('2024-10-21T20:30:00Z')).key).toBe('1403-07');
  });

  it('crosses the year: in Farvardin the closed month is last year’s Esfand', () => {
    const closed = lastClosedJalaliMonth(new Date('2025-03-25T12:00:00Z')); // 5 Farvardin 1404
    expect(closed.key).toBe('1403-12');
    expect(closed.end.getTime()).toBe(digestMonth(1404, 1).start.getTime());
  });

  it('reads its keys back and refuses others', () => {
    expect(parseDigestKey('1403-07').start).toEqual(digestMonth(1403, 7).start);
    expect(() => parseDigestKey('1403-13')).toThrow(RangeError);
    expect(() => parseDigestKey('1403/07')).toThrow(RangeError);
  });
});
