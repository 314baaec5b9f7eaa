import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor } from '../identity/auth.decorators';
import { InboxQueryDto, MarkReadDto } from './dto';
import { InboxService } from './inbox.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first, with the unread count" })
  list(@CurrentActor() actor: Actor, @Query() query: InboxQueryDto) {
    return this.inbox.list(actor, query.unread === true);
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@CurrentActor() actor: Actor) {
    return this.inbox.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read (or unread with {"read": false})' })
  read(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: MarkReadDto) {
    return this.inbox.markRead(actor, id, dto.read ?? true);
  }
}
