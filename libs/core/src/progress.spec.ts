import {
  contributionToProject,
  formatHundredths,
  InvalidWeightError,
  plannedProgress,
  progressByAgency,
  progressFromSums,
  progressSums,
  weightedProgress,
  weightToHundredths,
} from './progress';

describe('progress', () => {
  it('reads weights with up to two decimals exactly', () => {
    expect(weightToHundredths(12.5)).toBe(1250);
    expect(weightToHundredths(33.33)).toBe(3333);
    expect(() => weightToHundredths(33.333)).toThrow(InvalidWeightError);
    expect(() => weightToHundredths(0)).toThrow(InvalidWeightError);
    expect(() => weightToHundredths(101)).toThrow(InvalidWeightError);
  });

  it('rolls up weighted progress in hundredths, half up', () => {
    const items = [
      { weight: 2000, percent: 100 },
      { weight: 3000, percent: 100 },
      { weight: 2500, percent: 0 },
      { weight: 2500, percent: 0 },
    ];
    expect(weightedProgress(items)).toBe(5000);
    expect(weightedProgress([{ weight: 3333, percent: 1 }, { weight: 6667, percent: 0 }])).toBe(33);
    expect(weightedProgress([])).toBe(0);
    expect(formatHundredths(6250)).toBe('62.50');
    expect(formatHundredths(5)).toBe('0.05');
  });

  it('turns sums a database adds up into the same percent, dividing by the sum of the weights', () => {
    const items = [
      { weight: 2000, percent: 100 },
      { weight: 1000, percent: 35 },
    ];
    expect(progressSums(items)).toEqual({ weightSum: 3000, weightedSum: 235_000 });
    // 235 000 / 3000 = 78.33…%: not 23.50%, which dividing by 100.00 would give.
    expect(progressFromSums(progressSums(items))).toBe(7833);
    expect(progressFromSums({ weightSum: 3000, weightedSum: 235_000 })).toBe(weightedProgress(items));
    expect(progressFromSums({ weightSum: 0, weightedSum: 0 })).toBe(0);
    // Half up: 1/8 of 1% is 12.5 hundredths → 13.
    expect(progressFromSums({ weightSum: 800, weightedSum: 100 })).toBe(13);
  });

  it('computes planned progress from schedules', () => {
    const items = [
      { weight: 5000, plannedStart: new Date('2025-01-01T00:00:00Z'), plannedEnd: new Date('2025-01-11T00:00:00Z') },
      { weight: 5000, plannedStart: new Date('2025-01-11T00:00:00Z'), plannedEnd: new Date('2025-01-21T00:00:00Z') },
    ];
    expect(plannedProgress(items, new Date('2024-12-01T00:00:00Z'))).toBe(0);
    expect(plannedProgress(items, new Date('2025-01-06T00:00:00Z'))).toBe(2500);
    expect(plannedProgress(items, new Date('2025-01-16T00:00:00Z'))).toBe(7500);
    expect(plannedProgress(items, new Date('2026-01-01T00:00:00Z'))).toBe(10000);
  });

  it('rolls up per agency, so each agency answers for its own items', () => {
    const rollUp = progressByAgency([
      { agencyId: 'lead', weight: 6000, verifiedPercent: 100, declaredPercent: 100 },
      { agencyId: 'partner', weight: 4000, verifiedPercent: 0, declaredPercent: 50 },
    ]);
    expect(rollUp).toEqual([
      { agencyId: 'lead', weight: 6000, verified: 10000, declared: 10000, verifiedContribution: 6000 },
      { agencyId: 'partner', weight: 4000, verified: 0, declared: 5000, verifiedContribution: 0 },
    ]);
    expect(contributionToProject([{ weight: 4000, percent: 50 }])).toBe(2000);
  });
});
