import {
  changesVerifiedProgress,
  declarationRefusal,
  evidenceRefusal,
  isVerificationRefusal,
  mayReadEvidence,
  revocationRefusal,
  ruleOnDeclaration,
  standingVerifiedPercent,
} from './verification';

describe('declaring progress', () => {
  const item = { ownerAgencyId: 'ito', removed: false };

  it('lets only the owner agency declare, on an item still in the plan, within the evidence limit', () => {
    expect(declarationRefusal('ito', item, 2, 2)).toBeNull();
    expect(declarationRefusal('arao', item, 1, 2)).toMatchObject({ kind: 'forbidden', code: 'not_item_owner' });
    expect(declarationRefusal(null, item, 1, 2)).toMatchObject({ kind: 'forbidden', code: 'not_item_owner' });
    expect(declarationRefusal('ito', { ...item, removed: true }, 1, 2)).toMatchObject({ kind: 'conflict', code: 'item_removed' });
    expect(declarationRefusal('ito', item, 3, 2)).toEqual({
      kind: 'invalid',
      field: 'evidenceIds',
      message: 'at most 2 evidence files per declaration',
    });
  });

  it('takes only existing, own and unused evidence', () => {
    const files = [
      { id: 'a', organizationId: 'ito', declarationId: null },
      { id: 'b', organizationId: 'arao', declarationId: null },
      { id: 'c', organizationId: 'ito', declarationId: 'd1' },
    ];
    expect(evidenceRefusal('ito', ['a'], files)).toBeNull();
    expect(evidenceRefusal('ito', ['a', 'x'], files)).toMatchObject({ field: 'evidenceIds', message: 'evidence file x does not exist' });
    expect(evidenceRefusal('ito', ['b'], files)).toMatchObject({ message: 'evidence file b was not uploaded by your agency' });
    expect(evidenceRefusal('ito', ['c'], files)).toMatchObject({ message: 'evidence file c already backs another declaration' });
  });
});

describe('ruling on a declaration', () => {
  it('accepts the declared percent, and no other', () => {
    expect(ruleOnDeclaration('pending', 60, 'accept', undefined)).toEqual({ outcome: 'accepted', verifiedPercent: 60 });
    expect(ruleOnDeclaration('pending', 60, 'accept', 60)).toEqual({ outcome: 'accepted', verifiedPercent: 60 });
    expect(ruleOnDeclaration('pending', 60, 'accept', 50)).toMatchObject({ kind: 'invalid', field: 'verifiedPercent' });
  });

  it('accepts a lower percent only below the declared one', () => {
    expect(ruleOnDeclaration('pending', 60, 'accept_lower', 40)).toEqual({ outcome: 'accepted_lower', verifiedPercent: 40 });
    expect(ruleOnDeclaration('pending', 60, 'accept_lower', 0)).toEqual({ outcome: 'accepted_lower', verifiedPercent: 0 });
    expect(ruleOnDeclaration('pending', 60, 'accept_lower', 60)).toMatchObject({
      kind: 'invalid',
      message: 'must be below the declared 60% for accept_lower',
    });
    expect(ruleOnDeclaration('pending', 60, 'accept_lower', undefined)).toMatchObject({ kind: 'invalid', field: 'verifiedPercent' });
  });

  it('rejects without verifying a percent', () => {
    expect(ruleOnDeclaration('pending', 60, 'reject', undefined)).toEqual({ outcome: 'rejected', verifiedPercent: null });
    expect(ruleOnDeclaration('pending', 60, 'reject', 10)).toMatchObject({ kind: 'invalid', message: 'a rejection verifies no percent' });
  });

  it('decides only a pending declaration', () => {
    for (const status of ['decided', 'superseded'] as const) {
      expect(ruleOnDeclaration(status, 60, 'accept', undefined)).toEqual({
        kind: 'conflict',
        code: 'declaration_not_pending',
        message: `the declaration is already ${status}`,
      });
    }
  });

  it('tells a refusal from a ruling', () => {
    expect(isVerificationRefusal(ruleOnDeclaration('decided', 1, 'accept', undefined))).toBe(true);
    expect(isVerificationRefusal(ruleOnDeclaration('pending', 1, 'accept', undefined))).toBe(false);
  });

  it('changes verified progress only when an accepted percent differs from the current one', () => {
    expect(changesVerifiedProgress({ outcome: 'accepted', verifiedPercent: 60 }, 40)).toBe(true);
    expect(changesVerifiedProgress({ outcome: 'accepted_lower', verifiedPercent: 40 }, 40)).toBe(false);
    expect(changesVerifiedProgress({ outcome: 'rejected', verifiedPercent: null }, 40)).toBe(false);
  });
});

describe('revoking a ruling', () => {
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));

  it('revokes only an acceptance still standing', () => {
    expect(revocationRefusal({ outcome: 'accepted', revokedAt: null })).toBeNull();
    expect(revocationRefusal({ outcome: 'accepted_lower', revokedAt: null })).toBeNull();
    expect(revocationRefusal({ outcome: 'accepted', revokedAt: at(1) })).toMatchObject({ code: 'already_revoked' });
    expect(revocationRefusal({ outcome: 'rejected', revokedAt: null })).toMatchObject({ code: 'nothing_to_revoke' });
  });

  it('falls back to the latest acceptance still standing, else 0', () => {
    const rulings = [
      { outcome: 'accepted' as const, verifiedPercent: 30, decidedAt: at(1), revokedAt: null },
      { outcome: 'accepted_lower' as const, verifiedPercent: 50, decidedAt: at(2), revokedAt: null },
      { outcome: 'rejected' as const, verifiedPercent: null, decidedAt: at(3), revokedAt: null },
      { outcome: 'accepted' as const, verifiedPercent: 80, decidedAt: at(4), revokedAt: at(5) },
    ];
    expect(standingVerifiedPercent(rulings)).toBe(50);
    expect(standingVerifiedPercent(rulings.slice(2))).toBe(0);
    expect(standingVerifiedPercent([])).toBe(0);
  });
});

describe('reading evidence', () => {
  it('keeps an agency to its own files and lets the committee, PBO and admins read all', () => {
    expect(mayReadEvidence({ role: 'agency', organizationId: 'ito' }, 'ito')).toBe(true);
    expect(mayReadEvidence({ role: 'agency', organizationId: 'ito' }, 'arao')).toBe(false);
    for (const role of ['committee', 'pbo', 'admin']) expect(mayReadEvidence({ role, organizationId: 'x' }, 'ito')).toBe(true);
  });
});
