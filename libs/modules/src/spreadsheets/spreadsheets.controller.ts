import { Controller, Get, Header, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import '@fastify/multipart'; // adds request.parts() to Fastify's types
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ActionPlanView } from '../action-plans/plan-views.dto';
import { PlanRevisionView } from '../action-plans/revision-views.dto';
import type { Actor } from '../common/actor';
import { InvalidInput } from '../common/errors';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { LedgerExportQueryDto, TranchesExportQueryDto } from './dto';
import { SpreadsheetExportsService } from './exports.service';
import { IMPORT_MAX_BYTES, type ImportFields, PlanImportService, type UploadedSheetFile } from './plan-import.service';
import { XLSX_TYPE } from './workbooks';

const XLSX_ANSWER = { description: 'An XLSX workbook', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } };

function attachment(reply: FastifyReply, filename: string): void {
  reply.header('content-type', XLSX_TYPE);
  reply.header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  reply.header('x-content-type-options', 'nosniff');
}

const today = () => new Date().toISOString().slice(0, 10);

@ApiTags('spreadsheets')
@ApiBearerAuth()
@ApiExtraModels(ActionPlanView, PlanRevisionView)
@Controller()
export class SpreadsheetsController {
  constructor(
    private readonly imports: PlanImportService,
    private readonly exports: SpreadsheetExportsService,
  ) {}

  @Get('action-plans/template.xlsx')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The action-table template (XLSX): Persian and English headers, instructions, and every agency with its code' })
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_ANSWER)
  async template(@Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const bytes = await this.exports.template();
    attachment(reply, 'pelekan-action-table.xlsx');
    return new StreamableFile(bytes);
  }

  @Get('projects/:id/action-plan.xlsx')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The project's action plan as an action table (the template's format: it re-imports)" })
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_ANSWER)
  async plan(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const { code, bytes } = await this.exports.plan(id);
    attachment(reply, `${code}-action-plan.xlsx`);
    return new StreamableFile(bytes);
  }

  @Roles('agency', 'admin')
  @Post('projects/:id/action-plan/import')
  @ApiOperation({
    summary: 'File an action table (XLSX or CSV) as the plan or propose it as a revision',
    description:
      'The file becomes the request PUT /api/projects/{id}/action-plan (as=plan) or POST /api/projects/{id}/plan-revisions (as=revision, with reason) ' +
      'takes, checked by the same rules and filed by the same services; the answer is theirs. A refusal (400) lists every problem at once, each with ' +
      'its sheet, row and column and its reason in English and Persian (reasonFa); nothing is saved until the file is clean.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The action table: XLSX, or CSV in UTF-8' },
        as: { type: 'string', enum: ['plan', 'revision'], default: 'plan' },
        reason: { type: 'string', description: 'Why the plan changes (as=revision)' },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'as=plan: the plan as filed (ActionPlanView); as=revision: the proposed revision (PlanRevisionView)',
    schema: { anyOf: [{ $ref: getSchemaPath(ActionPlanView) }, { $ref: getSchemaPath(PlanRevisionView) }] },
  })
  async import(@CurrentActor() actor: Actor, @IdParam() id: string, @Req() request: FastifyRequest): Promise<ActionPlanView | PlanRevisionView> {
    if (!request.isMultipart()) throw InvalidInput.field('file', 'send the file as multipart/form-data in a field named "file" (with "as" and, for a revision, "reason")');
    let file: UploadedSheetFile | null = null;
    const fields: ImportFields = {};
    for await (const part of request.parts({ limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 4, parts: 6, fieldSize: 8192 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw InvalidInput.field(part.fieldname, 'is not a known field; send the table in "file"');
        file = { bytes: await part.toBuffer(), filename: part.filename ?? '', mimetype: part.mimetype };
      } else if (part.fieldname === 'as' || part.fieldname === 'reason') {
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : '';
      } else {
        throw InvalidInput.field(part.fieldname, 'is not a known field');
      }
    }
    return this.imports.import(actor, id, file, fields);
  }

  @Get('tranches.xlsx')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The release pipeline as XLSX, with the filters of GET /api/tranches (every page; streamed)' })
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_ANSWER)
  pipeline(@Query() query: TranchesExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): StreamableFile {
    attachment(reply, `pelekan-tranches-${today()}.xlsx`);
    return new StreamableFile(this.exports.pipeline(query));
  }

  @Get('ledger/entries.xlsx')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Ledger entries as XLSX, one row per posting, with the filters of GET /api/ledger/entries (an agency sees its own; streamed)' })
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_ANSWER)
  entries(@CurrentActor() actor: Actor, @Query() query: LedgerExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): StreamableFile {
    attachment(reply, `pelekan-ledger-${today()}.xlsx`);
    return new StreamableFile(this.exports.entries(actor, query));
  }
}
