import 'reflect-metadata';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { InvalidInput, NotFound, Public, TooManyRequests } from '@pelekan/modules';
// The integration tests' contract checker: compiled with the rest of the program (tsconfig.json includes test/).
import { checkResponse, matchOperation, newAjv, toJsonSchema } from '../../../../test/support/contract';
import { completeOpenApiDocument, OpenApiDocument, PROBLEM_SCHEMA, routeFacts, RouteFacts } from './openapi-document';
import { toProblem } from './problem.filter';

const ok = (schema?: object) => ({ description: '', ...(schema ? { content: { 'application/json': { schema } } } : {}) });
const BEARER = [{ bearer: [] }];

/** A document shaped like @nestjs/swagger's, before completion. */
function sampleDocument(): OpenApiDocument {
  return {
    paths: {
      '/health': { get: { operationId: 'Health_health', security: BEARER, responses: { 200: ok({ type: 'object' }) } } },
      '/api/auth/login': { post: { operationId: 'Auth_login', responses: { 200: ok() } } },
      '/api/things': {
        get: { operationId: 'Things_list', security: BEARER, responses: { 200: ok() } },
        post: { operationId: 'Things_create', security: BEARER, responses: {} },
      },
      '/api/things/{id}': { get: { operationId: 'Things_get', security: BEARER, responses: { 200: ok(), 404: ok({ type: 'string' }) } } },
      '/api/public/open-data/{file}': { get: { operationId: 'Portal_file', responses: { 200: ok() } } },
    },
  };
}

const FACTS: RouteFacts = new Map([
  ['Health_health', { isPublic: true, successStatus: 200 }],
  ['Auth_login', { isPublic: true, successStatus: 200 }],
  ['Things_list', { isPublic: false, successStatus: 200 }],
  ['Things_create', { isPublic: false, successStatus: 202 }],
  ['Things_get', { isPublic: false, successStatus: 200 }],
  ['Portal_file', { isPublic: true, successStatus: 200 }],
]);

function completed(facts: RouteFacts = FACTS): OpenApiDocument {
  const doc = sampleDocument();
  completeOpenApiDocument(doc, facts);
  return doc;
}

const statusesOf = (doc: OpenApiDocument, method: string, path: string) => Object.keys(doc.paths[path][method].responses).sort();
const isProblem = (response: any) => response.content?.['application/json']?.schema?.$ref === '#/components/schemas/Problem';

describe('the OpenAPI document, completed', () => {
  it('adds the Problem schema exactly as problem.filter.ts writes it', () => {
    const doc = completed();
    expect(doc.components?.schemas?.Problem).toEqual(PROBLEM_SCHEMA);
    const validate = newAjv().compile(toJsonSchema(PROBLEM_SCHEMA) as object);
    const answers = [
      toProblem(new NotFound('tranche', 'b5c1f7a4-5f5e-4f55-9a4c-4a9f0a3f7b01')),
      toProblem(InvalidInput.field('nameFa', 'contains a NUL')),
      toProblem(new TooManyRequests('slow down', 42)),
      toProblem(new Error('boom')),
    ];
    for (const answer of answers) expect({ answer, valid: validate(answer), errors: validate.errors }).toMatchObject({ valid: true });
    expect(validate({ statusCode: 404, message: 'Not Found', error: 'Not Found' })).toBe(false); // Nest's own shape: no code
  });

  it('documents the statuses a guarded route can answer, as Problems', () => {
    const doc = completed();
    expect(statusesOf(doc, 'get', '/api/things')).toEqual(['200', '400', '401', '403', '503']);
    expect(statusesOf(doc, 'get', '/api/things/{id}')).toEqual(['200', '400', '401', '403', '404', '414', '503']);
    for (const status of ['400', '401', '403', '503']) expect(isProblem(doc.paths['/api/things'].get.responses[status])).toBe(true);
    expect(doc.paths['/api/things'].get.responses['503'].headers['Retry-After']).toBeDefined();
  });

  it('documents conflicts, size, media type and key reuse on a mutating route, and its success status', () => {
    const post = completed().paths['/api/things'].post;
    expect(Object.keys(post.responses).sort()).toEqual(['202', '400', '401', '403', '409', '413', '415', '422', '503']);
    expect(post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
  });

  it('adds the default success status when the handler is unknown', () => {
    const post = completed(new Map()).paths['/api/things'].post;
    expect(post.responses['201']).toEqual({ description: '' });
  });

  it('leaves a status the controller documented alone', () => {
    const doc = completed();
    expect(doc.paths['/api/things/{id}'].get.responses['404']).toEqual(ok({ type: 'string' }));
  });

  it('documents sign-in: wrong password (401), rate limit (429), no Idempotency-Key and so no 422', () => {
    const login = completed().paths['/api/auth/login'].post;
    expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '401', '409', '413', '415', '429', '503']);
    expect(login.parameters ?? []).toEqual([]);
  });

  it('documents the rate limit and ETag revalidation of open data, and no 401 on public routes', () => {
    const get = completed().paths['/api/public/open-data/{file}'].get;
    expect(Object.keys(get.responses).sort()).toEqual(['200', '304', '400', '404', '414', '429', '503']);
    expect(get.responses['304'].content).toBeUndefined();
  });

  it('takes public from @Public (the guard), not from security: the health probe takes an optional token', () => {
    const doc = completed();
    expect(statusesOf(doc, 'get', '/health')).toEqual(['200', '400', '503']);
    expect(doc.paths['/health'].get.responses['503'].content).toEqual(doc.paths['/health'].get.responses['200'].content);
  });

  it('falls back to the security requirement for an operation whose handler is unknown', () => {
    const doc = completed(new Map());
    expect(statusesOf(doc, 'get', '/health')).toContain('401');
    expect(statusesOf(doc, 'get', '/api/public/open-data/{file}')).not.toContain('401');
  });
});

@Public()
@Controller('open')
class OpenThingsController {
  @Get()
  list() {
    return [];
  }
}

@Controller('guarded')
class GuardedThingsController {
  @Get()
  list() {
    return [];
  }

  @Public()
  @Post('hello')
  @HttpCode(202)
  hello() {
    return {};
  }

  /** Not a route. */
  helper() {
    return 1;
  }
}

describe('route facts, read from the handlers', () => {
  async function documentOfApp() {
    const moduleRef = await Test.createTestingModule({ controllers: [OpenThingsController, GuardedThingsController] }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter());
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build()) as unknown as OpenApiDocument;
    const facts = routeFacts(app);
    completeOpenApiDocument(doc, facts);
    await app.close();
    return { doc, facts };
  }

  it('knows @Public on a controller and on a handler, and @HttpCode, under the operationIds @nestjs/swagger gives', async () => {
    const { doc, facts } = await documentOfApp();
    expect(Object.fromEntries(facts)).toEqual({
      OpenThingsController_list: { isPublic: true, successStatus: 200 },
      GuardedThingsController_list: { isPublic: false, successStatus: 200 },
      GuardedThingsController_hello: { isPublic: true, successStatus: 202 },
    });
    expect(statusesOf(doc, 'get', '/open')).not.toContain('401');
    expect(statusesOf(doc, 'get', '/guarded')).toContain('401');
    expect(statusesOf(doc, 'post', '/guarded/hello')).toEqual(['202', '400', '409', '413', '415', '422', '503']);
  });
});

describe('the contract checker (test/support/contract.ts)', () => {
  it('converts OpenAPI 3.0 schemas to JSON Schema Ajv compiles', () => {
    const converted = toJsonSchema({
      type: 'object',
      required: ['id'],
      example: { id: 'x' },
      'x-internal': true,
      properties: {
        id: { type: 'string', format: 'uuid' },
        note: { type: 'string', nullable: true },
        state: { type: 'string', enum: ['open', 'closed'], nullable: true },
        owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/Owner' }] },
        share: { type: 'number', minimum: 0, exclusiveMinimum: true },
      },
    });
    expect(converted).toEqual({
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        note: { type: ['string', 'null'] },
        state: { type: ['string', 'null'], enum: ['open', 'closed', null] },
        owner: { anyOf: [{ allOf: [{ $ref: '#/$defs/Owner' }] }, { type: 'null' }] },
        share: { type: 'number', exclusiveMinimum: 0 },
      },
    });
    const validate = newAjv().compile({ ...(converted as object), $defs: { Owner: { type: 'object' } } });
    const id = 'b5c1f7a4-5f5e-4f55-9a4c-4a9f0a3f7b01';
    expect(validate({ id, note: null, state: null, owner: null, share: 0.5 })).toBe(true);
    expect(validate({ id, state: 'open', owner: {} })).toBe(true);
    expect(validate({ id: 'not-a-uuid' })).toBe(false);
    expect(validate({ id, share: 0 })).toBe(false);
    expect(validate({ id, state: 'lost' })).toBe(false);
  });

  it('closes objects when asked: a property the document does not name is refused', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(toJsonSchema(schema, { closedObjects: true })).toEqual({ ...schema, additionalProperties: false });
    const composed = toJsonSchema({ allOf: [schema, { type: 'object', properties: { b: { type: 'string' } } }] }, { closedObjects: true }) as any;
    expect(composed.allOf.map((member: any) => member.additionalProperties)).toEqual([undefined, undefined]);
    // An unread class (@nestjs/swagger's `properties: {}`) documents nothing to close.
    expect(toJsonSchema({ type: 'object', properties: {} }, { closedObjects: true })).toEqual({ type: 'object', properties: {} });
  });

  it('matches a request to its operation; a literal segment wins over a parameter', () => {
    const doc = {
      paths: {
        '/api/tranches/{id}': { get: { responses: {} }, put: { responses: {} } },
        '/api/tranches/overdue': { get: { responses: {} } },
        '/api/public/open-data/{file}': { get: { responses: {} } },
      },
    };
    expect(matchOperation(doc, 'GET', '/api/tranches/overdue')?.template).toBe('/api/tranches/overdue');
    expect(matchOperation(doc, 'PUT', '/api/tranches/overdue')?.template).toBe('/api/tranches/{id}');
    expect(matchOperation(doc, 'get', '/api/tranches/42?full=1')).toMatchObject({ method: 'GET', template: '/api/tranches/{id}' });
    expect(matchOperation(doc, 'GET', '/api/public/open-data/projects.csv')?.template).toBe('/api/public/open-data/{file}');
    expect(matchOperation(doc, 'GET', '/api/tranches/42/extra')).toBeNull();
    expect(matchOperation(doc, 'DELETE', '/api/tranches/42')).toBeNull();
    expect(matchOperation(doc, 'GET', '/api/nowhere')).toBeNull();
  });

  it('names undocumented statuses, missing schemas and bodies that do not match', () => {
    const doc = completed() as any;
    doc.paths['/api/things'].get.responses['200'] = ok({ type: 'array', items: { $ref: '#/components/schemas/Thing' } });
    doc.components.schemas.Thing = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    const check = (method: string, path: string, status: number, body: unknown, type = 'application/json; charset=utf-8') =>
      checkResponse(doc, method, path, status, type, body).map((v) => v.kind);

    expect(check('GET', '/api/things', 200, [{ id: 'a' }])).toEqual([]);
    expect(check('GET', '/api/things', 200, [{}])).toEqual(['schema-mismatch']);
    expect(check('GET', '/api/things', 200, [{ id: 'a', secret: 'x' }])).toEqual(['schema-mismatch']);
    expect(checkResponse(doc, 'GET', '/api/things', 200, 'application/json', [{ id: 'a', secret: 'x' }], { closedObjects: false })).toEqual([]);
    expect(check('GET', '/api/things', 418, '')).toEqual(['undocumented-status']);
    expect(check('GET', '/api/things', 401, toProblem(new NotFound('thing', '1')))).toEqual([]);
    expect(check('GET', '/api/things', 401, { statusCode: 401, message: 'Unauthorized' })).toEqual(['schema-mismatch']);
    expect(check('GET', '/api/things/1', 200, { id: 'a' })).toEqual(['no-schema']);
    expect(check('GET', '/api/public/open-data/x.csv', 200, 'a,b', 'text/csv')).toEqual([]);
    expect(check('GET', '/api/public/open-data/x.csv', 304, undefined, '')).toEqual([]);
    expect(check('GET', '/api/nowhere', 404, { anything: true })).toEqual([]);
  });

  it('says where the status is undocumented and what is documented', () => {
    const [violation] = checkResponse(completed(), 'GET', '/api/things?x=1', 418, 'application/json', {});
    expect(violation).toMatchObject({ method: 'GET', path: '/api/things', template: '/api/things', status: 418 });
    expect(violation.why).toBe('status 418 is not documented for GET /api/things (documented: 200, 400, 401, 403, 503)');
  });
});
