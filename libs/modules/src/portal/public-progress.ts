import { hundredthsToNumber, isStale, progressFromSums } from '@pelekan/core';

/** What the portal reads about a project's items: sums over its current items, and its clock. */
export interface ProgressSource {
  confidential: boolean;
  weightSum: number;
  verifiedWeighted: number;
  declaredWeighted: number;
  lastVerifiedAt: Date | null;
  createdAt: Date;
}

export interface PublicProgress {
  /** Percent with two decimals; null for a confidential project. */
  verifiedPercent: number | null;
  declaredPercent: number | null;
  stale: boolean;
}

/**
 * The portal's progress and freshness of a project, by the core rules: weighted progress divided by
 * the sum of the weights (`progressFromSums`), staleness by `isStale`. A confidential project shows
 * no progress.
 */
export function publicProgress(source: ProgressSource, now: Date, staleAfterMs: number): PublicProgress {
  const percent = (weightedSum: number) => hundredthsToNumber(progressFromSums({ weightSum: source.weightSum, weightedSum }));
  return {
    verifiedPercent: source.confidential ? null : percent(source.verifiedWeighted),
    declaredPercent: source.confidential ? null : percent(source.declaredWeighted),
    stale: isStale(source.lastVerifiedAt, source.createdAt, now, staleAfterMs),
  };
}
