import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, Role } from '../common/actor';
import { row, rows } from '../database/database';

export interface NewOrganization {
  code: string;
  nameFa: string;
  nameEn: string;
  committeeMember: boolean;
  synthetic: boolean;
}

export interface NewPortfolio {
  code: string;
  nameFa: string;
  nameEn: string;
  approvedByFa: string | null;
  approvedOnJalali: string | null;
  noteEn: string | null;
  synthetic: boolean;
  source: Record<string, unknown>;
}

export interface NewProject {
  portfolioId: string;
  code: string;
  nameFa: string;
  nameEn: string;
  leadAgencyId: string | null;
  budgetRials: bigint | null;
  confidential: boolean;
  synthetic: boolean;
  reported: Record<string, unknown> | null;
  repeats: Record<string, unknown> | null;
  collaboratorsNoteEn: string | null;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  organizationId: string | null;
  displayName: string;
  agencyHead: boolean;
}

/** The writes and reads of loading demo data: organizations, the report's portfolios and projects, users. */
@Injectable()
export class DemoDataRepository {
  /** Serializes loads running at once (held until the transaction ends). */
  async lockLoading(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pelekan-demo-data']);
  }

  async insertOrganization(tx: EntityManager, org: NewOrganization): Promise<void> {
    await tx.query(
      `INSERT INTO organizations (code, name_fa, name_en, committee_member, synthetic)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING`,
      [org.code, org.nameFa, org.nameEn, org.committeeMember, org.synthetic],
    );
  }

  /** Every organization's id by its English name. */
  async organizationIdsByNameEn(tx: EntityManager): Promise<Map<string, string>> {
    const found = await rows<{ id: string; nameEn: string }>(tx, 'SELECT id, name_en AS "nameEn" FROM organizations');
    return new Map(found.map((r) => [r.nameEn, r.id]));
  }

  async organizationIdByCode(m: EntityManager, code: string): Promise<string | null> {
    return (await row<{ id: string }>(m, 'SELECT id FROM organizations WHERE code = $1', [code]))?.id ?? null;
  }

  /** Places the organization under `parentId` unless it has a parent already. */
  async setParentIfUnset(tx: EntityManager, organizationId: string | null, parentId: string | null): Promise<void> {
    await tx.query('UPDATE organizations SET parent_id = $1 WHERE id = $2 AND parent_id IS NULL', [parentId, organizationId]);
  }

  /** Inserts the portfolio; null when one with its code exists (nothing written). */
  async insertPortfolio(tx: EntityManager, portfolio: NewPortfolio): Promise<string | null> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO portfolios (code, name_fa, name_en, approved_by_fa, approved_on_jalali, note_en, synthetic, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING id`,
      [
        portfolio.code,
        portfolio.nameFa,
        portfolio.nameEn,
        portfolio.approvedByFa,
        portfolio.approvedOnJalali,
        portfolio.noteEn,
        portfolio.synthetic,
        portfolio.source,
      ],
    );
    return inserted?.id ?? null;
  }

  async insertProject(tx: EntityManager, project: NewProject): Promise<string> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id, budget_rials, confidential, synthetic,
                             reported, repeats, collaborators_note_en)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        project.portfolioId,
        project.code,
        project.nameFa,
        project.nameEn,
        project.leadAgencyId,
        project.budgetRials === null ? null : project.budgetRials.toString(),
        project.confidential,
        project.synthetic,
        project.reported,
        project.repeats,
        project.collaboratorsNoteEn,
      ],
    );
    return inserted!.id;
  }

  async insertProjectAgency(
    tx: EntityManager,
    agency: { projectId: string; organizationId: string | null; role: 'lead' | 'co_lead'; noteEn: string | null },
  ): Promise<void> {
    await tx.query('INSERT INTO project_agencies (project_id, organization_id, role, note_en) VALUES ($1, $2, $3, $4)', [
      agency.projectId,
      agency.organizationId,
      agency.role,
      agency.noteEn,
    ]);
  }

  async projectId(m: EntityManager, portfolioCode: string, projectCode: string): Promise<string | null> {
    const found = await row<{ id: string }>(
      m,
      'SELECT pr.id FROM projects pr JOIN portfolios p ON p.id = pr.portfolio_id WHERE p.code = $1 AND pr.code = $2',
      [portfolioCode, projectCode],
    );
    return found?.id ?? null;
  }

  async usernames(tx: EntityManager): Promise<Set<string>> {
    return new Set((await rows<{ username: string }>(tx, 'SELECT username FROM users')).map((u) => u.username));
  }

  async insertUser(tx: EntityManager, user: NewUser): Promise<void> {
    await tx.query(
      // Every demo user has an address on the reserved .example domain (RFC 2606), so npm start produces mails (.eml files).
      `INSERT INTO users (username, password_hash, role, organization_id, display_name, agency_head, email)
       VALUES ($1, $2, $3, $4, $5, $6, $1 || '@pelekan.example')`,
      [user.username, user.passwordHash, user.role, user.organizationId, user.displayName, user.agencyHead],
    );
  }

  /** The user as the services see a caller. */
  async actor(m: EntityManager, username: string): Promise<Actor | null> {
    return row<Actor>(
      m,
      'SELECT id AS "userId", username, role, organization_id AS "organizationId" FROM users WHERE username = $1',
      [username],
    );
  }
}
