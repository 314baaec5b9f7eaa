import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { tehranMidnight } from '@pelekan/core';
import { PlanFilingService } from '../action-plans/plan-filing.service';
import type { Actor } from '../common/actor';
import { Database } from '../database/database';
import { hashPassword } from '../identity/password';
import { TrancheCreation } from '../tranches/tranche-creation.service';
import { DemoDataRepository } from './demo-data.repository';
import {
  DEMO_AGENCY,
  DEMO_AGENCY_CODE,
  DEMO_ITEMS,
  DEMO_LINKS,
  DEMO_PASSWORD,
  DEMO_PORTFOLIO,
  DEMO_PORTFOLIO_CODE,
  DEMO_PROJECT,
  DEMO_PROJECT_CODE,
  DEMO_USERS,
  type DemoUser,
} from './demo-fixtures';
import {
  COMMITTEE_MEMBERS_EN,
  organizationCode,
  PARENT_OF_EN,
  REPORT_SOURCE,
  reportOrganizations,
  reportPortfolios,
  splitRole,
} from './report-data';

export interface DemoSummary {
  password: string;
  users: DemoUser[];
  demoProjectId: string;
}

@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly db: Database,
    private readonly repository: DemoDataRepository,
    private readonly plans: PlanFilingService,
    private readonly tranches: TrancheCreation,
  ) {}

  /** Loads everything that is missing; running it again changes nothing. */
  async load(): Promise<DemoSummary> {
    await this.db.transaction(async (tx) => {
      await this.repository.lockLoading(tx);
      const orgIds = await this.loadOrganizations(tx);
      await this.loadReportPortfolios(tx, orgIds);
      await this.loadUsers(tx, orgIds);
    });
    const demoProjectId = await this.loadDemoProject();
    return { password: DEMO_PASSWORD, users: DEMO_USERS, demoProjectId };
  }

  private async loadOrganizations(tx: EntityManager): Promise<Map<string, string>> {
    const organizations = [
      ...reportOrganizations().map((o) => ({ ...o, code: organizationCode(o.nameEn), synthetic: false })),
      { ...DEMO_AGENCY, code: DEMO_AGENCY_CODE, synthetic: true },
    ];
    for (const org of organizations) {
      await this.repository.insertOrganization(tx, { ...org, committeeMember: COMMITTEE_MEMBERS_EN.includes(org.nameEn) });
    }
    const ids = await this.repository.organizationIdsByNameEn(tx);
    for (const [child, parent] of Object.entries(PARENT_OF_EN)) {
      await this.repository.setParentIfUnset(tx, ids.get(child) ?? null, ids.get(parent) ?? null);
    }
    return ids;
  }

  private async loadReportPortfolios(tx: EntityManager, orgIds: Map<string, string>): Promise<void> {
    for (const portfolio of reportPortfolios) {
      const { code, name_fa, name_en, approved_by_fa, approved_on_jalali, note, projects, ...facts } = portfolio;
      const portfolioId = await this.repository.insertPortfolio(tx, {
        code,
        nameFa: name_fa,
        nameEn: name_en,
        approvedByFa: approved_by_fa,
        approvedOnJalali: approved_on_jalali,
        noteEn: note ?? null,
        synthetic: false,
        source: { ...facts, source: REPORT_SOURCE },
      });
      if (portfolioId === null) continue;
      for (const project of projects) {
        const agencies = project.lead_agencies_en.map((en) => splitRole(en));
        const projectId = await this.repository.insertProject(tx, {
          portfolioId,
          code: project.code,
          nameFa: project.name_fa,
          nameEn: project.name_en,
          leadAgencyId: agencies[0] ? orgIds.get(agencies[0].name)! : null,
          budgetRials: null,
          confidential: project.confidential ?? false,
          synthetic: false,
          reported:
            'actual_progress_pct' in project
              ? {
                  actualProgressPct: project.actual_progress_pct ?? null,
                  budgetNeed: project.budget_need ?? null,
                  serviceCoveragePct: project.service_coverage_pct ?? null,
                  source: `self-declared by the agency, as quoted in the ${REPORT_SOURCE}`,
                }
              : null,
          repeats: project.repeats
            ? {
                portfolioCode: project.repeats.portfolio,
                projectCode: project.repeats.project,
                elsewhereEn: project.repeats.elsewhere_en,
                noteEn: project.repeats.note_en,
              }
            : null,
          collaboratorsNoteEn: project.collaborating_note_en ?? null,
        });
        for (const [i, agency] of agencies.entries()) {
          await this.repository.insertProjectAgency(tx, {
            projectId,
            organizationId: orgIds.get(agency.name) ?? null,
            role: i === 0 ? 'lead' : 'co_lead',
            noteEn: agency.role,
          });
        }
      }
    }
  }

  private async loadUsers(tx: EntityManager, orgIds: Map<string, string>): Promise<void> {
    const existing = await this.repository.usernames(tx);
    for (const user of DEMO_USERS.filter((u) => !existing.has(u.username))) {
      await this.repository.insertUser(tx, {
        username: user.username,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        role: user.role,
        organizationId: user.organizationEn ? (orgIds.get(user.organizationEn) ?? null) : null,
        displayName: user.displayName,
        agencyHead: user.agencyHead ?? false,
      });
    }
  }

  /** The synthetic worked example, created through the same services the API uses. */
  private async loadDemoProject(): Promise<string> {
    const existing = await this.repository.projectId(this.db.reader, DEMO_PORTFOLIO_CODE, DEMO_PROJECT_CODE);
    if (existing) return existing;

    const projectId = await this.db.transaction(async (tx) => {
      const portfolioId = await this.repository.insertPortfolio(tx, {
        ...DEMO_PORTFOLIO,
        approvedByFa: null,
        approvedOnJalali: null,
        synthetic: true,
        source: { source: 'synthetic' },
      });
      if (!portfolioId) throw new Error(`portfolio ${DEMO_PORTFOLIO_CODE} exists without project ${DEMO_PROJECT_CODE}`);
      const agencyId = await this.repository.organizationIdByCode(tx, DEMO_AGENCY_CODE);
      const id = await this.repository.insertProject(tx, {
        ...DEMO_PROJECT,
        portfolioId,
        leadAgencyId: agencyId,
        budgetRials: DEMO_ITEMS.reduce((sum, i) => sum + i.budget, 0n),
        confidential: false,
        synthetic: true,
        reported: null,
        repeats: null,
        collaboratorsNoteEn: null,
      });
      await this.repository.insertProjectAgency(tx, { projectId: id, organizationId: agencyId, role: 'lead', noteEn: null });
      return id;
    });

    const plan = await this.plans.replacePlan(await this.actor('admin'), projectId, {
      items: DEMO_ITEMS.map((i) => ({
        code: i.code,
        titleFa: i.titleFa,
        titleEn: i.titleEn,
        weight: i.weight,
        plannedStart: tehranMidnight({ year: i.from[0], month: i.from[1], day: i.from[2] }).toISOString(),
        plannedEnd: tehranMidnight({ year: i.to[0], month: i.to[1], day: i.to[2] }).toISOString(),
        budgetRials: i.budget.toString(),
      })),
      links: DEMO_LINKS,
    });
    const idOf = (code: string) => plan.items.find((i) => i.code === code)!.id;
    const officer = await this.actor('pbo.officer1');
    await this.tranches.create(officer, projectId, { fundedItemIds: [idOf('1'), idOf('2')], title: 'Tranche 1: items 1 and 2' });
    await this.tranches.create(officer, projectId, { fundedItemIds: [idOf('3'), idOf('4')], title: 'Tranche 2: items 3 and 4' });
    this.logger.log(`demo project ${DEMO_PROJECT_CODE} loaded with two tranches`);
    return projectId;
  }

  /** A demo user as a caller of the services, acting for the loader. */
  private async actor(username: string): Promise<Actor> {
    const actor = await this.repository.actor(this.db.reader, username);
    if (!actor) throw new Error(`demo user ${username} is missing`);
    return actor;
  }
}
