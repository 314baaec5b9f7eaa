import { appealEvidenceRefusal, appealRefusal, isAppealable, ruleOnAppeal } from './appeal';
import { DISCREPANCY_RECORD_MONTHS, discrepancyRate, discrepancyRecordSince, ruleOnFieldCheck } from './field-check';
import { countedPercent, standingVerifiedPercent } from './verification';

const drawn = { selected: true, alreadyChecked: false, acceptedPercent: 60, acceptorOrganizationId: 'org-a' };

describe('field checks', () => {
  it('need a selected, unchecked declaration and a checker of another organization', () => {
    expect(ruleOnFieldCheck(null, 'org-b', 'confirmed', undefined)).toMatchObject({ kind: 'conflict', code: 'not_selected' });
    expect(ruleOnFieldCheck({ ...drawn, selected: false }, 'org-b', 'confirmed', undefined)).toMatchObject({ code: 'not_selected' });
    expect(ruleOnFieldCheck({ ...drawn, alreadyChecked: true }, 'org-b', 'confirmed', undefined)).toMatchObject({ code: 'already_checked' });
    expect(ruleOnFieldCheck(drawn, 'org-a', 'confirmed', undefined)).toMatchObject({ kind: 'forbidden', code: 'same_organization' });
    expect(ruleOnFieldCheck(drawn, 'org-b', 'confirmed', undefined)).toEqual({ verifiedPercent: 60 });
  });

  it('confirm the accepted percent, or record a lower one found in the field', () => {
    expect(ruleOnFieldCheck(drawn, 'org-b', 'confirmed', 50)).toMatchObject({ kind: 'invalid', field: 'verifiedPercent' });
    expect(ruleOnFieldCheck(drawn, 'org-b', 'discrepancy', undefined)).toMatchObject({ kind: 'invalid', field: 'verifiedPercent' });
    expect(ruleOnFieldCheck(drawn, 'org-b', 'discrepancy', 60)).toMatchObject({ kind: 'invalid', field: 'verifiedPercent' });
    expect(ruleOnFieldCheck(drawn, 'org-b', 'discrepancy', 35)).toEqual({ verifiedPercent: 35 });
  });

  it('give a rate per check', () => {
    expect(discrepancyRate({ checks: 0, discrepancies: 0 })).toBeNull();
    expect(discrepancyRate({ checks: 4, discrepancies: 1 })).toBe(0.25);
  });
});

describe('what a ruling counts for', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const accepted = { outcome: 'accepted' as const, verifiedPercent: 60, decidedAt: at(2), revokedAt: null };
  const older = { outcome: 'accepted' as const, verifiedPercent: 30, decidedAt: at(1), revokedAt: null };

  it('holds an acceptance awaiting its field check, and falls back to the one before', () => {
    expect(countedPercent({ ...accepted, awaitingFieldCheck: true })).toBeNull();
    expect(standingVerifiedPercent([older, { ...accepted, awaitingFieldCheck: true }])).toBe(30);
    expect(standingVerifiedPercent([older, { ...accepted, awaitingFieldCheck: false }])).toBe(60);
  });

  it('takes the field percent of a discrepancy and an overturned appeal percent', () => {
    expect(standingVerifiedPercent([older, { ...accepted, fieldPercent: 10 }])).toBe(10);
    const rejected = { outcome: 'rejected' as const, verifiedPercent: null, decidedAt: at(3), revokedAt: null };
    expect(standingVerifiedPercent([older, accepted, rejected])).toBe(60);
    expect(standingVerifiedPercent([older, accepted, { ...rejected, appealPercent: 80 }])).toBe(80);
    expect(countedPercent({ ...accepted, appealPercent: 70, fieldPercent: 40 })).toBe(40);
    expect(countedPercent({ ...accepted, revokedAt: at(4), fieldPercent: 40 })).toBeNull();
  });
});

describe('appeals', () => {
  const now = new Date('2026-12-05T00:00:00Z');
  const day = 86_400_000;
  const decision = { outcome: 'rejected' as const, decidedAt: new Date(now.getTime() - 3 * day), revokedAt: null, ownerAgencyId: 'agency', alreadyAppealed: false };

  it('are filed by the owner agency, against a rejection or lower acceptance, once, within the window', () => {
    expect(appealRefusal(decision, 'agency', now, 10 * day)).toBeNull();
    expect(appealRefusal(decision, 'other', now, 10 * day)).toMatchObject({ kind: 'forbidden', code: 'not_item_owner' });
    expect(appealRefusal({ ...decision, outcome: 'accepted' }, 'agency', now, 10 * day)).toMatchObject({ code: 'not_appealable' });
    expect(appealRefusal({ ...decision, alreadyAppealed: true }, 'agency', now, 10 * day)).toMatchObject({ code: 'already_appealed' });
    expect(appealRefusal(decision, 'agency', now, 2 * day)).toMatchObject({ kind: 'conflict', code: 'appeal_window_closed' });
    expect(appealRefusal(decision, 'agency', now, 3 * day)).toBeNull();
    expect(isAppealable({ outcome: 'accepted_lower', revokedAt: null }, false)).toBe(true);
    expect(isAppealable({ outcome: 'accepted', revokedAt: null }, false)).toBe(false);
  });

  it('cite only the agency’s files uploaded before the decision', () => {
    const files = [
      { id: 'before', organizationId: 'agency', uploadedAt: new Date(decision.decidedAt.getTime() - 1) },
      { id: 'after', organizationId: 'agency', uploadedAt: decision.decidedAt },
      { id: 'theirs', organizationId: 'other', uploadedAt: new Date(0) },
    ];
    expect(appealEvidenceRefusal('agency', ['before'], files, decision.decidedAt)).toBeNull();
    expect(appealEvidenceRefusal('agency', ['after'], files, decision.decidedAt)).toMatchObject({ field: 'evidenceIds' });
    expect(appealEvidenceRefusal('agency', ['theirs'], files, decision.decidedAt)).toMatchObject({ field: 'evidenceIds' });
    expect(appealEvidenceRefusal('agency', ['missing'], files, decision.decidedAt)).toMatchObject({ field: 'evidenceIds' });
  });

  it('are decided once, by another member, overturning to a percent above the decision and up to the declaration', () => {
    const pending = { status: 'pending' as const, decisionOutcome: 'accepted_lower' as const, decidedPercent: 40, declaredPercent: 70, originalDeciderId: 'm1' };
    expect(ruleOnAppeal(pending, 'm1', 'overturn', 70)).toMatchObject({ kind: 'forbidden', code: 'original_decider' });
    expect(ruleOnAppeal({ ...pending, status: 'upheld' }, 'm2', 'overturn', 70)).toMatchObject({ kind: 'conflict', code: 'appeal_decided' });
    expect(ruleOnAppeal(pending, 'm2', 'uphold', undefined)).toEqual({ verifiedPercent: null });
    expect(ruleOnAppeal(pending, 'm2', 'uphold', 50)).toMatchObject({ field: 'verifiedPercent' });
    expect(ruleOnAppeal(pending, 'm2', 'overturn', undefined)).toEqual({ verifiedPercent: 70 });
    expect(ruleOnAppeal(pending, 'm2', 'overturn', 55)).toEqual({ verifiedPercent: 55 });
    expect(ruleOnAppeal(pending, 'm2', 'overturn', 40)).toMatchObject({ field: 'verifiedPercent' });
    expect(ruleOnAppeal(pending, 'm2', 'overturn', 71)).toMatchObject({ field: 'verifiedPercent' });
  });
});

describe('discrepancy record', () => {
  it('counts back twelve calendar months from now', () => {
    expect(discrepancyRecordSince(new Date('2026-12-05T03:00:00Z'))).toEqual(new Date('2025-12-05T03:00:00Z'));
    expect(DISCREPANCY_RECORD_MONTHS).toBe(12);
  });
});
