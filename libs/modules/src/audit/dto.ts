import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
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

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

export class AuditHeadView {
  /** The last row of the chain. */
  id: string;
  /** Its hash, sha-256 hex. */
  hash: string;
}

export class AuditSealsView {
  /** AUDIT_KEY seals checked. */
  checked: number;
  @ApiProperty({ type: String, nullable: true, description: 'The last row the seals cover (rows after it are not sealed yet); null before the first seal.' })
  sealedUpTo: string | null;
}

/** The walk of the hash chain and its seals. */
export class AuditVerificationView {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  @ApiProperty({ type: String, nullable: true, description: 'The first row edited, removed or inserted out of the chain; null when ok.' })
  firstBadId: string | null;
  @ApiProperty({ type: String, nullable: true })
  problem: string | null;
  /** The chain's head: record it elsewhere to detect a rewrite of the whole chain later. */
  head: AuditHeadView;
  seals: AuditSealsView;
}

/** One row as JSON, or (for the statements the escalation sweep runs in bulk) every row of the statement. */
export type AuditedRows = Record<string, unknown> | Array<Record<string, unknown>>;
const ROW_OR_ROWS: ApiPropertyOptions = {
  nullable: true,
  oneOf: [
    { type: 'object', additionalProperties: true },
    { type: 'array', items: { type: 'object', additionalProperties: true } },
  ],
};

/** One change of one row: who, what, when, before and after. */
export class AuditEntryView {
  id: string;
  at: Date;
  /** A user id, or a system party such as "system:worker". */
  actor: string;
  @ApiProperty({ type: String, nullable: true })
  actorUsername: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What was being done, e.g. "PUT /api/projects/:id/budget".' })
  context: string | null;
  table: string;
  @ApiProperty({ enum: ['INSERT', 'UPDATE', 'DELETE'] })
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The row's key, e.g. { id }." })
  rowKey: Record<string, unknown>;
  @ApiProperty({ ...ROW_OR_ROWS, description: 'The row before (null for an insert); for a bulk statement, every row it changed. Secrets redacted.' })
  before: AuditedRows | null;
  @ApiProperty({ ...ROW_OR_ROWS, description: 'The row after (null for a delete); for a bulk statement, every row it wrote. Secrets redacted.' })
  after: AuditedRows | null;
  hash: string;
}
