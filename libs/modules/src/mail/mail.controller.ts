import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { EmailAttemptView, EmailOutboxPageView, EmailOutboxQueryDto, EmailRedeliverView, EmailSettingsDto, EmailSettingsView } from './dto';
import { MailService } from './mail.service';

@ApiTags('e-mail')
@ApiBearerAuth()
@Controller('me')
export class MyEmailController {
  constructor(private readonly mail: MailService) {}

  @Get('email-settings')
  @ApiOperation({ summary: 'My e-mail address and how I want notifications mailed (immediate, monthly digest, none)' })
  get(@CurrentActor() actor: Actor): Promise<EmailSettingsView> {
    return this.mail.settings(actor.userId);
  }

  @Put('email-settings')
  @ApiOperation({ summary: 'Set my e-mail address (null removes it) and/or my preference' })
  put(@CurrentActor() actor: Actor, @Body() dto: EmailSettingsDto): Promise<EmailSettingsView> {
    return this.mail.saveSettings(actor.userId, dto);
  }
}

@ApiTags('e-mail')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin')
export class AdminEmailController {
  constructor(private readonly mail: MailService) {}

  @Get('email-outbox')
  @ApiOperation({ summary: 'The e-mail outbox, newest first, a page at a time; filter by status' })
  outbox(@Query() query: EmailOutboxQueryDto): Promise<EmailOutboxPageView> {
    return this.mail.outbox(query);
  }

  @Get('email-outbox/:id/attempts')
  @ApiOperation({ summary: "One e-mail's attempts: time, outcome, the SMTP answer or the error" })
  attempts(@IdParam() id: string): Promise<EmailAttemptView[]> {
    return this.mail.attempts(id);
  }

  @Post('email-outbox/:id/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed e-mail again (a new round of attempts, the same Message-ID)' })
  redeliver(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<EmailRedeliverView> {
    return this.mail.redeliver(actor, id);
  }

  @Put('users/:id/email-settings')
  @ApiOperation({ summary: "Set a user's e-mail address and/or preference" })
  setFor(@IdParam() id: string, @Body() dto: EmailSettingsDto): Promise<EmailSettingsView> {
    return this.mail.saveSettings(id, dto);
  }
}
