import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';

export const WEBHOOK_EVENT_TYPES = ['tranche.released', 'tranche.installment_released', 'tranche.lapsed', 'hold.placed', 'hold.lifted'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export class CreateWebhookDto {
  /** Where Pelekan POSTs the events: an http or https URL without credentials. */
  @IsString()
  @Length(1, 2000)
  url: string;

  /** The event types this subscriber receives (at least one). */
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: WebhookEventType[];

  /** Who receives them (for administrators reading the list), e.g. "Treasury payments". */
  @IsOptional()
  @IsString()
  @Length(0, 300)
  description?: string;
}

export class UpdateWebhookDto {
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  url?: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, required: false })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @IsOptional()
  @IsString()
  @Length(0, 300)
  description?: string;

  /** false stops new events for this subscriber (its pending deliveries are still tried). */
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class WebhookDeliveriesQueryDto {
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @IsOptional()
  @IsUUID()
  subscriberId?: string;

  /** At most this many, newest first (default 50). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

/** A subscriber as listed: never its secret. */
export class WebhookSubscriberView {
  id: string;
  url: string;
  description: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The subscriber just created, with its signing secret: shown this once, never again. */
export class CreatedWebhookView extends WebhookSubscriberView {
  /** The HMAC-SHA256 key the receiver verifies signatures with. Store it now: no route returns it again. */
  secret: string;
}

/** One try of a delivery. */
export class WebhookAttemptView {
  number: number;
  at: Date;

  /** The receiver's HTTP status; null when no answer came (refused, reset, timed out). */
  @ApiProperty({ type: Number, nullable: true })
  statusCode: number | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  durationMs: number;
  ok: boolean;
}

/** One event for one subscriber, with its attempts (oldest first). */
export class WebhookDeliveryView {
  id: string;
  eventId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  eventType: WebhookEventType;

  subscriberId: string;
  subscriberUrl: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;

  attempts: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: Date | null;

  @ApiProperty({ type: Number, nullable: true })
  lastStatusCode: number | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: Date | null;

  createdAt: Date;

  /** The JSON body sent (and signed), as an object. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  payload: Record<string, unknown>;

  @ApiProperty({ type: [WebhookAttemptView] })
  attemptLog: WebhookAttemptView[];
}
