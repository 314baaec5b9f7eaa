import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InvalidInput } from '../common/errors';
import { IdParam } from '../common/params';
import { Public } from '../identity/auth.decorators';
import { toCsv, toXlsx } from './open-data';
import { PortalService } from './portal.service';

const TABLES = ['portfolios', 'projects', 'items', 'tranches', 'releases'] as const;

/** The public transparency portal's data: no login. */
@ApiTags('public')
@Public()
@Controller('public')
export class PortalController {
  constructor(private readonly portal: PortalService) {}

  @Get('portfolios')
  portfolios() {
    return this.portal.portfolios();
  }

  @Get('portfolios/:id')
  @ApiOperation({ summary: 'A portfolio: projects with verified and self-declared progress, money, agencies, freshness, pauses' })
  portfolio(@IdParam() id: string) {
    return this.portal.portfolio(id);
  }

  @Get('projects/:id')
  project(@IdParam() id: string) {
    return this.portal.project(id);
  }

  @Get('open-data/workbook.xlsx')
  @ApiOperation({ summary: 'Every public table as one XLSX workbook' })
  async workbook(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', 'attachment; filename="pelekan-open-data.xlsx"');
    return Buffer.from(toXlsx(await this.portal.openData()));
  }

  @Get('open-data/:file')
  @ApiOperation({ summary: 'One public table as CSV or JSON: portfolios, projects, items, tranches, releases (e.g. projects.csv)' })
  async table(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const match = /^([a-z]+)\.(csv|json)$/.exec(file);
    const table = match?.[1] as (typeof TABLES)[number] | undefined;
    if (!match || !table || !TABLES.includes(table)) {
      throw InvalidInput.field('file', `must be one of ${TABLES.map((t) => `${t}.csv, ${t}.json`).join(', ')}`);
    }
    const rows = (await this.portal.openData())[table];
    if (match[2] === 'json') return rows;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="pelekan-${table}.csv"`);
    return toCsv(rows);
  }
}
