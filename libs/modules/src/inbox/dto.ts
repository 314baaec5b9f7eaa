import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class InboxQueryDto {
  /** Only unread notifications. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class MarkReadDto {
  /** true marks it read (default), false marks it unread again. */
  @IsOptional()
  @IsBoolean()
  read?: boolean;
}

export class NotificationView {
  id: string;
  /** What happened, e.g. escalation_opened, escalation_climbed, revision_required, tranches_held, claim_received. */
  kind: string;
  @ApiProperty({ type: String, nullable: true, description: 'The escalation case it is about, if any' })
  caseId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The item, project, challenge or revision it is about' })
  subjectId: string | null;
  titleFa: string;
  titleEn: string;
  bodyFa: string;
  bodyEn: string;
  createdAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  readAt: Date | null;
}

export class InboxView {
  /** How many of the caller's notifications are unread (all of them, not only those listed). */
  unread: number;
  /** Newest first, at most 200. */
  items: NotificationView[];
}

export class NotificationReadView {
  id: string;
  @ApiProperty({ type: Date, nullable: true })
  readAt: Date | null;
}
