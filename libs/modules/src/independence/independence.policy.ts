import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { independenceConflicts, itemOwnerParties, type Party, projectParties } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Forbidden } from '../common/errors';
import { OrganizationsService } from '../identity/organizations.service';

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
 * rule (libs/core independence) refuses a member related to any of them.
 */
@Injectable()
export class IndependencePolicy {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly organizations: OrganizationsService,
  ) {}

  async partiesOf(subject: DecisionSubject, manager: EntityManager = this.db.manager): Promise<Party[]> {
    const agencies: Array<{ organizationId: string; role: 'lead' | 'co_lead' | 'collaborating' }> = await manager.query(
      `SELECT organization_id AS "organizationId", role FROM project_agencies WHERE project_id = $1`,
      [subject.projectId],
    );
    return [...projectParties(agencies), ...itemOwnerParties(subject.itemOwnerIds)];
  }

  /** 403 conflict_of_interest naming each organization and why it is a party, unless the member is independent of all. */
  async assertIndependent(actor: Actor, subject: DecisionSubject, verb: string, manager: EntityManager = this.db.manager): Promise<void> {
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
    const names: Array<{ id: string; code: string; name_en: string }> = await manager.query(
      'SELECT id, code, name_en FROM organizations WHERE id = ANY($1::uuid[])',
      [conflicts.map((c) => c.organizationId)],
    );
    const described = conflicts.map((c) => {
      const org = names.find((n) => n.id === c.organizationId);
      return { id: c.organizationId, code: org?.code ?? null, nameEn: org?.name_en ?? c.organizationId, roles: c.roles };
    });
    throw new Forbidden(
      `you may not ${verb}: your organization is, or is part of the same body as, ${described
        .map((d) => `${d.nameEn} (${d.roles.map((r) => r.replace(/_/g, ' ')).join(', ')})`)
        .join('; ')}`,
      'conflict_of_interest',
      { organizations: described },
    );
  }

  /** Whether the member may act, without throwing (the committee queue marks what each member may decide). */
  async isIndependent(actor: Actor, subject: DecisionSubject, manager: EntityManager = this.db.manager): Promise<boolean> {
    try {
      await this.assertIndependent(actor, subject, 'decide', manager);
      return true;
    } catch (error) {
      if (error instanceof Forbidden) return false;
      throw error;
    }
  }
}
