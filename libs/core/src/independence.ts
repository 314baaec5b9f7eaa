/**
 * Finding 6 of the report: the supervisor was also the supervised. One rule for every committee
 * action (verify, revoke, decide an escalation, lift a hold, approve a plan revision, and whatever
 * is added later): the acting member's organization may not be, belong to, or stand above any
 * organization that is a party to what is being decided. A ministry deciding on its own
 * subsidiary's work is the same conflict as the subsidiary deciding on its own.
 *
 * Who the parties are depends on the action and is gathered by the caller from the database; the
 * rule itself knows nothing but organizations and their ancestors.
 */

/** Why an organization is a party to a committee decision. */
export type PartyRole =
  | 'lead_agency'
  | 'co_lead_agency'
  | 'collaborating_agency'
  /** Owns an item the decision is about (the declared item, the escalated item, an item a revision touches). */
  | 'item_owner';

export interface Party {
  readonly organizationId: string;
  readonly role: PartyRole;
}

/** An organization followed by its ancestors, nearest first. */
export type Lineage = readonly string[];

export interface IndependenceConflict {
  /** The party organization the member is not independent of. */
  readonly organizationId: string;
  /** Every reason that organization is a party. */
  readonly roles: PartyRole[];
}

/**
 * The parties the member (by lineage) is not independent of: those whose organization is the
 * member's own, one of its ancestors, or one of its descendants. Empty means the member may act.
 */
export function independenceConflicts(
  memberLineage: Lineage,
  parties: readonly Party[],
  lineageOf: (organizationId: string) => Lineage,
): IndependenceConflict[] {
  const member = memberLineage[0];
  if (member === undefined) throw new Error('a committee member must belong to an organization');
  const conflicts = new Map<string, Set<PartyRole>>();
  for (const party of parties) {
    const lineage = lineageOf(party.organizationId);
    const related = lineage.includes(member) || memberLineage.includes(party.organizationId);
    if (!related) continue;
    const roles = conflicts.get(party.organizationId) ?? new Set<PartyRole>();
    roles.add(party.role);
    conflicts.set(party.organizationId, roles);
  }
  return [...conflicts].map(([organizationId, roles]) => ({ organizationId, roles: [...roles].sort() }));
}

/** The project-level parties of every committee decision about a project: its lead, co-lead and collaborating agencies. */
export function projectParties(agencies: ReadonlyArray<{ organizationId: string; role: 'lead' | 'co_lead' | 'collaborating' }>): Party[] {
  const ROLE: Record<'lead' | 'co_lead' | 'collaborating', PartyRole> = {
    lead: 'lead_agency',
    co_lead: 'co_lead_agency',
    collaborating: 'collaborating_agency',
  };
  return agencies.map((a) => ({ organizationId: a.organizationId, role: ROLE[a.role] }));
}

/** Owners of the items a decision is about. */
export function itemOwnerParties(ownerAgencyIds: Iterable<string>): Party[] {
  return [...new Set(ownerAgencyIds)].map((organizationId) => ({ organizationId, role: 'item_owner' as const }));
}
