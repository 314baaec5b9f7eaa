import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rows } from '../database/database';

export interface ProjectAgencyRow {
  organizationId: string;
  role: 'lead' | 'co_lead' | 'collaborating';
}

export interface OrganizationNameRow {
  id: string;
  code: string;
  nameEn: string;
}

/** What the independence rule reads: the agencies of a project and the names of organizations it refuses. */
@Injectable()
export class IndependenceRepository {
  /** The project's lead, co-lead and collaborating agencies. */
  projectAgencies(m: EntityManager, projectId: string): Promise<ProjectAgencyRow[]> {
    return rows<ProjectAgencyRow>(m, 'SELECT organization_id AS "organizationId", role FROM project_agencies WHERE project_id = $1', [
      projectId,
    ]);
  }

  /** The agencies of each of these projects, in one read. */
  agenciesOfProjects(m: EntityManager, projectIds: readonly string[]): Promise<Array<ProjectAgencyRow & { projectId: string }>> {
    return rows<ProjectAgencyRow & { projectId: string }>(
      m,
      'SELECT project_id AS "projectId", organization_id AS "organizationId", role FROM project_agencies WHERE project_id = ANY($1::uuid[])',
      [projectIds],
    );
  }

  organizationNames(m: EntityManager, ids: readonly string[]): Promise<OrganizationNameRow[]> {
    return rows<OrganizationNameRow>(m, 'SELECT id, code, name_en AS "nameEn" FROM organizations WHERE id = ANY($1::uuid[])', [ids]);
  }
}
