import { Module, OnModuleInit } from '@nestjs/common';
import { OutboxChannels } from '../outbox/outbox-channels';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Signed webhooks to the treasury: subscribers, the events the database's triggers record, the sender. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookSender],
  exports: [WebhooksService],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly channels: OutboxChannels,
    private readonly sender: WebhookSender,
  ) {}

  onModuleInit(): void {
    this.channels.register('webhook', this.sender);
  }
}
