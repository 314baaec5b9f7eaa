import { Controller, Get, Header, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { renderPackXlsx } from '../spreadsheets/committee-pack-xlsx';
import { XLSX_TYPE } from '../spreadsheets/workbooks';
import { renderPackHtml, renderPackJson } from './committee-pack';
import { CommitteeService } from './committee.service';
import { CommitteePackQueryDto, CommitteePackView, CommitteeQueueView, StageCasesQueryDto, StageCasesView, StageTimesQueryDto, StageTimesView } from './dto';

@ApiTags('committee')
@ApiBearerAuth()
@Controller('committee')
export class CommitteeController {
  constructor(private readonly committee: CommitteeService) {}

  @Roles('committee', 'admin')
  @Get('queue')
  @ApiOperation({ summary: 'What waits on the committee: declarations, escalation cases by level, plan revisions' })
  queue(@CurrentActor() actor: Actor): Promise<CommitteeQueueView> {
    return this.committee.queue(actor);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('pack')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'The monthly committee pack for a Jalali month, as JSON, printable HTML or an XLSX workbook, in Persian or English',
    description: 'A download, streamed as its rows are read (a month may hold hundreds of thousands of events): the summaries come first, then every row of each section.',
  })
  @ApiProduces('application/json', 'text/html', XLSX_TYPE)
  @ApiExtraModels(CommitteePackView)
  @ApiOkResponse({
    description: 'format=json (the default): the pack as JSON; format=html: a printable A4 document (text/html), RTL Persian or LTR English',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CommitteePackView) } },
      'text/html': { schema: { type: 'string', description: 'A complete HTML document' } },
      [XLSX_TYPE]: { schema: { type: 'string', format: 'binary', description: 'format=xlsx: the summaries and one sheet per section, Jalali dates, rials as text' } },
    },
  })
  async pack(@Query() query: CommitteePackQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const pack = await this.committee.pack(query.month);
    if (query.format === 'xlsx') {
      reply.header('content-type', XLSX_TYPE);
      reply.header('content-disposition', `attachment; filename="committee-pack-${pack.month.year}-${String(pack.month.month).padStart(2, '0')}.xlsx"`);
      return new StreamableFile(renderPackXlsx(pack, query.lang ?? 'fa'));
    }
    const html = query.format === 'html';
    reply.header('content-type', html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8');
    return new StreamableFile(Readable.from(html ? renderPackHtml(pack, query.lang ?? 'fa') : renderPackJson(pack)));
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('stage-times')
  @ApiOperation({
    summary: 'Stage clocks: median and 90th percentile of each stage per Jalali month, agency and member, and the stages over their limit',
    description:
      'Stages: declaration_decided, field_checked, appeal_decided (the committee); tranche_approved, tranche_paid, remainder_decided (the PBO). ' +
      'Statistics count the stages that ended in the months asked (from..to inclusive, Jalali, default the last three); percentiles are nearest-rank. ' +
      'overLimit lists the stages ended in the range or open now that took longer than their limit (STAGE_LIMITS; APPEAL_DEADLINE for appeals).',
  })
  stageTimes(@Query() query: StageTimesQueryDto): Promise<StageTimesView> {
    return this.committee.stageTimes(query);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('stage-cases')
  @ApiOperation({ summary: 'Stages open past their limit, escalated by the sweep to the party that owns them (committee or PBO), then the council' })
  stageCases(@Query() query: StageCasesQueryDto): Promise<StageCasesView> {
    return this.committee.stageCases(query.status);
  }
}
