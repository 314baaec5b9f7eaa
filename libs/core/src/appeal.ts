/**
 * Appeals (issue 13): the owner agency contests a rejection or an accept-at-lower-percent within the
 * appeal window, once per decision, citing evidence it had uploaded before the decision (the appeal
 * argues the decision was wrong on what the committee had, not a new declaration). A member who did
 * not take the decision, and is independent of the item, upholds or overturns it; the outcome is final.
 */
import type { VerificationOutcome, VerificationRefusal } from './verification';

export const APPEAL_ACTIONS = ['uphold', 'overturn'] as const;
export type AppealAction = (typeof APPEAL_ACTIONS)[number];
export const APPEAL_STATUSES = ['pending', 'upheld', 'overturned'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** The decision an appeal is about. */
export interface AppealedDecision {
  readonly outcome: VerificationOutcome;
  readonly decidedAt: Date;
  readonly revokedAt: Date | null;
  readonly ownerAgencyId: string;
  readonly alreadyAppealed: boolean;
}

/** Whether a decision is of a kind still open to appeal (the window aside): a rejection or lower acceptance, standing, not yet appealed. */
export function isAppealable(decision: Pick<AppealedDecision, 'outcome' | 'revokedAt'>, alreadyAppealed: boolean): boolean {
  return decision.outcome !== 'accepted' && decision.revokedAt === null && !alreadyAppealed;
}

/** Why `organizationId` may not appeal the decision at `now`, or null. */
export function appealRefusal(
  decision: AppealedDecision,
  organizationId: string | null,
  now: Date,
  windowMs: number,
): VerificationRefusal | null {
  if (organizationId !== decision.ownerAgencyId) {
    return { kind: 'forbidden', code: 'not_item_owner', message: 'only the agency that owns the item appeals its verification' };
  }
  if (decision.outcome === 'accepted') {
    return { kind: 'conflict', code: 'not_appealable', message: 'only a rejection or an acceptance at a lower percent is appealed' };
  }
  if (decision.revokedAt !== null) return { kind: 'conflict', code: 'not_appealable', message: 'the decision was revoked' };
  if (decision.alreadyAppealed) return { kind: 'conflict', code: 'already_appealed', message: 'the decision was already appealed: one appeal per decision' };
  if (now.getTime() > decision.decidedAt.getTime() + windowMs) {
    const deadline = new Date(decision.decidedAt.getTime() + windowMs).toISOString();
    return { kind: 'conflict', code: 'appeal_window_closed', message: `the appeal window closed at ${deadline}` };
  }
  return null;
}

export interface AppealEvidence {
  readonly id: string;
  readonly organizationId: string | null;
  readonly uploadedAt: Date;
}

/** Why the cited files may not back the appeal, or null: each exists, is the agency's and was uploaded before the decision. */
export function appealEvidenceRefusal(
  organizationId: string | null,
  evidenceIds: readonly string[],
  files: readonly AppealEvidence[],
  decidedAt: Date,
): VerificationRefusal | null {
  for (const id of evidenceIds) {
    const file = files.find((f) => f.id === id);
    if (!file) return { kind: 'invalid', field: 'evidenceIds', message: `evidence file ${id} does not exist` };
    if (file.organizationId !== organizationId) return { kind: 'invalid', field: 'evidenceIds', message: `evidence file ${id} was not uploaded by your agency` };
    if (file.uploadedAt.getTime() >= decidedAt.getTime()) {
      return { kind: 'invalid', field: 'evidenceIds', message: `evidence file ${id} was uploaded after the decision: an appeal cites what the committee could have seen` };
    }
  }
  return null;
}

/** The appeal as its decider sees it. */
export interface PendingAppeal {
  readonly status: AppealStatus;
  readonly decisionOutcome: VerificationOutcome;
  /** What the committee verified (null for a rejection). */
  readonly decidedPercent: number | null;
  readonly declaredPercent: number;
  readonly originalDeciderId: string;
}

/** The percent an appeal decision verifies (null: upheld), or why `deciderId` may not make it. */
export function ruleOnAppeal(
  appeal: PendingAppeal,
  deciderId: string,
  action: AppealAction,
  requestedPercent: number | undefined,
): { verifiedPercent: number | null } | VerificationRefusal {
  if (appeal.status !== 'pending') return { kind: 'conflict', code: 'appeal_decided', message: `the appeal was already ${appeal.status}: the outcome is final` };
  if (deciderId === appeal.originalDeciderId) {
    return { kind: 'forbidden', code: 'original_decider', message: 'an appeal is decided by a member who did not take the decision' };
  }
  if (action === 'uphold') {
    if (requestedPercent !== undefined) return { kind: 'invalid', field: 'verifiedPercent', message: 'upholding verifies no new percent' };
    return { verifiedPercent: null };
  }
  const percent = requestedPercent ?? appeal.declaredPercent;
  const floor = appeal.decidedPercent ?? 0;
  if (percent <= floor || percent > appeal.declaredPercent) {
    return {
      kind: 'invalid',
      field: 'verifiedPercent',
      message: `an overturn verifies more than the decided ${floor}% and at most the declared ${appeal.declaredPercent}%`,
    };
  }
  return { verifiedPercent: percent };
}
