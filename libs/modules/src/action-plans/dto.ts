import { Type } from 'class-transformer';
import {
  IsIn,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsInstant, IsRials } from '../common/validation';

export class ActionItemDto {
  /** The item's number in the plan, unique within the project (e.g. "1", "2.3"). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/, { message: 'code must be 1-20 letters, digits, dots or hyphens' })
  code: string;

  @IsString()
  @Length(1, 500)
  titleFa: string;

  @IsString()
  @Length(1, 500)
  titleEn: string;

  /** The agency responsible for the item; defaults to the project's lead agency. */
  @IsOptional()
  @IsUUID()
  ownerAgencyId?: string;

  /** Share of the project, above 0 and at most 100, two decimals at most. All weights sum to 100. */
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(100)
  weight: number;

  @IsInstant('Planned start, UTC instant in ISO 8601')
  plannedStart: string;

  @IsInstant('Planned end, UTC instant in ISO 8601; after plannedStart')
  plannedEnd: string;

  @IsRials("The item's budget in whole rials")
  budgetRials: string;
}

export class ActionLinkDto {
  /** Code of the predecessor item. */
  @IsString()
  @Length(1, 20)
  from: string;

  /** Code of the successor item. */
  @IsString()
  @Length(1, 20)
  to: string;
}

export class ActionPlanDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => ActionItemDto)
  items: ActionItemDto[];

  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => ActionLinkDto)
  links: ActionLinkDto[];
}

export class ProgressQueryDto {
  @IsOptional()
  @IsInstant('Instant for the planned-progress figure; defaults to now')
  at?: string;
}

export class ProposePlanRevisionDto extends ActionPlanDto {
  /** Why the plan changes (the periodic review's finding). */
  @IsString()
  @Length(3, 4000)
  reason: string;
}

export class PlanRevisionDecisionDto {
  @IsIn(['approve', 'reject'])
  action: 'approve' | 'reject';

  @IsString()
  @Length(3, 2000)
  reason: string;
}

export class AddPrerequisiteDto {
  /** An item of another project that must be finished first (e.g. the identity database an e-service needs). */
  @IsUUID()
  requiredItemId: string;
}
