import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
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
