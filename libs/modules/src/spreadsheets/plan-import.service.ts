import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ActionPlanDto, ProposePlanRevisionDto } from '../action-plans/dto';
import { PlanChecks } from '../action-plans/plan-checks.service';
import { PlanFilingService } from '../action-plans/plan-filing.service';
import type { ActionPlanView } from '../action-plans/plan-views.dto';
import type { PlanRevisionView } from '../action-plans/revision-views.dto';
import { RevisionProposalsService } from '../action-plans/revision-proposals.service';
import type { Actor } from '../common/actor';
import { type FieldProblem, InvalidInput, UnsupportedMediaType } from '../common/errors';
import { fieldProblems } from '../common/field-problems';
import { Database } from '../database/database';
import { OrganizationsService } from '../identity/organizations.service';
import { ProjectsService } from '../projects/projects.service';
import { ACTION_COLUMNS, type ActionColumnKey, findActionSheet, readActionSheet, type ReadPlan, type RawSheet } from './action-table';
import { reasonInPersian } from './reasons-fa';
import { readCsv, readXlsx } from './workbooks';

/** An uploaded file, read whole (it is small: at most IMPORT_MAX_BYTES). */
export interface UploadedSheetFile {
  bytes: Buffer;
  filename: string;
  mimetype: string;
}

export interface ImportFields {
  as?: string;
  reason?: string;
}

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

const FIELD_COLUMN = new Map<string, ActionColumnKey>(ACTION_COLUMNS.map((c) => [c.field, c.key]));

/**
 * An action table uploaded as XLSX or CSV, filed as the project's plan or proposed as a revision. The
 * file becomes exactly the request PUT /api/projects/:id/action-plan or POST
 * /api/projects/:id/plan-revisions takes; it is checked by the same DTO and the same core rules, and
 * filed by the same services (so the same people may do it, in the same transaction). Every problem
 * is answered at once (400), each on its sheet, row and column, in English and Persian; nothing is
 * saved until the file is clean.
 */
@Injectable()
export class PlanImportService {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectsService,
    private readonly organizations: OrganizationsService,
    private readonly checks: PlanChecks,
    private readonly filing: PlanFilingService,
    private readonly proposals: RevisionProposalsService,
  ) {}

  async import(actor: Actor, projectId: string, file: UploadedSheetFile | null, fields: ImportFields): Promise<ActionPlanView | PlanRevisionView> {
    await this.projects.requireProject(projectId);
    await this.projects.assertLeadAgencyOrAdmin(actor, projectId);
    const as = fields.as ?? 'plan';
    if (as !== 'plan' && as !== 'revision') throw bilingual('as', 'must be "plan" or "revision"', 'باید plan (برنامه) یا revision (بازنگری) باشد');
    if (!file || file.bytes.length === 0) throw bilingual('file', 'send the action table as an XLSX or CSV file in a field named "file"', 'جدول اقدامات را به صورت پرونده XLSX یا CSV بفرستید');

    const sheets = await readSheets(file);
    const sheet = findActionSheet(sheets);
    if (!sheet) throw bilingual('file', 'no sheet of the file holds an action table (its header row was not found)', 'هیچ برگه‌ای از پرونده جدول اقدامات ندارد (ردیف عنوان ستون‌ها پیدا نشد)');
    const agencies = (await this.organizations.list()).map((o) => ({ id: o.id, code: o.code, nameFa: o.nameFa, nameEn: o.nameEn }));
    const read = readActionSheet(sheet, agencies);
    const cellProblems: FieldProblem[] = read.problems;
    if (read.items.length === 0) throw new InvalidInput(cellProblems);

    // The same request the JSON endpoints take, validated by the same DTO.
    const body = as === 'revision' ? { items: read.items, links: read.links, reason: fields.reason ?? '' } : { items: read.items, links: read.links };
    const dto = plainToInstance(as === 'revision' ? ProposePlanRevisionDto : ActionPlanDto, body);
    const dtoProblems = fieldProblems(await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
    const flagged = new Set([...cellProblems, ...dtoProblems].map((p) => p.field));
    const early = [...cellProblems, ...dtoProblems.filter((p) => !cellProblems.some((c) => c.field === p.field)).map((p) => this.locate(read, p))];

    if (early.length > 0) {
      // Also what the plan rules say about the rest of the table, so one upload lists every problem.
      const rules = await this.db.transaction(async (tx) => {
        const project = await this.projects.requireProject(projectId, tx);
        return this.checks.assertValid(tx, project, neutral(read, flagged)).then(
          () => [] as FieldProblem[],
          (error: unknown) => (error instanceof InvalidInput ? error.problems : []),
        );
      });
      const sumsFlagged = [...flagged].some((f) => /\.(weight|budgetRials)$/.test(f));
      const more = rules.filter((p) => !flagged.has(p.field) && !(p.field === 'items' && sumsFlagged));
      throw new InvalidInput([...early, ...more.map((p) => this.locate(read, p))]);
    }

    try {
      return as === 'revision' ? await this.proposals.propose(actor, projectId, dto as ProposePlanRevisionDto) : await this.filing.replacePlan(actor, projectId, dto);
    } catch (error) {
      if (error instanceof InvalidInput) throw new InvalidInput(error.problems.map((p) => this.locate(read, p)), undefined, error.details);
      throw error;
    }
  }

  /** A problem of the request, placed on the cell its value came from, with its Persian reason. */
  private locate(read: ReadPlan, p: FieldProblem): FieldProblem {
    const reasonFa = p.reasonFa ?? reasonInPersian(p.reason);
    const item = /^items\[(\d+)\](?:\.(\w+))?$/.exec(p.field);
    if (item) {
      const key = item[2] ? FIELD_COLUMN.get(item[2]) : undefined;
      return { ...p, sheet: read.sheet, row: read.itemRows[Number(item[1])] ?? null, column: key ? (read.columns[key] ?? null) : null, reasonFa };
    }
    const link = /^links\[(\d+)\]/.exec(p.field);
    if (link) return { ...p, sheet: read.sheet, row: read.linkRows[Number(link[1])] ?? null, column: read.columns.predecessors ?? null, reasonFa };
    if (p.field === 'links') return { ...p, sheet: read.sheet, row: null, column: read.columns.predecessors ?? null, reasonFa };
    if (p.field === 'items') {
      const key: ActionColumnKey | null = /weight/.test(p.reason) ? 'weight' : /budget/.test(p.reason) ? 'budget' : null;
      return { ...p, sheet: read.sheet, row: null, column: key ? (read.columns[key] ?? null) : null, reasonFa };
    }
    return { ...p, row: null, column: null, reasonFa };
  }
}

/**
 * The table with a harmless value in each cell already refused (a weight of 1, no budget, dates one
 * after the other), so the plan rules can judge the rest; their findings on those cells are dropped.
 */
function neutral(read: ReadPlan, flagged: ReadonlySet<string>): ReadPlan {
  const bad = (i: number, field: string) => flagged.has(`items[${i}].${field}`);
  return {
    ...read,
    items: read.items.map((item, i) => ({
      ...item,
      weight: bad(i, 'weight') ? 1 : item.weight,
      budgetRials: bad(i, 'budgetRials') ? '0' : item.budgetRials,
      ...(bad(i, 'plannedStart') || bad(i, 'plannedEnd') ? { plannedStart: new Date(0).toISOString(), plannedEnd: new Date(1).toISOString() } : {}),
    })),
  };
}

function bilingual(field: string, reason: string, reasonFa: string): InvalidInput {
  return new InvalidInput([{ field, reason, reasonFa, row: null, column: null }]);
}

/** The file's sheets: XLSX by its ZIP signature, otherwise UTF-8 CSV text; anything else is refused. */
async function readSheets(file: UploadedSheetFile): Promise<RawSheet[]> {
  const zip = file.bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (zip) {
    const sheets = await readXlsx(file.bytes);
    if (!sheets) throw bilingual('file', 'the file could not be read as an XLSX workbook', 'پرونده به صورت کارپوشه XLSX خوانده نشد');
    return sheets;
  }
  if (/\.xlsx?$/i.test(file.filename) && !/\.csv$/i.test(file.filename)) {
    throw bilingual('file', 'the file could not be read as an XLSX workbook (an old .xls? save it as .xlsx)', 'پرونده به صورت XLSX خوانده نشد (اگر xls قدیمی است آن را xlsx ذخیره کنید)');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    throw new UnsupportedMediaType('send an XLSX workbook or a UTF-8 CSV file');
  }
  if (text.includes('\u0000')) throw new UnsupportedMediaType('send an XLSX workbook or a UTF-8 CSV file');
  return [readCsv(text, file.filename.replace(/\.csv$/i, '') || 'CSV')];
}
