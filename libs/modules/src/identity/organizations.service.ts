import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { CreateOrganizationDto } from './dto';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationsService {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  list(): Promise<Organization[]> {
    return this.organizations.find({ order: { nameEn: 'ASC' } });
  }

  async get(id: string): Promise<Organization> {
    const org = await this.organizations.findOneBy({ id });
    if (!org) throw new NotFound('organization', id);
    return org;
  }

  async create(dto: CreateOrganizationDto): Promise<Organization> {
    if (dto.parentId && !(await this.organizations.existsBy({ id: dto.parentId }))) {
      throw InvalidInput.field('parentId', `organization ${dto.parentId} does not exist`);
    }
    if (await this.organizations.existsBy({ code: dto.code })) {
      throw new Conflict(`an organization with code ${dto.code} already exists`, 'duplicate_code');
    }
    return this.organizations.save(
      this.organizations.create({
        code: dto.code,
        nameFa: dto.nameFa,
        nameEn: dto.nameEn,
        parentId: dto.parentId ?? null,
        committeeMember: dto.committeeMember ?? false,
        synthetic: false,
      }),
    );
  }

  /** Each organization followed by its ancestors, for the conflict-of-interest rule. */
  async lineages(ids: readonly string[], manager: EntityManager = this.organizations.manager): Promise<Map<string, string[]>> {
    const rows: Array<{ start: string; id: string; depth: number }> = await manager.query(
      `WITH RECURSIVE up(start, id, parent_id, depth) AS (
         SELECT o.id, o.id, o.parent_id, 0 FROM organizations o WHERE o.id = ANY($1::uuid[])
         UNION ALL
         SELECT up.start, p.id, p.parent_id, up.depth + 1 FROM organizations p JOIN up ON p.id = up.parent_id
         WHERE up.depth < 32
       )
       SELECT start, id, depth FROM up ORDER BY start, depth`,
      [ids],
    );
    const result = new Map<string, string[]>();
    for (const row of rows) result.set(row.start, [...(result.get(row.start) ?? []), row.id]);
    return result;
  }
}
