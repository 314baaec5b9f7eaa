import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsRials } from '../common/validation';

export class CreatePortfolioDto {
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'code must be 1-32 uppercase letters, digits or hyphens' })
  code: string;

  @IsString()
  @Length(1, 300)
  nameFa: string;

  @IsString()
  @Length(1, 300)
  nameEn: string;

  /** Most projects the portfolio may hold. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  maxProjects?: number;
}

export class CreateProjectDto {
  @IsUUID()
  portfolioId: string;

  @Matches(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/, { message: 'code must be 1-32 letters, digits, dots or hyphens' })
  code: string;

  @IsString()
  @Length(1, 300)
  nameFa: string;

  @IsString()
  @Length(1, 300)
  nameEn: string;

  @IsUUID()
  leadAgencyId: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  collaboratingAgencyIds?: string[];

  @IsOptional()
  @IsRials('Project budget in whole rials; may be set later')
  budgetRials?: string;
}

export class SetBudgetDto {
  @IsRials('Project budget in whole rials')
  budgetRials: string;
}

export class ProjectQueryDto {
  @IsOptional()
  @IsUUID()
  portfolioId?: string;
}

export class PortfolioMonitoringDto {
  /** pause stops escalation of the portfolio's items; resume restarts it. */
  @IsIn(['pause', 'resume'])
  action: 'pause' | 'resume';

  /** Published with the portfolio. */
  @IsString()
  @Length(3, 2000)
  reason: string;
}
