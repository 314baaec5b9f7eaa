import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { OutboxDispatch } from '../outbox/outbox-dispatch';
import type {
  CreateWebhookDto,
  CreatedWebhookView,
  UpdateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryView,
  WebhookSubscriberView,
} from './dto';
import { WebhooksRepository } from './webhooks.repository';

/**
 * An http(s) URL without credentials or fragment, or a 400 naming `url`. Any host is allowed, loopback
 * and private addresses included: only an administrator registers subscribers (the treasury usually
 * sits on an internal network), so reaching internal hosts is intended, not a server-side request forgery.
 */
export function checkWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw InvalidInput.field('url', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw InvalidInput.field('url', 'must use http or https');
  if (!url.hostname) throw InvalidInput.field('url', 'must name a host');
  if (url.username || url.password) throw InvalidInput.field('url', 'must not carry a user name or password (the signature authenticates Pelekan)');
  if (url.hash) throw InvalidInput.field('url', 'must not have a #fragment');
  return url.toString();
}

/** A new signing secret: 32 random bytes, hex, prefixed so it is recognizable in a receiver's configuration. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** Subscribers and their deliveries, for administrators. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: Database,
    private readonly repository: WebhooksRepository,
    private readonly dispatch: OutboxDispatch,
  ) {}

  async create(actor: Actor, dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    const url = checkWebhookUrl(dto.url);
    const secret = newWebhookSecret();
    const created = await this.db.transaction((tx) =>
      this.repository.insertSubscriber(tx, { url, description: dto.description?.trim() ?? '', events: dto.events, secret, createdBy: actor.userId }),
    );
    return { ...created, secret };
  }

  list(): Promise<WebhookSubscriberView[]> {
    return this.repository.subscribers(this.db.reader);
  }

  async update(id: string, dto: UpdateWebhookDto): Promise<WebhookSubscriberView> {
    const url = dto.url === undefined ? undefined : checkWebhookUrl(dto.url);
    const updated = await this.db.transaction((tx) =>
      this.repository.updateSubscriber(tx, id, { url, description: dto.description?.trim(), events: dto.events, active: dto.active }),
    );
    if (!updated) throw new NotFound('webhook subscriber', id);
    return updated;
  }

  deliveries(query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryView[]> {
    return this.repository.deliveries(this.db.reader, { status: query.status, subscriberId: query.subscriberId }, query.limit ?? 50);
  }

  /** Sends a failed (or already delivered) delivery again: the same event id and body, a fresh round of retries. */
  async redeliver(id: string): Promise<WebhookDeliveryView> {
    await this.db.transaction(async (tx) => {
      const delivery = await this.repository.lockDelivery(tx, id);
      if (!delivery) throw new NotFound('webhook delivery', id);
      if (delivery.status === 'pending') throw new Conflict('the delivery is still pending: it will be tried again without a redeliver', 'delivery_pending');
      await this.repository.redeliver(tx, id);
    });
    this.dispatch.wake('webhook');
    return (await this.repository.deliveries(this.db.reader, { deliveryId: id }, 1))[0];
  }
}
