import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf, PageQueryDto } from '../common/paging.dto';
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

/** Projects by portfolio and code, a page at a time (`limit`, `after`). */
export class ProjectQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  portfolioId?: string;

  /** Projects this agency leads. */
  @IsOptional()
  @IsUUID()
  leadAgencyId?: string;
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

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

/** An organization named by a project. */
export class ProjectAgencyRefView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** An agency's part in a project: lead (متولی), co-lead, or collaborator (همکار). */
export class ProjectAgencyView extends ProjectAgencyRefView {
  @ApiProperty({ enum: ['lead', 'co_lead', 'collaborating'] })
  role: 'lead' | 'co_lead' | 'collaborating';

  @ApiProperty({ type: String, nullable: true })
  noteEn: string | null;
}

export class ProjectPortfolioRefView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** Figures an agency declared about itself in the source report: self-declared, never verified. */
export class ReportedFiguresView {
  @ApiProperty({ type: Number, nullable: true })
  actualProgressPct: number | null;

  @ApiProperty({ enum: ['low', 'medium', 'high'], nullable: true })
  budgetNeed: 'low' | 'medium' | 'high' | null;

  @ApiProperty({ type: Number, nullable: true })
  serviceCoveragePct: number | null;

  /** Where the figures come from. */
  source: string;
}

/** The project repeats one listed elsewhere (in another portfolio, or outside the report). */
export class RepeatOfView {
  @ApiPropertyOptional()
  portfolioCode?: string;

  @ApiPropertyOptional()
  projectCode?: string;

  @ApiPropertyOptional()
  elsewhereEn?: string;

  @ApiPropertyOptional()
  noteEn?: string;
}

/** A project as lists show it. */
export class ProjectSummaryView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioId: string;

  /** Whole rials as a decimal string; null until the Plan and Budget Organization sets it. */
  @ApiProperty({ type: String, nullable: true, pattern: '^\\d+$' })
  budgetRials: string | null;

  confidential: boolean;
  synthetic: boolean;

  @ApiProperty({ type: () => ReportedFiguresView, nullable: true })
  reported: ReportedFiguresView | null;

  @ApiProperty({ type: () => RepeatOfView, nullable: true })
  repeats: RepeatOfView | null;

  @ApiProperty({ type: String, nullable: true })
  collaboratorsNoteEn: string | null;

  /** The latest verified update of any of its items (finding 10). */
  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;

  /** No verified update for longer than STALE_AFTER (counted from registration when it never had one). */
  stale: boolean;

  @ApiProperty({ type: () => ProjectAgencyRefView, nullable: true })
  leadAgency: ProjectAgencyRefView | null;
}

/** A page of projects: pass `next` as `after` for the following one. */
export class ProjectPageView extends PageOf(ProjectSummaryView) {}

/** One project with its agencies, money and freshness. */
export class ProjectView {
  id: string;
  portfolioId: string;
  code: string;
  nameFa: string;
  nameEn: string;

  /** Null only for a confidential project whose lead the source does not name. */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  leadAgencyId: string | null;

  /** Whole rials as a decimal string; null until the Plan and Budget Organization sets it. */
  @ApiProperty({ type: String, nullable: true, pattern: '^\\d+$' })
  budgetRials: string | null;

  confidential: boolean;
  synthetic: boolean;

  @ApiProperty({ type: () => ReportedFiguresView, nullable: true })
  reported: ReportedFiguresView | null;

  @ApiProperty({ type: () => RepeatOfView, nullable: true })
  repeats: RepeatOfView | null;

  @ApiProperty({ type: String, nullable: true })
  collaboratorsNoteEn: string | null;

  portfolio: ProjectPortfolioRefView;

  @ApiProperty({ type: () => ProjectAgencyRefView, nullable: true })
  leadAgency: ProjectAgencyRefView | null;

  /** Lead first, then co-leads, then collaborators. */
  @ApiProperty({ type: () => [ProjectAgencyView] })
  agencies: ProjectAgencyView[];

  /** Sum of the amounts of the project's tranches that are not rejected (whole rials). */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  committedRials: string;

  /** Sum of the amounts of its released tranches (whole rials). */
  @ApiProperty({ type: String, pattern: '^\\d+$' })
  releasedRials: string;

  /** The latest verified update of any of its items (finding 10). */
  @ApiProperty({ type: Date, nullable: true })
  lastVerifiedAt: Date | null;

  /** No verified update for longer than STALE_AFTER. */
  stale: boolean;
}

/** A pause or resumption of a portfolio's monitoring. */
export class PortfolioMonitoringEventView {
  @ApiProperty({ enum: ['pause', 'resume'] })
  action: 'pause' | 'resume';

  reason: string;
  at: Date;

  /** Username of the administrator. */
  by: string;
}

/** What every view of a portfolio shows. */
export class PortfolioFieldsView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;

  @ApiProperty({ type: String, nullable: true })
  approvedByFa: string | null;

  @ApiProperty({ type: String, nullable: true })
  approvedOnJalali: string | null;

  @ApiProperty({ type: String, nullable: true })
  noteEn: string | null;

  /** Most projects the portfolio may hold; null: no cap. */
  @ApiProperty({ type: Number, nullable: true })
  maxProjects: number | null;

  synthetic: boolean;

  /** Facts from the source document that have no column of their own. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  source: Record<string, unknown>;

  /** When monitoring was paused; null while it runs. */
  @ApiProperty({ type: Date, nullable: true })
  monitoringPausedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  monitoringPauseReason: string | null;
}

/** A portfolio as the list shows it. */
export class PortfolioSummaryView extends PortfolioFieldsView {
  projectCount: number;
}

/** A portfolio with its projects and the history of its monitoring pauses. */
export class PortfolioView extends PortfolioFieldsView {
  createdAt: Date;

  @ApiProperty({ type: () => [PortfolioMonitoringEventView] })
  monitoringHistory: PortfolioMonitoringEventView[];

  @ApiProperty({ type: () => [ProjectSummaryView] })
  projects: ProjectSummaryView[];
}
