/**
 * Verified progress (finding 3 of the report: agencies graded their own work). An owner agency
 * declares a percent for its item with evidence; the monitoring committee accepts it, accepts a
 * lower percent, or rejects it. Only an accepted percent changes the item's verified progress, and
 * revoking an acceptance puts the item back on its latest acceptance still standing.
 */

export const VERIFICATION_DECISIONS = ['accept', 'accept_lower', 'reject'] as const;
export type VerificationDecisionKind = (typeof VERIFICATION_DECISIONS)[number];

export const VERIFICATION_OUTCOMES = ['accepted', 'accepted_lower', 'rejected'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export const DECLARATION_STATUSES = ['pending', 'decided', 'superseded'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

/** Why an act is refused: `invalid` names the input field at fault; the others carry a stable code. */
export type VerificationRefusal =
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly kind: 'forbidden'; readonly code: string; readonly message: string }
  | { readonly kind: 'conflict'; readonly code: string; readonly message: string };

const invalid = (field: string, message: string): VerificationRefusal => ({ kind: 'invalid', field, message });

/** The item a declaration is about, as the rules see it. */
export interface DeclaredItem {
  readonly ownerAgencyId: string;
  readonly removed: boolean;
}

/**
 * Why `organizationId` may not declare progress of `item` citing `evidenceCount` files, or null:
 * only the owner agency declares, never on an item an approved revision removed, and within the
 * evidence limit.
 */
export function declarationRefusal(
  organizationId: string | null,
  item: DeclaredItem,
  evidenceCount: number,
  maxEvidenceFiles: number,
): VerificationRefusal | null {
  if (organizationId !== item.ownerAgencyId) {
    return { kind: 'forbidden', code: 'not_item_owner', message: 'only the agency that owns the item declares its progress' };
  }
  if (item.removed) {
    return { kind: 'conflict', code: 'item_removed', message: 'the item was removed from the action plan by an approved revision' };
  }
  if (evidenceCount > maxEvidenceFiles) {
    return invalid('evidenceIds', `at most ${maxEvidenceFiles} evidence files per declaration`);
  }
  return null;
}

export interface CitedEvidence {
  readonly id: string;
  readonly organizationId: string | null;
  /** The declaration the file already backs, if any: a file backs one declaration only. */
  readonly declarationId: string | null;
}

/** Why the cited evidence may not back a new declaration of `organizationId`, or null: each file exists, is its own and is unused. */
export function evidenceRefusal(
  organizationId: string | null,
  evidenceIds: readonly string[],
  files: readonly CitedEvidence[],
): VerificationRefusal | null {
  for (const evidenceId of evidenceIds) {
    const file = files.find((f) => f.id === evidenceId);
    if (!file) return invalid('evidenceIds', `evidence file ${evidenceId} does not exist`);
    if (file.organizationId !== organizationId) {
      return invalid('evidenceIds', `evidence file ${evidenceId} was not uploaded by your agency`);
    }
    if (file.declarationId) return invalid('evidenceIds', `evidence file ${evidenceId} already backs another declaration`);
  }
  return null;
}

/** A committee ruling: the outcome recorded and the percent it verifies (null for a rejection). */
export interface VerificationRuling {
  readonly outcome: VerificationOutcome;
  readonly verifiedPercent: number | null;
}

/**
 * The ruling `decision` makes on a declaration of `declaredPercent`, or why it may not be made: only a
 * pending declaration is decided; accept verifies the declared percent, accept_lower a percent below
 * it, reject none.
 */
export function ruleOnDeclaration(
  status: DeclarationStatus,
  declaredPercent: number,
  decision: VerificationDecisionKind,
  requestedPercent: number | undefined,
): VerificationRuling | VerificationRefusal {
  if (status !== 'pending') {
    return { kind: 'conflict', code: 'declaration_not_pending', message: `the declaration is already ${status}` };
  }
  switch (decision) {
    case 'accept':
      if (requestedPercent !== undefined && requestedPercent !== declaredPercent) {
        return invalid('verifiedPercent', 'use accept_lower to verify a percent other than the declared one');
      }
      return { outcome: 'accepted', verifiedPercent: declaredPercent };
    case 'accept_lower':
      if (requestedPercent === undefined) return invalid('verifiedPercent', 'accept_lower needs the verified percent');
      if (requestedPercent >= declaredPercent) {
        return invalid('verifiedPercent', `must be below the declared ${declaredPercent}% for accept_lower`);
      }
      return { outcome: 'accepted_lower', verifiedPercent: requestedPercent };
    case 'reject':
      if (requestedPercent !== undefined) return invalid('verifiedPercent', 'a rejection verifies no percent');
      return { outcome: 'rejected', verifiedPercent: null };
  }
}

export function isVerificationRefusal(value: VerificationRuling | VerificationRefusal): value is VerificationRefusal {
  return 'kind' in value;
}

/** Whether a ruling moves the item's verified progress away from `currentPercent` (what gates and roll-ups react to). */
export function changesVerifiedProgress(ruling: VerificationRuling, currentPercent: number): boolean {
  return ruling.verifiedPercent !== null && ruling.verifiedPercent !== currentPercent;
}

/**
 * A past ruling on an item, with what happened to it since: revoked, drawn for a field check (held until
 * the check), corrected in the field, or overturned on appeal.
 */
export interface PastRuling {
  readonly outcome: VerificationOutcome;
  readonly verifiedPercent: number | null;
  readonly decidedAt: Date;
  readonly revokedAt: Date | null;
  /** Selected by a published sample and not yet field-checked: it does not count until confirmed. */
  readonly awaitingFieldCheck?: boolean;
  /** The field percent a field check found instead (a discrepancy). */
  readonly fieldPercent?: number | null;
  /** The percent an appeal overturned it to. */
  readonly appealPercent?: number | null;
}

/** Why the ruling may not be revoked, or null: only an acceptance still standing is revoked. */
export function revocationRefusal(decision: Pick<PastRuling, 'outcome' | 'revokedAt'>): VerificationRefusal | null {
  if (decision.revokedAt) return { kind: 'conflict', code: 'already_revoked', message: 'the decision is already revoked' };
  if (decision.outcome === 'rejected') {
    return { kind: 'conflict', code: 'nothing_to_revoke', message: 'a rejection verified nothing to revoke' };
  }
  return null;
}

/**
 * The percent a ruling verifies now, or null if it verifies none: a revoked one or one awaiting its field
 * check counts for nothing; a field check's discrepancy replaces its percent (the field is the last word
 * on what was built), an overturned appeal replaces the committee's; a rejection verifies none.
 */
export function countedPercent(ruling: PastRuling): number | null {
  if (ruling.revokedAt !== null || ruling.awaitingFieldCheck) return null;
  if (ruling.fieldPercent !== undefined && ruling.fieldPercent !== null) return ruling.fieldPercent;
  if (ruling.appealPercent !== undefined && ruling.appealPercent !== null) return ruling.appealPercent;
  return ruling.outcome === 'rejected' ? null : ruling.verifiedPercent;
}

/** The item's verified percent given its rulings: that of the latest ruling that counts (`countedPercent`), else 0. */
export function standingVerifiedPercent(rulings: readonly PastRuling[]): number {
  let latest: { at: number; percent: number } | null = null;
  for (const ruling of rulings) {
    const percent = countedPercent(ruling);
    if (percent === null) continue;
    if (!latest || ruling.decidedAt.getTime() > latest.at) latest = { at: ruling.decidedAt.getTime(), percent };
  }
  return latest?.percent ?? 0;
}

/** Evidence is for the uploading agency, the committee that verifies it, PBO and admins: another agency may not read it. */
export function mayReadEvidence(reader: { role: string; organizationId: string | null }, fileOrganizationId: string | null): boolean {
  return reader.role !== 'agency' || reader.organizationId === fileOrganizationId;
}
