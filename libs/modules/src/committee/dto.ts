import { IsIn, IsOptional, Matches } from 'class-validator';

export class CommitteePackQueryDto {
  /** The Jalali month, e.g. 1405-08 (Aban 1405). Persian digits are accepted too. */
  @Matches(/^[0-9۰-۹]{4}-[0-9۰-۹]{1,2}$/, { message: 'month must be a Jalali year and month such as 1405-08' })
  month: string;

  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';

  @IsOptional()
  @IsIn(['fa', 'en'])
  lang?: 'fa' | 'en';
}
