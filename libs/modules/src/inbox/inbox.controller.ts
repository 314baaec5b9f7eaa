import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor } from '../identity/auth.decorators';
import { InboxQueryDto, InboxView, MarkReadDto, NotificationReadView } from './dto';
import { InboxService } from './inbox.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first, with the unread count" })
  list(@CurrentActor() actor: Actor, @Query() query: InboxQueryDto): Promise<InboxView> {
    return this.inbox.list(actor, query.unread === true);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read; answers the inbox as it now stands' })
  readAll(@CurrentActor() actor: Actor): Promise<InboxView> {
    return this.inbox.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read (or unread with {"read": false})' })
  read(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: MarkReadDto): Promise<NotificationReadView> {
    return this.inbox.markRead(actor, id, dto.read ?? true);
  }
}
