import { type Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { type CursorPart, type CursorValue, decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from '@pelekan/core';
import { InvalidInput } from './errors';

/**
 * `?limit=&after=`: the query of every paged list. Lists are keyset-paged: each answer is
 * `{ items, next }`; pass `next` back as `after` for the following page (null: there is none).
 */
export class PageQueryDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Rows per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ type: String, description: 'The `next` cursor of the previous page (opaque); absent for the first page' })
  @IsOptional()
  @MaxLength(4000)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'after must be the `next` cursor of a previous page of this list' })
  after?: string;
}

/** The page size and decoded cursor of a paged request; a cursor of another list (or none at all) is a 400 naming `after`. */
export function pageRequest(query: PageQueryDto, list: string, shape: readonly CursorPart[]): { limit: number; after: CursorValue[] | null } {
  const limit = pageSize(query.limit);
  if (query.after === undefined) return { limit, after: null };
  const after = decodeCursor(query.after, list, shape);
  if (!after) throw InvalidInput.field('after', 'must be the `next` cursor of a previous page of this list');
  return { limit, after };
}

/**
 * The documented answer of a paged list of `item`: `{ items, next }`. Each list declares its own
 * class (`class TranchePageView extends PageOf(TrancheSummaryView) {}`) so the OpenAPI document names it.
 */
export function PageOf<T>(item: ClassType<T>) {
  class PageView {
    @ApiProperty({ type: () => [item], description: 'This page, in the order of the list' })
    items: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `after` to get the next page; null on the last page',
    })
    next: string | null;
  }
  return PageView;
}
