import { audienceFor, nextLevel, parseEscalationPeriod, partyFor } from './escalation';

describe('escalation ladder', () => {
  it('climbs one level at a time and stops at the IT Executive Council', () => {
    expect(nextLevel(1)).toBe(2);
    expect(nextLevel(3)).toBe(4);
    expect(nextLevel(4)).toBe(4);
  });

  it('reaches the agency first, then its head, the committee agenda and the council', () => {
    expect([1, 2, 3, 4].map((l) => audienceFor(l as 1, 'agency'))).toEqual([
      'owner_focal_points',
      'owner_heads',
      'committee',
      'council',
    ]);
  });

  it('escalates a declaration left unverified to the committee, not the agency', () => {
    expect(partyFor('verification_overdue')).toBe('committee');
    expect(partyFor('overdue')).toBe('agency');
    expect([1, 2, 3, 4].map((l) => audienceFor(l as 1, 'committee'))).toEqual([
      'committee',
      'committee',
      'committee',
      'council',
    ]);
  });

  it('reads monthly and fixed periods and refuses nonsense', () => {
    expect(parseEscalationPeriod('monthly')).toMatchObject({ kind: 'monthly', sql: '1 month' });
    expect(parseEscalationPeriod('3 seconds')).toMatchObject({ kind: 'fixed', seconds: 3, sql: '3 seconds' });
    expect(parseEscalationPeriod('30 days')).toMatchObject({ seconds: 30 * 86400 });
    expect(parseEscalationPeriod('2h')).toMatchObject({ seconds: 7200 });
    expect(() => parseEscalationPeriod('soon')).toThrow(/not a period/);
    expect(() => parseEscalationPeriod('0 seconds')).toThrow(/at least one second/);
  });
});
