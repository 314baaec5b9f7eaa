import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, loadConfig, logLevels } from '@pelekan/modules';
import { ApiModule } from './api.module';
import { applyHardening, trustProxySetting } from './http/hardening';
import { jsonWithBigints } from './http/json';
import { completeOpenApiDocument, routeFacts } from './http/openapi-document';
import { ProblemFilter, toProblem } from './http/problem.filter';
import { pelekanValidationPipe } from './http/validation';
import openApiMetadata from './openapi.metadata';

export const API_PREFIX = 'api';

/**
 * Builds the HTTP application exactly as production runs it; tests call this too, so what they
 * exercise is what ships.
 */
export async function createApiApp(env: Record<string, string | undefined> = {}): Promise<NestFastifyApplication> {
  // Read before Nest builds the app: the adapter needs to know which proxies to believe.
  const early = loadConfig({ ...process.env, ...env });
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    trustProxy: trustProxySetting(early.TRUST_PROXY),
    // What Fastify refuses before any route runs (a malformed URL, an over-long parameter) answers
    // with the same Problem body as every other error, as the OpenAPI document says.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const problem = toProblem(error);
      void reply.code(problem.statusCode).send(problem);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(env), adapter, {
    logger: logLevels(env.LOG_LEVEL ?? process.env.LOG_LEVEL),
  });
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.setReplySerializer(jsonWithBigints);
  await app.register(multipart, {
    limits: { fileSize: config.EVIDENCE_MAX_BYTES, files: 1, fields: 0, parts: 2 },
  });
  await applyHardening(app, API_PREFIX);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  app.useGlobalPipes(pelekanValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  await setUpOpenApi(app);
  // The web app (hash-routed single page): static files at the root, beside /api and /health.
  if (config.WEB_DIST && existsSync(join(config.WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}

export async function setUpOpenApi(app: INestApplication): Promise<void> {
  const document = await openApiDocument(app);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/openapi.json` });
}

/** The API's OpenAPI document, as served at /api/openapi.json (and written for the web app's types by openapi-export.ts). */
export async function openApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  // Schemas of DTOs, generated from their types and validation rules (scripts/openapi-metadata.js).
  await SwaggerModule.loadPluginMetadata(openApiMetadata);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Pelekan API')
      .setDescription(
        'Staged, milestone-linked release of project budgets (تخصیص پلکانی). Money is whole rials in decimal strings; ' +
          'instants are UTC ISO 8601. Sign in with POST /api/auth/login and send the token as a Bearer header.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  completeOpenApiDocument(document, routeFacts(app));
  return document;
}
