import { independenceConflicts, itemOwnerParties, type Lineage, projectParties } from './independence';

const LINEAGE: Record<string, Lineage> = {
  arao: ['arao'],
  mict: ['mict'],
  ito: ['ito', 'mict'],
  pbo: ['pbo'],
  demo: ['demo'],
  health: ['health'],
  treatment: ['treatment', 'health'],
};
const lineageOf = (id: string) => LINEAGE[id] ?? [id];

describe('independence of a committee member', () => {
  it("flags the member's own organization, whatever its part in the decision", () => {
    expect(independenceConflicts(['arao'], projectParties([{ organizationId: 'arao', role: 'lead' }]), lineageOf)).toEqual([
      { organizationId: 'arao', roles: ['lead_agency'] },
    ]);
    expect(independenceConflicts(['arao'], projectParties([{ organizationId: 'arao', role: 'collaborating' }]), lineageOf)).toEqual([
      { organizationId: 'arao', roles: ['collaborating_agency'] },
    ]);
    expect(independenceConflicts(['arao'], itemOwnerParties(['arao']), lineageOf)).toEqual([
      { organizationId: 'arao', roles: ['item_owner'] },
    ]);
  });

  it('flags a parent deciding on its subsidiary and a subsidiary deciding on its parent', () => {
    expect(independenceConflicts(['mict'], itemOwnerParties(['ito']), lineageOf)).toEqual([{ organizationId: 'ito', roles: ['item_owner'] }]);
    expect(independenceConflicts(['ito', 'mict'], projectParties([{ organizationId: 'mict', role: 'lead' }]), lineageOf)).toEqual([
      { organizationId: 'mict', roles: ['lead_agency'] },
    ]);
  });

  it('does not relate siblings under one parent', () => {
    LINEAGE.ito2 = ['ito2', 'mict'];
    expect(independenceConflicts(['ito2', 'mict'], itemOwnerParties(['ito']), lineageOf)).toEqual([]);
  });

  it('names every role of a conflicting party once', () => {
    const parties = [...projectParties([{ organizationId: 'demo', role: 'lead' }]), ...itemOwnerParties(['demo', 'demo'])];
    expect(independenceConflicts(['demo'], parties, lineageOf)).toEqual([{ organizationId: 'demo', roles: ['item_owner', 'lead_agency'] }]);
  });

  it('allows an unrelated organization', () => {
    const parties = [...projectParties([{ organizationId: 'ito', role: 'lead' }]), ...itemOwnerParties(['treatment'])];
    expect(independenceConflicts(['pbo'], parties, lineageOf)).toEqual([]);
  });

  it('refuses a member without an organization', () => {
    expect(() => independenceConflicts([], [], lineageOf)).toThrow(/organization/);
  });
});
