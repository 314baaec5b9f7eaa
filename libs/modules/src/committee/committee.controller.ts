import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { renderPackHtml } from './committee-pack';
import { CommitteeService } from './committee.service';
import { CommitteePackQueryDto, CommitteePackView, CommitteeQueueView } from './dto';

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
  @ApiOperation({ summary: 'The monthly committee pack for a Jalali month, as JSON or printable HTML, in Persian or English' })
  @ApiProduces('application/json', 'text/html')
  @ApiExtraModels(CommitteePackView)
  @ApiOkResponse({
    description: 'format=json (the default): the pack as JSON; format=html: a printable A4 document (text/html), RTL Persian or LTR English',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CommitteePackView) } },
      'text/html': { schema: { type: 'string', description: 'A complete HTML document' } },
    },
  })
  async pack(@Query() query: CommitteePackQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommitteePackView | string> {
    const pack = await this.committee.pack(query.month);
    if (query.format !== 'html') return pack;
    reply.header('content-type', 'text/html; charset=utf-8');
    return renderPackHtml(pack, query.lang ?? 'fa');
  }
}
