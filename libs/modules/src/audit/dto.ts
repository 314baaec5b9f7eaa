import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  /** Only changes of this table, e.g. "tranches". */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'table must be a table name' })
  table?: string;

  /** Only changes of the row whose key has this value (an id). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  rowId?: string;

  /** Only changes made by this user id or system party. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  /** Only rows after this one (for paging forward). */
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'afterId must be a row id' })
  afterId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
