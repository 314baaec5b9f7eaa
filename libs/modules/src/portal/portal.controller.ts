import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';
import { InvalidInput } from '../common/errors';
import { IdParam } from '../common/params';
import { Public } from '../identity/auth.decorators';
import {
  PublicAgencyProgressView,
  PublicFiguresView,
  PublicPortfolioSummaryView,
  PublicPortfolioView,
  PublicProjectDetailView,
  PublicProjectPageView,
  PublicProjectQueryDto,
} from './dto';
import { OpenDataCache } from './open-data-cache';
import { OPEN_DATA_TABLES, type OpenDataFile, OpenDataService, type OpenDataTable } from './open-data.service';
import { type OpenStandardsFile, OpenStandardsService } from './open-standards.service';
import { PortalService } from './portal.service';
import { XLSX_TYPE } from '../spreadsheets/workbooks';

const IATI_TYPE = 'application/xml; charset=utf-8';

/** An OC4IDS 0.9.5 project package, as far as OpenAPI describes it (the standard's own schema is the full contract). */
const OC4IDS_PACKAGE_SCHEMA = {
  type: 'object',
  required: ['uri', 'publisher', 'publishedDate', 'version', 'projects'],
  properties: {
    uri: { type: 'string', format: 'uri' },
    publisher: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    publishedDate: { type: 'string', format: 'date-time' },
    version: { type: 'string', example: '0.9' },
    projects: {
      type: 'array',
      description: 'OC4IDS projects (project-schema.json of OC4IDS 0.9.5): id, title, status, publicAuthority, parties, budget, period, milestones, transactions, metrics',
      items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, additionalProperties: true },
    },
  },
};

/** The public transparency portal's data: no login. */
@ApiTags('public')
@Public()
@Controller('public')
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    private readonly openData: OpenDataService,
    private readonly cache: OpenDataCache,
    private readonly standards: OpenStandardsService,
  ) {}

  @Get('portfolios')
  portfolios(): Promise<PublicPortfolioSummaryView[]> {
    return this.portal.portfolios();
  }

  @Get('portfolios/:id')
  @ApiOperation({ summary: 'A portfolio: projects with verified and self-declared progress, money, agencies, freshness, pauses' })
  portfolio(@IdParam() id: string): Promise<PublicPortfolioView> {
    return this.portal.portfolio(id);
  }

  @Get('figures')
  @ApiOperation({
    summary: 'Headline figures: projects, budget, released, verified against self-declared progress, stale projects, monitoring paused; in all and per portfolio',
    description: 'Progress roll-ups weigh each project with a self-declared figure the same; self-declared is the declarations on the plan, or the report figure for a project without one.',
  })
  figures(): Promise<PublicFiguresView> {
    return this.portal.figures();
  }

  @Get('progress-by-agency')
  @ApiOperation({ summary: 'Self-declared against verified progress per agency, over the projects it leads (each project weighs the same)' })
  progressByAgency(): Promise<PublicAgencyProgressView[]> {
    return this.portal.progressByAgency();
  }

  @Get('projects')
  @ApiOperation({ summary: 'Projects, searched (q), filtered (portfolio, agency, stale, repeat) and sorted (code, name, budget, released, verified, gap), a page at a time' })
  projects(@Query() query: PublicProjectQueryDto): Promise<PublicProjectPageView> {
    return this.portal.projectList(query);
  }

  @Get('projects/:id')
  project(@IdParam() id: string): Promise<PublicProjectDetailView> {
    return this.portal.project(id);
  }

  @Get('projects/:id/oc4ids.json')
  @ApiOperation({ summary: 'One public project as an OC4IDS 0.9.5 project package (404 for a confidential project)' })
  @ApiOkResponse({ description: 'An OC4IDS project package of one project', content: { 'application/json': { schema: OC4IDS_PACKAGE_SCHEMA } } })
  async projectOc4ids(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.standards.projectPackage(id);
    // Written text, not an object: amounts beyond 2^53 − 1 rials stay exact digits (core exactJson).
    reply.header('Content-Type', 'application/json; charset=utf-8');
    return text;
  }

  @Get('open-data/oc4ids.json')
  @ApiOperation({
    summary: 'The public portfolio as an OC4IDS 0.9.5 project package (ETag; 304 when unchanged; built as a stream, served from disk)',
    description: 'Confidential projects are left out. Amounts are IRR as JSON numbers, written as their exact digits (beyond 2^53 − 1 a reader parsing into doubles rounds them).',
  })
  @ApiOkResponse({ description: 'An OC4IDS project package', content: { 'application/json': { schema: OC4IDS_PACKAGE_SCHEMA } } })
  async oc4ids(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile | string> {
    return this.serveStandard(request, reply, 'oc4ids.json', 'application/json; charset=utf-8', null);
  }

  @Get('open-data/iati-activities.xml')
  @ApiOperation({
    summary: 'The public portfolio as IATI 2.03 activities, one iati-activity per project (ETag; 304 when unchanged)',
    description: 'Valid against iati-activities-schema.xsd of IATI 2.03. Confidential projects are left out.',
  })
  @ApiOkResponse({ description: 'An iati-activities XML document', content: { 'application/xml': { schema: { type: 'string' } } } })
  async iati(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile | string> {
    return this.serveStandard(request, reply, 'iati-activities.xml', IATI_TYPE, 'pelekan-iati-activities.xml');
  }

  @Get('open-data/workbook.xlsx')
  @ApiOperation({ summary: 'Every public table as one XLSX workbook (ETag; 304 when unchanged; built as a stream, served from disk)' })
  @ApiOkResponse({ description: 'The workbook, one sheet per table', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  async workbook(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile | string> {
    return this.serve(request, reply, 'workbook.xlsx', XLSX_TYPE, 'pelekan-open-data.xlsx', { format: 'xlsx' });
  }

  @Get('open-data/:file')
  @ApiOperation({
    summary: 'One public table as CSV or JSON: portfolios, projects, items, tranches, releases (e.g. projects.csv); ETag, 304 when unchanged',
    description: 'A whole-table download, not paged: built as a stream batch by batch and served from disk, so memory stays bounded at any size.',
  })
  @ApiOkResponse({
    description: 'The table: JSON (an array of flat rows) or CSV with a header line',
    content: {
      'application/json': { schema: { type: 'array', items: { type: 'object', additionalProperties: true } } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async table(
    @Param('file') file: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile | string> {
    const match = /^([a-z]+)\.(csv|json)$/.exec(file);
    const table = match?.[1] as OpenDataTable | undefined;
    if (!match || !table || !OPEN_DATA_TABLES.includes(table)) {
      throw InvalidInput.field('file', `must be one of ${OPEN_DATA_TABLES.map((t) => `${t}.csv, ${t}.json`).join(', ')}`);
    }
    if (match[2] === 'json') return this.serve(request, reply, file, 'application/json; charset=utf-8', null, { table, format: 'json' });
    return this.serve(request, reply, file, 'text/csv; charset=utf-8', `pelekan-${table}.csv`, { table, format: 'csv' });
  }

  private serveStandard(request: FastifyRequest, reply: FastifyReply, file: OpenStandardsFile, type: string, attachment: string | null) {
    return this.serve(request, reply, file, type, attachment, (path) => this.standards.build(file, path));
  }

  private async serve(
    request: FastifyRequest,
    reply: FastifyReply,
    file: string,
    type: string,
    attachment: string | null,
    what: OpenDataFile | ((path: string) => Promise<void>),
  ): Promise<StreamableFile | string> {
    const build = typeof what === 'function' ? what : (path: string) => this.openData.build(what, path);
    const entry = await this.cache.get(file, await this.openData.dataVersion(), build);
    reply.header('etag', entry.etag);
    reply.header('cache-control', 'public, max-age=0, must-revalidate');
    if (request.headers['if-none-match'] === entry.etag) {
      reply.status(304);
      return '';
    }
    reply.header('content-type', type);
    reply.header('content-length', String(entry.size));
    if (attachment) reply.header('content-disposition', `attachment; filename="${attachment}"`);
    return new StreamableFile(createReadStream(entry.path));
  }
}
