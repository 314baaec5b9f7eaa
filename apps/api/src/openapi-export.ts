/**
 * Writes the API's OpenAPI document to a file without starting anything: the Nest application is
 * built in preview mode (modules and routes scanned, no provider instantiated, so no database,
 * Temporal or configuration is needed) and never listens. The build runs it, then openapi-typescript
 * turns the document into web/src/api-types.ts, so a contract change is a type error in the web app.
 *
 *   node dist/apps/api/src/openapi-export.js <file.json>
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule } from './api.module';
import { API_PREFIX, openApiDocument } from './app';

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: openapi-export.js <file.json>');
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(), new FastifyAdapter(), { preview: true, logger: false });
  // The routes carry the prefix exactly as createApiApp sets it (health stays at the root).
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  const document = await openApiDocument(app);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
