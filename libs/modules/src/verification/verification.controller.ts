import { Body, Controller, Get, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import '@fastify/multipart'; // adds request.file() to Fastify's types
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../common/actor';
import { InvalidInput } from '../common/errors';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import {
  DecideDeclarationDto,
  DeclarationDecisionView,
  DeclarationPageView,
  DeclarationView,
  DeclareProgressDto,
  EvidenceFileView,
  QueueQueryDto,
  RevokeDecisionDto,
  VerificationDecisionView,
} from './dto';
import { EvidenceService } from './evidence.service';
import { DecisionAppealSummary } from './trust.dto';
import { ACCEPTED_EVIDENCE_TYPES } from './file-type';
import { VerificationService } from './verification.service';

@ApiTags('verification')
@ApiBearerAuth()
@ApiExtraModels(DeclarationDecisionView, DecisionAppealSummary)
@Controller()
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    private readonly evidence: EvidenceService,
  ) {}

  @Roles('agency', 'committee')
  @Post('evidence')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Upload one evidence file (PDF, image, office document or text); cite its id when declaring, appealing or recording a field check' })
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<EvidenceFileView> {
    if (!request.isMultipart()) throw InvalidInput.field('file', 'send the file as multipart/form-data in a field named "file"');
    const part = await request.file({ limits: { fileSize: this.evidence.maxBytes, files: 1, fields: 0 } });
    if (!part) throw InvalidInput.field('file', 'no file was sent');
    return this.evidence.upload(actor, {
      filename: part.filename,
      declaredType: part.mimetype,
      stream: part.file,
      truncated: () => part.file.truncated,
    });
  }

  @Get('evidence/:id')
  getEvidence(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<EvidenceFileView> {
    return this.evidence.get(actor, id);
  }

  @Get('evidence/:id/content')
  @ApiOperation({ summary: 'Download an evidence file (as an attachment, in the type read from its bytes)' })
  @ApiProduces(...ACCEPTED_EVIDENCE_TYPES)
  @ApiOkResponse({ description: "The file's bytes", schema: { type: 'string', format: 'binary' } })
  async evidenceContent(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { file, content } = await this.evidence.content(actor, id);
    reply.header('Content-Type', file.contentType);
    reply.header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('ETag', `"${file.sha256}"`);
    return new StreamableFile(content);
  }

  @Roles('agency')
  @Post('items/:id/declarations')
  @ApiOperation({ summary: "Declare an item's progress with a note and evidence (owner agency only)" })
  declare(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: DeclareProgressDto): Promise<DeclarationView> {
    return this.verification.declare(actor, id, dto);
  }

  @Get('items/:id/declarations')
  @ApiOperation({ summary: "An item's declarations, newest first" })
  declarationsOfItem(@IdParam() id: string): Promise<DeclarationView[]> {
    return this.verification.declarationsOfItem(id);
  }

  @Get('declarations/pending')
  @ApiOperation({ summary: 'Declarations awaiting verification, oldest first, a page at a time (limit, after)' })
  pending(@CurrentActor() actor: Actor, @Query() query: QueueQueryDto): Promise<DeclarationPageView> {
    return this.verification.pending(actor, query);
  }

  @Get('declarations/:id')
  getDeclaration(@IdParam() id: string): Promise<DeclarationView> {
    return this.verification.getDeclaration(id);
  }

  @Roles('committee')
  @Post('declarations/:id/decision')
  @ApiOperation({ summary: 'Verify a declaration: accept, accept at a lower percent, or reject with a reason' })
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: DecideDeclarationDto): Promise<DeclarationView> {
    return this.verification.decide(actor, id, dto);
  }

  @Roles('committee')
  @Post('verification-decisions/:id/revoke')
  @ApiOperation({ summary: 'Revoke an accepted verification, with a reason' })
  revoke(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: RevokeDecisionDto): Promise<VerificationDecisionView> {
    return this.verification.revoke(actor, id, dto);
  }
}
