import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import {
  CreateWebhookDto,
  CreatedWebhookView,
  UpdateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryView,
  WebhookSubscriberView,
} from './dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Register a subscriber; the answer carries its signing secret, shown this once' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    return this.webhooks.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'The subscribers (never their secrets)' })
  list(): Promise<WebhookSubscriberView[]> {
    return this.webhooks.list();
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Deliveries, newest first, with every attempt (status code, error, duration)' })
  deliveries(@Query() query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryView[]> {
    return this.webhooks.deliveries(query);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a subscriber: URL, events, description, or deactivate it (active: false)' })
  update(@IdParam() id: string, @Body() dto: UpdateWebhookDto): Promise<WebhookSubscriberView> {
    return this.webhooks.update(id, dto);
  }

  @Post('deliveries/:id/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed or delivered delivery again now: the same event id and body, a fresh round of retries' })
  redeliver(@IdParam() id: string): Promise<WebhookDeliveryView> {
    return this.webhooks.redeliver(id);
  }
}
