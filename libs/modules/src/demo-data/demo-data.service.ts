import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { tehranMidnight } from '@pelekan/core';
import { PlanFilingService } from '../action-plans/plan-filing.service';
import type { Actor, Role } from '../common/actor';
import { hashPassword } from '../identity/password';
import { TranchesService } from '../tranches/tranches.service';
import {
  COMMITTEE_MEMBERS_EN,
  organizationCode,
  PARENT_OF_EN,
  REPORT_SOURCE,
  reportOrganizations,
  reportPortfolios,
  splitRole,
} from './report-data';

/** The password of every demo user. Demo data is for a local try-out, never for production. */
export const DEMO_PASSWORD = 'pelekan-demo';

export const DEMO_AGENCY_CODE = 'demo-agency';
export const DEMO_PORTFOLIO_CODE = 'DEMO';
export const DEMO_PROJECT_CODE = 'DEMO-1';

export interface DemoUser {
  username: string;
  role: Role;
  organizationEn: string | null;
  displayName: string;
  /** An agency's head: the second rung of the escalation ladder. */
  agencyHead?: boolean;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', role: 'admin', organizationEn: null, displayName: 'Administrator' },
  // A second administrator: granting a PBO, committee or admin role needs two.
  { username: 'admin2', role: 'admin', organizationEn: null, displayName: 'Second administrator' },
  { username: 'pbo.officer1', role: 'pbo', organizationEn: 'Plan and Budget Organization', displayName: 'PBO officer 1' },
  { username: 'pbo.officer2', role: 'pbo', organizationEn: 'Plan and Budget Organization', displayName: 'PBO officer 2' },
  { username: 'agency.demo', role: 'agency', organizationEn: 'Demo implementing agency (synthetic)', displayName: 'Demo agency focal point' },
  {
    username: 'agency.demo.head',
    role: 'agency',
    organizationEn: 'Demo implementing agency (synthetic)',
    displayName: 'Head of the demo agency',
    agencyHead: true,
  },
  {
    username: 'committee.arao',
    role: 'committee',
    organizationEn: 'Administrative and Recruitment Affairs Organization',
    displayName: 'Committee member (ARAO)',
  },
  { username: 'committee.mict', role: 'committee', organizationEn: 'Ministry of ICT', displayName: 'Committee member (Ministry of ICT)' },
];

/**
 * The worked example of section 5-4 as a synthetic project: items 1→3 and 2→4; tranche 1 funds
 * 1 and 2, tranche 2 funds 3 and 4 and opens only when 1 and 2 are 100% verified. Amounts and dates
 * are invented for the demo and labelled so.
 */
const DEMO_ITEMS = [
  { code: '1', titleFa: 'نیازسنجی و طراحی سامانه', titleEn: 'Requirements and system design', weight: 20, budget: 20_000_000_000n, from: [1404, 1, 1], to: [1404, 3, 31] },
  { code: '2', titleFa: 'راه‌اندازی زیرساخت و مرکز داده', titleEn: 'Infrastructure and data-centre set-up', weight: 30, budget: 30_000_000_000n, from: [1404, 1, 1], to: [1404, 4, 31] },
  { code: '3', titleFa: 'توسعه و پیاده‌سازی سامانه', titleEn: 'System development', weight: 25, budget: 25_000_000_000n, from: [1404, 4, 1], to: [1404, 9, 30] },
  { code: '4', titleFa: 'استقرار و آموزش کاربران', titleEn: 'Roll-out and user training', weight: 25, budget: 25_000_000_000n, from: [1404, 5, 1], to: [1404, 12, 29] },
] as const;

export interface DemoSummary {
  password: string;
  users: DemoUser[];
  demoProjectId: string;
}

@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly plans: PlanFilingService,
    private readonly tranches: TranchesService,
  ) {}

  /** Loads everything that is missing; running it again changes nothing. */
  async load(): Promise<DemoSummary> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pelekan-demo-data']);
      const orgIds = await this.loadOrganizations(tx);
      await this.loadReportPortfolios(tx, orgIds);
      await this.loadUsers(tx, orgIds);
    });
    const demoProjectId = await this.loadDemoProject();
    return { password: DEMO_PASSWORD, users: DEMO_USERS, demoProjectId };
  }

  private async loadOrganizations(tx: EntityManager): Promise<Map<string, string>> {
    const organizations = [
      ...reportOrganizations().map((o) => ({ ...o, synthetic: false })),
      { nameEn: 'Demo implementing agency (synthetic)', nameFa: 'دستگاه اجرایی نمونه (داده آزمایشی)', synthetic: true },
    ];
    for (const org of organizations) {
      await tx.query(
        `INSERT INTO organizations (code, name_fa, name_en, committee_member, synthetic)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING`,
        [
          org.synthetic ? DEMO_AGENCY_CODE : organizationCode(org.nameEn),
          org.nameFa,
          org.nameEn,
          COMMITTEE_MEMBERS_EN.includes(org.nameEn),
          org.synthetic,
        ],
      );
    }
    const rows: Array<{ id: string; name_en: string }> = await tx.query('SELECT id, name_en FROM organizations');
    const ids = new Map(rows.map((r) => [r.name_en, r.id]));
    for (const [child, parent] of Object.entries(PARENT_OF_EN)) {
      await tx.query('UPDATE organizations SET parent_id = $1 WHERE id = $2 AND parent_id IS NULL', [ids.get(parent), ids.get(child)]);
    }
    return ids;
  }

  private async loadReportPortfolios(tx: EntityManager, orgIds: Map<string, string>): Promise<void> {
    for (const portfolio of reportPortfolios) {
      const { code, name_fa, name_en, approved_by_fa, approved_on_jalali, note, projects, ...facts } = portfolio;
      const inserted = await tx.query(
        `INSERT INTO portfolios (code, name_fa, name_en, approved_by_fa, approved_on_jalali, note_en, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING id`,
        [code, name_fa, name_en, approved_by_fa, approved_on_jalali, note ?? null, { ...facts, source: REPORT_SOURCE }],
      );
      if (inserted.length === 0) continue;
      const portfolioId = inserted[0].id;
      for (const project of projects) {
        const agencies = project.lead_agencies_en.map((en) => splitRole(en));
        const leadId = agencies[0] ? orgIds.get(agencies[0].name)! : null;
        const reported =
          'actual_progress_pct' in project
            ? {
                actualProgressPct: project.actual_progress_pct ?? null,
                budgetNeed: project.budget_need ?? null,
                serviceCoveragePct: project.service_coverage_pct ?? null,
                source: `self-declared by the agency, as quoted in the ${REPORT_SOURCE}`,
              }
            : null;
        const repeats = project.repeats
          ? {
              portfolioCode: project.repeats.portfolio,
              projectCode: project.repeats.project,
              elsewhereEn: project.repeats.elsewhere_en,
              noteEn: project.repeats.note_en,
            }
          : null;
        const [{ id: projectId }] = await tx.query(
          `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id, confidential, reported, repeats,
                                 collaborators_note_en)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [
            portfolioId,
            project.code,
            project.name_fa,
            project.name_en,
            leadId,
            project.confidential ?? false,
            reported,
            repeats,
            project.collaborating_note_en ?? null,
          ],
        );
        for (const [i, agency] of agencies.entries()) {
          await tx.query(
            `INSERT INTO project_agencies (project_id, organization_id, role, note_en) VALUES ($1, $2, $3, $4)`,
            [projectId, orgIds.get(agency.name), i === 0 ? 'lead' : 'co_lead', agency.role],
          );
        }
      }
    }
  }

  private async loadUsers(tx: EntityManager, orgIds: Map<string, string>): Promise<void> {
    const existing: Array<{ username: string }> = await tx.query('SELECT username FROM users');
    for (const user of DEMO_USERS.filter((u) => !existing.some((e) => e.username === u.username))) {
      await tx.query(
        `INSERT INTO users (username, password_hash, role, organization_id, display_name, agency_head) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          user.username,
          await hashPassword(DEMO_PASSWORD),
          user.role,
          user.organizationEn ? orgIds.get(user.organizationEn) : null,
          user.displayName,
          user.agencyHead ?? false,
        ],
      );
    }
  }

  /** The synthetic worked example, created through the same services the API uses. */
  private async loadDemoProject(): Promise<string> {
    const [existing] = await this.db.query(
      `SELECT pr.id FROM projects pr JOIN portfolios p ON p.id = pr.portfolio_id WHERE p.code = $1 AND pr.code = $2`,
      [DEMO_PORTFOLIO_CODE, DEMO_PROJECT_CODE],
    );
    if (existing) return existing.id;

    const projectId = await this.db.transaction(async (tx) => {
      const [{ id: portfolioId }] = await tx.query(
        `INSERT INTO portfolios (code, name_fa, name_en, note_en, synthetic, source)
         VALUES ($1, $2, $3, $4, true, $5) RETURNING id`,
        [
          DEMO_PORTFOLIO_CODE,
          'نمونه آزمایشی: مثال زنجیره اقدامات گزارش',
          "Synthetic demo: the report's action-chain example",
          'Synthetic data for trying Pelekan out; not from the report. The action chain is the worked example of section 5-4.',
          { source: 'synthetic' },
        ],
      );
      const [agency] = await tx.query('SELECT id FROM organizations WHERE code = $1', [DEMO_AGENCY_CODE]);
      const [{ id }] = await tx.query(
        `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id, budget_rials, synthetic)
         VALUES ($1, $2, $3, $4, $5, $6, true) RETURNING id`,
        [
          portfolioId,
          DEMO_PROJECT_CODE,
          'مثال زنجیره اقدامات (داده آزمایشی)',
          'Action-chain worked example (synthetic)',
          agency.id,
          DEMO_ITEMS.reduce((sum, i) => sum + i.budget, 0n).toString(),
        ],
      );
      await tx.query(`INSERT INTO project_agencies (project_id, organization_id, role) VALUES ($1, $2, 'lead')`, [id, agency.id]);
      return id as string;
    });

    const system = async (username: string): Promise<Actor> => {
      const [u] = await this.db.query('SELECT id, username, role, organization_id FROM users WHERE username = $1', [username]);
      return { userId: u.id, username: u.username, role: u.role, organizationId: u.organization_id };
    };
    const plan = await this.plans.replacePlan(await system('admin'), projectId, {
      items: DEMO_ITEMS.map((i) => ({
        code: i.code,
        titleFa: i.titleFa,
        titleEn: i.titleEn,
        weight: i.weight,
        plannedStart: tehranMidnight({ year: i.from[0], month: i.from[1], day: i.from[2] }).toISOString(),
        plannedEnd: tehranMidnight({ year: i.to[0], month: i.to[1], day: i.to[2] }).toISOString(),
        budgetRials: i.budget.toString(),
      })),
      links: [
        { from: '1', to: '3' },
        { from: '2', to: '4' },
      ],
    });
    const idOf = (code: string) => plan.items.find((i) => i.code === code)!.id;
    const officer = await system('pbo.officer1');
    await this.tranches.create(officer, projectId, { fundedItemIds: [idOf('1'), idOf('2')], title: 'Tranche 1: items 1 and 2' });
    await this.tranches.create(officer, projectId, { fundedItemIds: [idOf('3'), idOf('4')], title: 'Tranche 2: items 3 and 4' });
    this.logger.log(`demo project ${DEMO_PROJECT_CODE} loaded with two tranches`);
    return projectId;
  }
}
