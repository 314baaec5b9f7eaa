import type { DeclarationView, VerificationDecisionView } from './dto';
import { isAppealable } from '@pelekan/core';
import type { DeclarationDecisionRow, DeclarationRow } from './declarations.repository';
import type { DecisionRow } from './verification.repository';

/**
 * Rows → the API's answers: every field named, nothing else goes out. `appealWindowMs` dates how long a
 * rejection or an accept-at-lower-percent may still be appealed.
 */
export function toDeclarationView(r: DeclarationRow, appealWindowMs: number): DeclarationView {
  return {
    id: r.id,
    itemId: r.itemId,
    percent: r.percent,
    note: r.note,
    declaredBy: r.declaredBy,
    declaredAt: r.declaredAt,
    status: r.status,
    itemCode: r.itemCode,
    itemTitleFa: r.itemTitleFa,
    itemTitleEn: r.itemTitleEn,
    projectId: r.projectId,
    ownerAgencyId: r.ownerAgencyId,
    currentVerifiedPercent: r.currentVerifiedPercent,
    evidence: r.evidence.map((e) => ({ id: e.id, filename: e.filename, contentType: e.contentType, sizeBytes: e.sizeBytes, sha256: e.sha256 })),
    decision: r.decision && {
      id: r.decision.id,
      outcome: r.decision.outcome,
      verifiedPercent: r.decision.verifiedPercent,
      reason: r.decision.reason,
      decidedBy: r.decision.decidedBy,
      decidedAt: r.decision.decidedAt,
      revokedAt: r.decision.revokedAt,
      revokedBy: r.decision.revokedBy,
      revokeReason: r.decision.revokeReason,
      appeal: r.decision.appeal,
      appealableUntil: appealableUntil(r.decision, appealWindowMs),
    },
  };
}

export function toDecisionView(r: DecisionRow): VerificationDecisionView {
  return {
    id: r.id,
    declarationId: r.declarationId,
    itemId: r.itemId,
    outcome: r.outcome,
    verifiedPercent: r.verifiedPercent,
    reason: r.reason,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    revokedAt: r.revokedAt,
    revokedBy: r.revokedBy,
    revokeReason: r.revokeReason,
  };
}

/** Until when the decision may be appealed, or null if it may not (accepted, revoked, already appealed). */
function appealableUntil(decision: DeclarationDecisionRow, windowMs: number): Date | null {
  return isAppealable(decision, decision.appeal !== null) ? new Date(decision.decidedAt.getTime() + windowMs) : null;
}
