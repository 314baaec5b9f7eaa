import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { independenceConflicts, itemOwnerParties, type Party, projectParties } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Forbidden } from '../common/errors';
import { Database } from '../database/database';
import { OrganizationsService } from '../identity/organizations.service';
import { IndependenceRepository } from './independence.repository';

/** What a committee decision is about: a project, and the owners of the items it touches. */
export interface DecisionSubject {
  projectId: string;
  /** Owners of the items the decision is about (the declared item, the escalated item, every item a revision adds, changes or retires). */
  itemOwnerIds: Iterable<string>;
}

/**
 * The one door every committee action goes through (finding 6): verifying, revoking, deciding an
 * escalation, lifting a hold, approving a plan revision. The parties of a decision are the
 * project's lead, co-lead and collaborating agencies and the owners of the items it touches; the
 * rule (libs/core independence) refuses a member related to any of them, parents included.
 *
 * Every method reads through `manager`: inside a transaction, pass its manager; outside one, the
 * default is the pool's reader (which refuses to serve inside a transaction).
 */
@Injectable()
export class IndependencePolicy {
  constructor(
    private readonly db: Database,
    private readonly repository: IndependenceRepository,
    private readonly organizations: OrganizationsService,
  ) {}

  async partiesOf(subject: DecisionSubject, manager: EntityManager = this.db.reader): Promise<Party[]> {
    const agencies = await this.repository.projectAgencies(manager, subject.projectId);
    return [...projectParties(agencies), ...itemOwnerParties(subject.itemOwnerIds)];
  }

  /** 403 conflict_of_interest naming each organization and why it is a party, unless the member is independent of all. */
  async assertIndependent(actor: Actor, subject: DecisionSubject, verb: string, manager: EntityManager = this.db.reader): Promise<void> {
    if (!actor.organizationId) {
      throw new Forbidden(`only a member of the monitoring committee's organizations may ${verb}`, 'conflict_of_interest');
    }
    const parties = await this.partiesOf(subject, manager);
    const lineages = await this.organizations.lineages([actor.organizationId, ...parties.map((p) => p.organizationId)], manager);
    const conflicts = independenceConflicts(
      lineages.get(actor.organizationId) ?? [actor.organizationId],
      parties,
      (id) => lineages.get(id) ?? [id],
    );
    if (conflicts.length === 0) return;
    const names = await this.repository.organizationNames(
      manager,
      conflicts.map((c) => c.organizationId),
    );
    const described = conflicts.map((c) => {
      const org = names.find((n) => n.id === c.organizationId);
      return { id: c.organizationId, code: org?.code ?? null, nameEn: org?.nameEn ?? c.organizationId, roles: c.roles };
    });
    throw new Forbidden(
      `you may not ${verb}: your organization is, or is part of the same body as, ${described
        .map((d) => `${d.nameEn} (${d.roles.map((r) => r.replace(/_/g, ' ')).join(', ')})`)
        .join('; ')}`,
      'conflict_of_interest',
      { organizations: described },
    );
  }

  /**
   * For each subject, whether the member is independent of all its parties: the same rule as
   * `assertIndependent`, in two reads however many subjects (the committee queue marks a page at once).
   */
  async independentOfEach(actor: Actor, subjects: readonly DecisionSubject[], manager: EntityManager = this.db.reader): Promise<boolean[]> {
    if (subjects.length === 0) return [];
    if (!actor.organizationId) return subjects.map(() => false);
    const agencies = await this.repository.agenciesOfProjects(manager, [...new Set(subjects.map((s) => s.projectId))]);
    const partiesOf = subjects.map((s) => [
      ...projectParties(agencies.filter((a) => a.projectId === s.projectId)),
      ...itemOwnerParties(s.itemOwnerIds),
    ]);
    const member = actor.organizationId;
    const lineages = await this.organizations.lineages([member, ...new Set(partiesOf.flat().map((p) => p.organizationId))], manager);
    const lineageOf = (id: string) => lineages.get(id) ?? [id];
    return partiesOf.map((parties) => independenceConflicts(lineageOf(member), parties, lineageOf).length === 0);
  }

  /** Whether the member may act, without throwing (the committee queue marks what each member may decide). */
  async isIndependent(actor: Actor, subject: DecisionSubject, manager: EntityManager = this.db.reader): Promise<boolean> {
    try {
      await this.assertIndependent(actor, subject, 'decide', manager);
      return true;
    } catch (error) {
      if (error instanceof Forbidden) return false;
      throw error;
    }
  }
}
