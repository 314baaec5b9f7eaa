import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rows } from '../database/database';
import { Organization } from './organization.entity';

export interface NewOrganization {
  code: string;
  nameFa: string;
  nameEn: string;
  parentId: string | null;
  committeeMember: boolean;
}

/** SQL of organizations and their hierarchy. */
@Injectable()
export class OrganizationsRepository {
  async list(m: EntityManager): Promise<Organization[]> {
    return m.find(Organization, { order: { nameEn: 'ASC' } });
  }

  async get(m: EntityManager, id: string): Promise<Organization | null> {
    return m.findOneBy(Organization, { id });
  }

  async exists(m: EntityManager, id: string): Promise<boolean> {
    return m.existsBy(Organization, { id });
  }

  async codeTaken(m: EntityManager, code: string): Promise<boolean> {
    return m.existsBy(Organization, { code });
  }

  async insert(m: EntityManager, organization: NewOrganization): Promise<Organization> {
    return m.save(m.create(Organization, { ...organization, synthetic: false }));
  }

  /** Each organization's lineage: `start` → itself (depth 0), its parent (1), … at most 32 levels up. */
  async lineageRows(m: EntityManager, ids: readonly string[]): Promise<Array<{ start: string; id: string; depth: number }>> {
    return rows<{ start: string; id: string; depth: number }>(
      m,
      `WITH RECURSIVE up(start, id, parent_id, depth) AS (
         SELECT o.id, o.id, o.parent_id, 0 FROM organizations o WHERE o.id = ANY($1::uuid[])
         UNION ALL
         SELECT up.start, p.id, p.parent_id, up.depth + 1 FROM organizations p JOIN up ON p.id = up.parent_id
         WHERE up.depth < 32
       )
       SELECT start, id, depth FROM up ORDER BY start, depth`,
      [ids],
    );
  }
}
