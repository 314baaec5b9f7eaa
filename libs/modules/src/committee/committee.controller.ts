import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { renderPackHtml } from './committee-pack';
import { CommitteeService } from './committee.service';
import { CommitteePackQueryDto } from './dto';

@ApiTags('committee')
@ApiBearerAuth()
@Controller('committee')
export class CommitteeController {
  constructor(private readonly committee: CommitteeService) {}

  @Roles('committee', 'admin')
  @Get('queue')
  @ApiOperation({ summary: 'What waits on the committee: declarations, escalation cases by level, plan revisions' })
  queue(@CurrentActor() actor: Actor) {
    return this.committee.queue(actor);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('pack')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The monthly committee pack for a Jalali month, as JSON or printable HTML, in Persian or English' })
  async pack(@Query() query: CommitteePackQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const pack = await this.committee.pack(query.month);
    if (query.format !== 'html') return pack;
    reply.header('content-type', 'text/html; charset=utf-8');
    return renderPackHtml(pack, query.lang ?? 'fa');
  }
}
