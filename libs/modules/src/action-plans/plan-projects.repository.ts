import { Injectable } from '@nestjs/common';
import type { PlanUsage } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { NamedRef } from './action-items.repository';

/** What plans need to know of projects and organizations, and the project lock every plan change takes first. */
@Injectable()
export class PlanProjectsRepository {
  /** Locks the projects in id order: the first lock of every plan change (see database.ts). */
  async lock(m: EntityManager, projectIds: string[]): Promise<void> {
    const ids = [...new Set(projectIds)].sort();
    await rows(m, 'SELECT 1 FROM projects WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  }

  /** The lead and collaborating agencies of the project. */
  async agencyIdsOf(m: EntityManager, projectId: string): Promise<Set<string>> {
    const found = await rows<{ organizationId: string }>(
      m,
      'SELECT organization_id AS "organizationId" FROM project_agencies WHERE project_id = $1',
      [projectId],
    );
    return new Set(found.map((a) => a.organizationId));
  }

  /** Whether tranches or progress declarations already depend on the project's plan. */
  async usageOf(m: EntityManager, projectId: string): Promise<PlanUsage> {
    const usage = await row<PlanUsage>(
      m,
      `SELECT EXISTS (SELECT 1 FROM tranches WHERE project_id = $1) AS "hasTranches",
              EXISTS (SELECT 1 FROM progress_declarations d JOIN action_items i ON i.id = d.item_id
                       WHERE i.project_id = $1) AS "hasDeclarations"`,
      [projectId],
    );
    return usage ?? { hasTranches: false, hasDeclarations: false };
  }

  organizations(m: EntityManager, ids: string[]): Promise<NamedRef[]> {
    return rows<NamedRef>(
      m,
      `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn" FROM organizations WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }
}
