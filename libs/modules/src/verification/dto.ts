import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';

export class DeclareProgressDto {
  /** Whole percent 0..100 the owner agency claims for the item. */
  @IsInt()
  @Min(0)
  @Max(100)
  percent: number;

  @IsString()
  @Length(1, 4000)
  note: string;

  /** Ids of evidence files uploaded beforehand with POST /evidence; at least one. */
  @ArrayMinSize(1, { message: 'evidenceIds must name at least one evidence file' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds: string[];
}

export const VERIFICATION_DECISIONS = ['accept', 'accept_lower', 'reject'] as const;

export class DecideDeclarationDto {
  /** accept the declared percent, accept a lower one, or reject. */
  @IsIn(VERIFICATION_DECISIONS)
  decision: (typeof VERIFICATION_DECISIONS)[number];

  /** Required for accept_lower: the percent actually verified, below the declared one. */
  @ValidateIf((o) => o.decision === 'accept_lower' || o.verifiedPercent !== undefined)
  @IsInt()
  @Min(0)
  @Max(100)
  verifiedPercent?: number;

  /** Required for accept_lower and reject. */
  @ValidateIf((o) => o.decision !== 'accept' || o.reason !== undefined)
  @IsString()
  @Length(1, 4000)
  reason?: string;
}

export class RevokeDecisionDto {
  @IsString()
  @Length(1, 4000)
  reason: string;
}

export class QueueQueryDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;
}
