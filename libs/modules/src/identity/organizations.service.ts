import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { CreateOrganizationDto, OrganizationView } from './dto';
import { Organization } from './organization.entity';
import { OrganizationsRepository } from './organizations.repository';

export function organizationView(o: Organization): OrganizationView {
  return {
    id: o.id,
    code: o.code,
    nameFa: o.nameFa,
    nameEn: o.nameEn,
    parentId: o.parentId,
    committeeMember: o.committeeMember,
    synthetic: o.synthetic,
    createdAt: o.createdAt,
  };
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: Database,
    private readonly repository: OrganizationsRepository,
  ) {}

  async list(): Promise<OrganizationView[]> {
    return (await this.repository.list(this.db.reader)).map(organizationView);
  }

  async get(id: string): Promise<OrganizationView> {
    const org = await this.repository.get(this.db.reader, id);
    if (!org) throw new NotFound('organization', id);
    return organizationView(org);
  }

  async create(dto: CreateOrganizationDto): Promise<OrganizationView> {
    return this.db.transaction(async (tx) => {
      if (dto.parentId && !(await this.repository.exists(tx, dto.parentId))) {
        throw InvalidInput.field('parentId', `organization ${dto.parentId} does not exist`);
      }
      if (await this.repository.codeTaken(tx, dto.code)) {
        throw new Conflict(`an organization with code ${dto.code} already exists`, 'duplicate_code');
      }
      const created = await this.repository.insert(tx, {
        code: dto.code,
        nameFa: dto.nameFa,
        nameEn: dto.nameEn,
        parentId: dto.parentId ?? null,
        committeeMember: dto.committeeMember ?? false,
      });
      return organizationView(created);
    });
  }

  /**
   * Each organization followed by its ancestors, for the conflict-of-interest rule. Inside a
   * transaction pass its manager.
   */
  async lineages(ids: readonly string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const found = await this.repository.lineageRows(manager ?? this.db.reader, ids);
    const result = new Map<string, string[]>();
    for (const r of found) result.set(r.start, [...(result.get(r.start) ?? []), r.id]);
    return result;
  }
}
