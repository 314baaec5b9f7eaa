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
