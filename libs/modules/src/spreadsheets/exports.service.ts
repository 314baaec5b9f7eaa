import { Injectable } from '@nestjs/common';
import { MAX_PAGE_SIZE, formatJalali, toJalali } from '@pelekan/core';
import type { Readable } from 'node:stream';
import { ActionPlansService } from '../action-plans/action-plans.service';
import type { Actor } from '../common/actor';
import { OrganizationsService } from '../identity/organizations.service';
import { LedgerService } from '../ledger/ledger.service';
import { ProjectsService } from '../projects/projects.service';
import { TrancheReadModel } from '../tranches/tranche-read-model';
import type { ActionRow, AgencyRef } from './action-table';
import type { LedgerExportQueryDto, TranchesExportQueryDto } from './dto';
import { actionWorkbook, streamWorkbook } from './workbooks';

/** A Jalali date (ASCII digits, e.g. 1405/09/20) of an instant, or '' for none. */
export const jalaliCell = (d: Date | string | null | undefined): string => (d ? formatJalali(toJalali(new Date(d))) : '');

export const TRANCHE_COLUMNS = [
  'کد طرح / Project',
  'شماره قسط / Tranche',
  'عنوان / Title',
  'وضعیت / State',
  'مبلغ (ریال) / Amount (rials)',
  'پرداخت‌شده (ریال) / Released (rials)',
  'مانده سررسیدشده (ریال) / Undisbursed (rials)',
  'قاعده پرداخت / Release rule',
  'ایجاد / Created',
  'تغییر وضعیت / State changed',
  'پرداخت / Released at',
  'سررسید / Due',
  'در انتظار / Waits on',
  'شناسه / Id',
];

export const LEDGER_COLUMNS = [
  'تاریخ / Date',
  'کد طرح / Project',
  'شماره قسط / Tranche',
  'کلید سند / Business key',
  'مبلغ سند (ریال) / Entry amount (rials)',
  'حساب / Account',
  'دستگاه / Agency',
  'بدهکار (ریال) / Debit (rials)',
  'بستانکار (ریال) / Credit (rials)',
  'شناسه سند / Entry id',
];

/** The XLSX exports: a plan (the action-table format, so it re-imports), the template, the pipeline and the ledger. */
@Injectable()
export class SpreadsheetExportsService {
  constructor(
    private readonly plans: ActionPlansService,
    private readonly projects: ProjectsService,
    private readonly organizations: OrganizationsService,
    private readonly tranches: TrancheReadModel,
    private readonly ledger: LedgerService,
  ) {}

  private async agencies(): Promise<AgencyRef[]> {
    return (await this.organizations.list())
      .filter((o) => !o.committeeMember)
      .map((o) => ({ id: o.id, code: o.code, nameFa: o.nameFa, nameEn: o.nameEn }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** An empty action table with one example row, instructions and every agency's code. */
  async template(): Promise<Buffer> {
    return actionWorkbook([], await this.agencies(), 'Action table template');
  }

  /** The project's plan as an action table: re-imported unchanged it files the same plan (dates to the day). */
  async plan(projectId: string): Promise<{ code: string; bytes: Buffer }> {
    const project = await this.projects.getProject(projectId);
    const plan = await this.plans.getPlan(projectId);
    const rows: ActionRow[] = plan.items.map((item) => ({
      code: item.code,
      titleFa: item.titleFa,
      titleEn: item.titleEn,
      ownerCode: item.ownerAgency.code,
      weight: item.weight,
      start: new Date(item.plannedStart),
      end: new Date(item.plannedEnd),
      budgetRials: item.budgetRials,
      predecessors: plan.links
        .filter((l) => l.to === item.code && l.toProjectId === projectId && l.fromProjectId === projectId)
        .map((l) => l.from),
    }));
    const own = project.agencies.map((a) => ({ id: a.id, code: a.code, nameFa: a.nameFa, nameEn: a.nameEn }));
    const others = (await this.agencies()).filter((a) => !own.some((o) => o.id === a.id));
    return { code: project.code, bytes: await actionWorkbook(rows, [...own, ...others], `${project.code} action plan`) };
  }

  /** The release pipeline with GET /api/tranches's filters, every page, newest first. */
  pipeline(query: TranchesExportQueryDto): Readable {
    return streamWorkbook(async (sheet) => {
      const out = sheet('قسط‌ها - Tranches', TRANCHE_COLUMNS, { rtl: true, widths: [14, 8, 30, 18, 22, 22, 22, 14, 12, 12, 12, 12, 40, 38] });
      const codes = new Map<string, string>();
      let after: string | undefined;
      do {
        const page = await this.tranches.list({ state: query.state, projectId: query.projectId, portfolioId: query.portfolioId, limit: MAX_PAGE_SIZE, after });
        // One query per page for the codes not yet known, not one per project.
        const unknown = [...new Set(page.items.map((t) => t.projectId))].filter((id) => !codes.has(id));
        if (unknown.length > 0) for (const [id, code] of await this.projects.codesOf(unknown)) codes.set(id, code);
        await out.rows(
          page.items.map((t) => [
            codes.get(t.projectId) ?? '',
            t.number,
            t.title ?? '',
            t.state,
            t.amountRials,
            t.releasedRials,
            t.undisbursedRials,
            t.releaseRule.kind,
            jalaliCell(t.createdAt),
            jalaliCell(t.stateChangedAt),
            jalaliCell(t.releasedAt),
            jalaliCell(t.dueAt),
            t.waitsOn.map(waitText).join('; '),
            t.id,
          ]),
        );
        after = page.next ?? undefined;
      } while (after);
    });
  }

  /** Ledger entries with GET /api/ledger/entries's filters (an agency sees its own), one row per posting. */
  entries(actor: Actor, query: LedgerExportQueryDto): Readable {
    return streamWorkbook(async (sheet) => {
      const out = sheet('دفتر - Ledger', LEDGER_COLUMNS, { rtl: true, widths: [12, 14, 8, 36, 22, 10, 14, 22, 22, 38] });
      const orgCode = new Map((await this.organizations.list()).map((o) => [o.id, o.code]));
      let after: string | undefined;
      do {
        const page = await this.ledger.entries(actor, { projectId: query.projectId, organizationId: query.organizationId, limit: MAX_PAGE_SIZE, after });
        await out.rows(
          page.items.flatMap((e) =>
            e.postings.map((p) => [
              jalaliCell(e.createdAt),
              e.projectCode,
              e.trancheNumber,
              e.businessKey,
              e.amountRials,
              p.kind,
              p.organizationId ? (orgCode.get(p.organizationId) ?? p.organizationId) : '',
              p.debitRials,
              p.creditRials,
              e.id,
            ]),
          ),
        );
        after = page.next ?? undefined;
      } while (after);
    });
  }
}

function waitText(w: { kind: string; item?: { code: string; projectCode: string } }): string {
  return w.item ? `${w.kind} ${w.item.projectCode}/${w.item.code}` : w.kind;
}
