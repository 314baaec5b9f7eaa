import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { RIALS_PATTERN } from '@pelekan/core';
import { IsRials } from '../common/validation';

export const CHALLENGE_CATEGORIES = [
  'budget',
  'inter_agency',
  'data_sharing',
  'infrastructure',
  'legal',
  'planning',
  'other',
] as const;
export type ChallengeCategory = (typeof CHALLENGE_CATEGORIES)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DeclareChallengeDto {
  /** budget (shortage), inter_agency (cooperation), data_sharing, infrastructure, legal, planning or other. */
  @IsIn(CHALLENGE_CATEGORIES)
  category: ChallengeCategory;

  /** The project's items the challenge affects. */
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  itemIds: string[];

  @Transform(trim)
  @IsString()
  @Length(3, 4000)
  description: string;

  /** Another agency the challenge names as its cause: it becomes a claim that agency must answer. */
  @IsOptional()
  @IsUUID()
  causedByAgencyId?: string;
}

export class ClaimAnswerDto {
  @IsIn(['accept', 'dispute'])
  answer: 'accept' | 'dispute';

  @Transform(trim)
  @IsString()
  @Length(3, 4000)
  reason: string;
}

export class ProposeSolutionDto {
  /** The challenge this solution answers; a solution without one is refused. */
  @IsUUID()
  challengeId: string;

  @Transform(trim)
  @IsString()
  @Length(3, 4000)
  description: string;
}

export class ReportSpendingDto {
  /** Whole rials spent from the tranche's release to the reporting agency. */
  @IsRials('Rials spent, a whole number above 0')
  amountRials: string;

  @Transform(trim)
  @IsString()
  @Length(3, 2000)
  note: string;
}

export class SolutionTextDto {
  @Transform(trim)
  @IsString()
  @Length(3, 4000)
  description: string;
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

export const CLAIM_STATUSES = ['awaiting_answer', 'accepted', 'disputed'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export class ChallengeOrganizationView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

export class ChallengeItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
}

export class SolutionView {
  id: string;
  description: string;
  proposedAt: Date;
  /** The username of who proposed it. */
  proposedBy: string;
}

/** Money released to the raising agency on the project, what it reported spent, and the difference (budget challenges). */
export class ReleasedNotSpentView {
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source })
  releasedRials: string;
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source })
  reportedSpentRials: string;
  @ApiProperty({ type: String, pattern: '^-?(0|[1-9][0-9]*)$', description: 'Released less reported spent' })
  releasedNotSpentRials: string;
}

export class ChallengeView {
  id: string;
  projectId: string;
  @ApiProperty({ enum: CHALLENGE_CATEGORIES })
  category: ChallengeCategory;
  description: string;
  raisedAt: Date;
  /** The agency that raised it. */
  raisedBy: ChallengeOrganizationView;
  // Inline, not a $ref: a nullable $ref (allOf) does not admit null in the contract checker.
  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'The agency named as its cause: a claim',
    required: ['id', 'code', 'nameFa', 'nameEn'],
    properties: { id: { type: 'string' }, code: { type: 'string' }, nameFa: { type: 'string' }, nameEn: { type: 'string' } },
  })
  causedBy: { id: string; code: string; nameFa: string; nameEn: string } | null;
  @ApiProperty({ enum: CLAIM_STATUSES, nullable: true, description: 'For a claim: awaiting the named agency, or its answer' })
  claimStatus: ClaimStatus | null;
  @ApiProperty({ type: String, nullable: true })
  claimAnswerReason: string | null;
  @ApiProperty({ type: Date, nullable: true })
  claimAnsweredAt: Date | null;
  items: ChallengeItemView[];
  solutions: SolutionView[];
  /** Only on budget challenges. */
  budget?: ReleasedNotSpentView;
}

export class SpendingView {
  trancheId: string;
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source, description: 'What the agency received from the tranche' })
  receivedRials: string;
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source, description: 'What it has now reported spent of it' })
  reportedSpentRials: string;
  @ApiProperty({ type: String, pattern: RIALS_PATTERN.source, description: 'Received less reported spent' })
  notSpentRials: string;
}
