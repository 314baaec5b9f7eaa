import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches, MaxLength, ValidateIf } from 'class-validator';
import { EMAIL_PREFERENCES, type EmailPreference, type OutboxStatus } from '@pelekan/core';
import { PageOf, PageQueryDto } from '../common/paging.dto';

const ADDRESS = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;

export class EmailSettingsView {
  @ApiProperty({ type: String, nullable: true, description: 'Where notifications are mailed; null: none' })
  email: string | null;
  @ApiProperty({ enum: EMAIL_PREFERENCES, description: 'immediate: one mail per notification; monthly: a digest per Jalali month; none' })
  preference: EmailPreference;
}

export class EmailSettingsDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The address (null removes it); absent: unchanged' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @MaxLength(254)
  @Matches(ADDRESS, { message: 'email must be an e-mail address such as name@example.ir' })
  email?: string | null;

  @ApiPropertyOptional({ enum: EMAIL_PREFERENCES })
  @IsOptional()
  @IsIn(EMAIL_PREFERENCES)
  preference?: EmailPreference;
}

export class EmailOutboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: OutboxStatus;
}

export class EmailOutboxView {
  id: string;
  userId: string;
  username: string;
  toAddress: string;
  @ApiProperty({ enum: ['notification', 'digest'] })
  kind: 'notification' | 'digest';
  @ApiProperty({ type: String, nullable: true, description: 'The notification mailed (kind notification)' })
  notificationId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The digest's Jalali month, YYYY-MM (kind digest)" })
  digestMonth: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The notification's title (kind notification)" })
  subjectFa: string | null;
  @ApiProperty({ type: String, nullable: true })
  subjectEn: string | null;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  status: OutboxStatus;
  /** Failed attempts in the current round (a redeliver starts a new round). */
  attempts: number;
  @ApiProperty({ type: Date, nullable: true, description: 'When it is tried next (pending only)' })
  nextAttemptAt: Date | null;
  createdAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  deliveredAt: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'The last failure (the SMTP answer or the error)' })
  lastError: string | null;
}

export class EmailOutboxPageView extends PageOf(EmailOutboxView) {}

export class EmailAttemptView {
  /** 1 for the first try, counting across redelivers. */
  attempt: number;
  at: Date;
  @ApiProperty({ enum: ['delivered', 'failed'] })
  outcome: 'delivered' | 'failed';
  /** The SMTP server's answer, or the error. */
  response: string;
}

export class EmailRedeliverView {
  id: string;
  @ApiProperty({ enum: ['pending'] })
  status: 'pending';
}
