import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor, Public, Roles } from '../identity/auth.decorators';
import { AppealsService } from './appeals.service';
import { FieldChecksService } from './field-checks.service';
import { SamplesService } from './samples.service';
import {
  AppealPageView,
  AppealQueryDto,
  AppealView,
  DecideAppealDto,
  DiscrepancyRatesView,
  FieldCheckDto,
  FieldCheckDueListView,
  FieldCheckView,
  FileAppealDto,
  OpenSampleDto,
  PublishedSampleView,
  SampleFieldCheckSummary,
  SampleSummaryView,
} from './trust.dto';

/** Published samples, field checks and appeals: verification nobody can steer (issue 13). */
@ApiTags('verification')
@ApiBearerAuth()
@ApiExtraModels(SampleFieldCheckSummary)
@Controller()
export class TrustController {
  constructor(
    private readonly samples: SamplesService,
    private readonly fieldChecks: FieldChecksService,
    private readonly appeals: AppealsService,
  ) {}

  @Roles('admin')
  @Post('verification-samples')
  @ApiOperation({ summary: 'Open a published sample of the acceptances of a period, from a seed fixed in public; selected ones wait for a field check' })
  open(@CurrentActor() actor: Actor, @Body() dto: OpenSampleDto): Promise<PublishedSampleView> {
    return this.samples.open(actor, dto);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('verification-samples')
  @ApiOperation({ summary: 'Samples, newest first' })
  list(): Promise<SampleSummaryView[]> {
    return this.samples.list();
  }

  @Roles('committee', 'admin')
  @Get('field-checks/due')
  @ApiOperation({ summary: 'Selected declarations waiting for a field check, each marked with whether this member may make it' })
  due(@CurrentActor() actor: Actor): Promise<FieldCheckDueListView> {
    return this.fieldChecks.due(actor);
  }

  @Roles('committee')
  @Post('declarations/:id/field-check')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record the field check of a selected declaration: confirmed, or a discrepancy with the percent found' })
  fieldCheck(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: FieldCheckDto): Promise<FieldCheckView> {
    return this.fieldChecks.check(actor, id, dto);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('verification/discrepancy-rates')
  @ApiOperation({ summary: 'Field-check discrepancy rates over the last 12 months, per agency and per member who accepted' })
  rates(): Promise<DiscrepancyRatesView> {
    return this.fieldChecks.rates();
  }

  @Roles('agency')
  @Post('verification-decisions/:id/appeal')
  @ApiOperation({ summary: 'Appeal a rejection or an accept-at-lower-percent (owner agency, within the appeal window, once)' })
  appeal(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: FileAppealDto): Promise<AppealView> {
    return this.appeals.file(actor, id, dto);
  }

  @Get('appeals')
  @ApiOperation({ summary: 'Appeals, oldest first, a page at a time: an agency sees its own' })
  listAppeals(@CurrentActor() actor: Actor, @Query() query: AppealQueryDto): Promise<AppealPageView> {
    return this.appeals.list(actor, query);
  }

  @Get('appeals/:id')
  getAppeal(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<AppealView> {
    return this.appeals.get(actor, id);
  }

  @Roles('committee')
  @Post('appeals/:id/decision')
  @HttpCode(201)
  @ApiOperation({ summary: 'Decide an appeal (a member who did not take the decision): uphold, or overturn with the percent verified; final' })
  decideAppeal(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: DecideAppealDto): Promise<AppealView> {
    return this.appeals.decide(actor, id, dto);
  }
}

/** What the portal publishes of verification: every sample with its draws, and the discrepancy rates. */
@ApiTags('public')
@Public()
@Controller('public')
export class PublicVerificationController {
  constructor(
    private readonly samples: SamplesService,
    private readonly fieldChecks: FieldChecksService,
  ) {}

  @Get('verification-samples')
  list(): Promise<SampleSummaryView[]> {
    return this.samples.list();
  }

  @Get('verification-samples/:id')
  @ApiOperation({ summary: 'A sample as published: seed, parameters, every declaration with u and p, the selection, and how to recompute it' })
  sample(@IdParam() id: string): Promise<PublishedSampleView> {
    return this.samples.published(id);
  }

  @Get('discrepancy-rates')
  rates(): Promise<DiscrepancyRatesView> {
    return this.fieldChecks.rates();
  }
}
