/**
 * Field checks (issue 13): a declaration drawn by a published sample is checked on site by a committee
 * member of another organization than the one who accepted it. Until the check confirms it, the
 * acceptance counts for nothing (verification.ts `countedPercent`); a discrepancy puts the item on the
 * percent found in the field and counts against the agency and the member who accepted it.
 */
import type { VerificationRefusal } from './verification';

export const FIELD_CHECK_OUTCOMES = ['confirmed', 'discrepancy'] as const;
export type FieldCheckOutcome = (typeof FIELD_CHECK_OUTCOMES)[number];

/** A selected declaration as the field check sees it. */
export interface DrawnDeclaration {
  readonly selected: boolean;
  readonly alreadyChecked: boolean;
  /** The percent the committee accepted (after any overturned appeal). */
  readonly acceptedPercent: number;
  /** The organization of the member who accepted it. */
  readonly acceptorOrganizationId: string | null;
}

/** Why `checkerOrganizationId` may not record this field check, or the percent it verifies. */
export function ruleOnFieldCheck(
  declaration: DrawnDeclaration | null,
  checkerOrganizationId: string | null,
  outcome: FieldCheckOutcome,
  requestedPercent: number | undefined,
): { verifiedPercent: number } | VerificationRefusal {
  if (!declaration || !declaration.selected) {
    return { kind: 'conflict', code: 'not_selected', message: 'the declaration was not selected by a verification sample' };
  }
  if (declaration.alreadyChecked) return { kind: 'conflict', code: 'already_checked', message: 'the declaration was already field-checked' };
  if (checkerOrganizationId === null || checkerOrganizationId === declaration.acceptorOrganizationId) {
    return {
      kind: 'forbidden',
      code: 'same_organization',
      message: 'a field check is made by a member of another organization than the one who accepted the declaration',
    };
  }
  if (outcome === 'confirmed') {
    if (requestedPercent !== undefined && requestedPercent !== declaration.acceptedPercent) {
      return {
        kind: 'invalid',
        field: 'verifiedPercent',
        message: `a confirmation confirms the accepted ${declaration.acceptedPercent}%; record a discrepancy for another percent`,
      };
    }
    return { verifiedPercent: declaration.acceptedPercent };
  }
  if (requestedPercent === undefined) return { kind: 'invalid', field: 'verifiedPercent', message: 'a discrepancy needs the percent found in the field' };
  if (requestedPercent >= declaration.acceptedPercent) {
    return { kind: 'invalid', field: 'verifiedPercent', message: `a discrepancy is below the accepted ${declaration.acceptedPercent}%` };
  }
  return { verifiedPercent: requestedPercent };
}

/** Checks and discrepancies of one agency or member, and the rate they give. */
export interface DiscrepancyRecord {
  readonly checks: number;
  readonly discrepancies: number;
}

/** How far back field-check discrepancies count: for the published rates and for each sample's probabilities. */
export const DISCREPANCY_RECORD_MONTHS = 12;

/** The start of the discrepancy record that counts at `now` (the same calendar day, DISCREPANCY_RECORD_MONTHS earlier, UTC). */
export function discrepancyRecordSince(now: Date): Date {
  const since = new Date(now.getTime());
  since.setUTCMonth(since.getUTCMonth() - DISCREPANCY_RECORD_MONTHS);
  return since;
}

/** Discrepancies per field check, or null before any check. */
export function discrepancyRate(record: DiscrepancyRecord): number | null {
  return record.checks === 0 ? null : record.discrepancies / record.checks;
}
