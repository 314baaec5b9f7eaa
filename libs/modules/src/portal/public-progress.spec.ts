import { publicProgress } from './public-progress';

describe("the portal's progress of a project", () => {
  const createdAt = new Date('2026-01-01T00:00:00Z');
  const now = new Date('2026-01-11T00:00:00Z');
  const day = 86_400_000;

  it('divides by the sum of the weights, not by 100.00', () => {
    // Two items of weights 20 and 10 (hundredths 2000, 1000), verified 100% and 35%.
    const source = { confidential: false, weightSum: 3000, verifiedWeighted: 235_000, declaredWeighted: 300_000, lastVerifiedAt: null, createdAt };
    expect(publicProgress(source, now, 30 * day)).toEqual({ verifiedPercent: 78.33, declaredPercent: 100, stale: false });
  });

  it('shows no progress of a confidential project, and no items as zero', () => {
    const empty = { confidential: false, weightSum: 0, verifiedWeighted: 0, declaredWeighted: 0, lastVerifiedAt: null, createdAt };
    expect(publicProgress(empty, now, 9 * day)).toEqual({ verifiedPercent: 0, declaredPercent: 0, stale: true });
    expect(publicProgress({ ...empty, confidential: true }, now, 9 * day)).toEqual({ verifiedPercent: null, declaredPercent: null, stale: true });
  });
});
