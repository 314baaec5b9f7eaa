import { meanHundredths, rollUpProgress, selfDeclaredProgress } from './portal-figures';

describe('portal roll-ups', () => {
  it('takes self-declared progress from the plan, else from the report, else none', () => {
    expect(selfDeclaredProgress({ weightSum: 10_000, declaredWeighted: 5_000 * 100, reportedPercent: 70 })).toEqual({ hundredths: 5_000, source: 'declarations' });
    expect(selfDeclaredProgress({ weightSum: 0, declaredWeighted: 0, reportedPercent: 70 })).toEqual({ hundredths: 7_000, source: 'report' });
    expect(selfDeclaredProgress({ weightSum: 0, declaredWeighted: 0, reportedPercent: 12.5 })).toEqual({ hundredths: 1_250, source: 'report' });
    expect(selfDeclaredProgress({ weightSum: 0, declaredWeighted: 0, reportedPercent: null })).toBeNull();
  });

  it('weighs each project the same, rounding half up, over projects with both figures', () => {
    expect(meanHundredths(3, 2)).toBe(2);
    expect(meanHundredths(1, 3)).toBe(0);
    expect(meanHundredths(0, 0)).toBeNull();
    expect(
      rollUpProgress([
        { verified: 0, selfDeclared: 7_000 },
        { verified: 5_000, selfDeclared: 6_001 },
        { verified: 0, selfDeclared: null },
        { verified: null, selfDeclared: null },
      ]),
    ).toEqual({ counted: 2, verified: 2_500, selfDeclared: 6_501, gap: 4_001 });
    expect(rollUpProgress([])).toEqual({ counted: 0, verified: null, selfDeclared: null, gap: null });
  });
});
