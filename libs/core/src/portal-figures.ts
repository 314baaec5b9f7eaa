/**
 * The transparency portal's roll-ups across projects (the headline figures, progress per agency).
 *
 * The gap the portal shows is between what agencies **self-declared** and what was **verified**. A
 * project's self-declared progress is the weighted progress the agencies declared on its action plan
 * (`progressFromSums` over its current items) when it has one; a project without a plan (the report's
 * projects) has the figure its agency gave the source report; a project with neither has none, and is
 * left out of both sides of every roll-up, so the two sides always cover the same projects.
 *
 * Across projects each project weighs the same (as the report rolls its portfolios up): a roll-up is
 * the mean of the projects' hundredths, rounded half up. Confidential projects show no progress and
 * count in no progress roll-up. The portal's SQL computes the same per project and adds them up
 * (libs/modules/src/portal/portal-figures.sql.ts); test/portal-figures.e2e-spec.ts holds it to these.
 */
import { progressFromSums } from './progress';

export type SelfDeclaredSource = 'declarations' | 'report';

export interface SelfDeclaredInput {
  /** Σ weight (hundredths) of the current items; 0 when the project has no plan. */
  readonly weightSum: number;
  /** Σ weight · declared percent of the current items. */
  readonly declaredWeighted: number;
  /** The agency's own figure in the source report, percent; null when it gave none. */
  readonly reportedPercent: number | null;
}

/** A reported percent (up to two decimals) in hundredths. */
const reportedHundredths = (percent: number): number => Math.round(percent * 100);

/** A project's self-declared progress in hundredths of a percent and where it comes from; null when it has none. */
export function selfDeclaredProgress(p: SelfDeclaredInput): { hundredths: number; source: SelfDeclaredSource } | null {
  if (p.weightSum > 0) return { hundredths: progressFromSums({ weightSum: p.weightSum, weightedSum: p.declaredWeighted }), source: 'declarations' };
  if (p.reportedPercent !== null && Number.isFinite(p.reportedPercent)) return { hundredths: reportedHundredths(p.reportedPercent), source: 'report' };
  return null;
}

/** The mean of `count` values in hundredths that add up to `sum`, rounded half up; null when there are none. */
export function meanHundredths(sum: number, count: number): number | null {
  if (count === 0) return null;
  return Math.floor((2 * sum + count) / (2 * count));
}

export interface ProjectProgressPair {
  /** Verified progress, hundredths; null when confidential. */
  readonly verified: number | null;
  /** Self-declared progress, hundredths; null when it has none (or is confidential). */
  readonly selfDeclared: number | null;
}

export interface ProgressRollUp {
  /** Projects counted: those with both figures. */
  readonly counted: number;
  readonly verified: number | null;
  readonly selfDeclared: number | null;
  /** Self-declared minus verified, hundredths of a percent. */
  readonly gap: number | null;
}

/** The roll-up of projects' progress: each project with both figures weighs the same. */
export function rollUpProgress(projects: readonly ProjectProgressPair[]): ProgressRollUp {
  const counted = projects.filter((p) => p.verified !== null && p.selfDeclared !== null);
  return rollUpFromSums({
    counted: counted.length,
    verifiedSum: counted.reduce((s, p) => s + p.verified!, 0),
    selfDeclaredSum: counted.reduce((s, p) => s + p.selfDeclared!, 0),
  });
}

/** The same roll-up from sums a database adds up. */
export function rollUpFromSums(s: { counted: number; verifiedSum: number; selfDeclaredSum: number }): ProgressRollUp {
  const verified = meanHundredths(s.verifiedSum, s.counted);
  const selfDeclared = meanHundredths(s.selfDeclaredSum, s.counted);
  return { counted: s.counted, verified, selfDeclared, gap: verified === null || selfDeclared === null ? null : selfDeclared - verified };
}
