/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is free-form JSON as @nestjs/swagger emits it; its operations are read and completed here key by key. */
import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@pelekan/modules';

/**
 * The OpenAPI document as @nestjs/swagger builds it, completed with what the decorators cannot say:
 * the error answers every route shares (one `Problem` shape, from problem.filter.ts), the success
 * status of every operation, and the Idempotency-Key header. The integration tests check every answer
 * against this document (test/support/contract.ts), so what it says here must be what the API does.
 */

type Operation = Record<string, any>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: Record<string, any>;
}

/** What the document cannot tell about a handler: whether the AuthGuard lets it through without a token, and its success status. */
export interface HandlerFacts {
  isPublic: boolean;
  successStatus: number;
}

/** Handler facts by operationId (@nestjs/swagger's default: `${ControllerClass}_${method}`). */
export type RouteFacts = ReadonlyMap<string, HandlerFacts>;

const MUTATING = ['post', 'put', 'patch', 'delete'];
const METHODS = ['get', 'head', 'options', ...MUTATING];
const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Completes `document` in place; `facts` (from routeFacts) ties operations to their handlers. */
export function completeOpenApiDocument(document: OpenApiDocument, facts: RouteFacts = new Map()): void {
  documentIdempotencyKey(document);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const [path, method, operation] of operationsOf(document)) {
    const handler = facts.get(operation.operationId);
    operation.responses ??= {};
    documentSuccess(operation, handler?.successStatus ?? (method === 'post' ? 201 : 200));
    documentSpecialAnswers(path, method, operation);
    documentProblems(path, method, operation, isPublic(operation, handler));
  }
}

/**
 * Public means what the AuthGuard decides: @Public() on the handler or its controller. The document's
 * `security` is only a hint for clients and says otherwise for GET /health (public, with an optional
 * token for administrators); it is used only for an operation whose handler is unknown (a custom
 * operationId), where no `security` at all is the best guess.
 */
function isPublic(operation: Operation, handler: HandlerFacts | undefined): boolean {
  return handler ? handler.isPublic : !(operation.security ?? []).length;
}

function operationsOf(document: OpenApiDocument): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    METHODS.filter((method) => operations[method]).map((method): [string, string, Operation] => [path, method, operations[method]]),
  );
}

/** @nestjs/swagger adds the default success status only when no @ApiResponse is given at all. */
function documentSuccess(operation: Operation, status: number): void {
  const hasSuccess = Object.keys(operation.responses).some((code) => /^[23]/.test(code));
  if (!hasSuccess) operation.responses[String(status)] = { description: '' };
}

/** Every status the shared machinery (validation, guard, hardening, idempotency, error filter) can answer. */
function documentProblems(path: string, method: string, operation: Operation, isPublicRoute: boolean): void {
  const add = (status: number, description: string, headers?: Record<string, unknown>) => {
    operation.responses[String(status)] ??= { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: PROBLEM_REF } } };
  };
  add(400, 'Bad input: a field breaks its rules (each one named in `errors`), malformed JSON, or text with a NUL or an unpaired surrogate');
  add(503, 'PostgreSQL or Temporal is down or busy; try again after Retry-After seconds', RETRY_AFTER);
  if (!isPublicRoute) {
    add(401, 'No bearer token, or one that is invalid, expired or ended');
    add(403, 'The role, organization or independence rules do not allow this caller');
  }
  if (isLogin(path)) add(401, 'Wrong username or password, or a disabled account');
  if (/\{[^}]+\}/.test(path)) {
    add(404, 'Nothing with this id (or one this caller may see)');
    add(414, 'A path parameter is longer than the router takes (100 characters)');
  }
  if (MUTATING.includes(method)) {
    add(409, 'The change conflicts with the current state, or a concurrent change, or a request with the same Idempotency-Key is still running');
    add(413, 'The body (or the uploaded file) is too large');
    add(415, 'The content type is not one this operation reads');
    if (hasIdempotencyKey(operation)) add(422, 'This Idempotency-Key was already used for a different request');
  }
  if (path.startsWith('/api/public/') || (isLogin(path) && method === 'post')) {
    add(429, 'Too many requests from this client (or for this username); try again after Retry-After seconds', RETRY_AFTER);
  }
}

/** Answers of particular routes that are not Problems (before documentProblems, which leaves a documented status alone). */
function documentSpecialAnswers(path: string, method: string, operation: Operation): void {
  if (method === 'get' && path.startsWith('/api/public/open-data/')) {
    operation.responses['304'] ??= { description: 'Not modified: If-None-Match still names the current ETag', headers: { ETag: ETAG } };
  }
  // The health probe answers 503 with its own body (which dependency is down), not a Problem.
  if (method === 'get' && path === '/health' && !operation.responses['503']) {
    const success = operation.responses['200'];
    operation.responses['503'] = { description: 'PostgreSQL or Temporal is down', ...(success?.content ? { content: success.content } : {}) };
  }
}

function isLogin(path: string): boolean {
  return path.endsWith('/auth/login');
}

function hasIdempotencyKey(operation: Operation): boolean {
  return (operation.parameters ?? []).some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key');
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } } };
const ETAG = { description: 'The version of the file', schema: { type: 'string' } };

/** Exactly what toProblem (problem.filter.ts) and the hardening hooks send; nothing else. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'The one shape of every error answer',
  required: ['statusCode', 'error', 'code', 'message'],
  additionalProperties: false,
  properties: {
    statusCode: { type: 'integer', description: 'The HTTP status, repeated' },
    error: { type: 'string', description: 'The status text, e.g. "Not Found"' },
    code: { type: 'string', description: 'A stable machine-readable reason, e.g. "not_found", "invalid_input"' },
    message: { type: 'string', description: 'What went wrong, for people' },
    errors: {
      type: 'array',
      description: 'The fields that broke their rules',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        additionalProperties: false,
        properties: {
          field: { type: 'string' },
          reason: { type: 'string' },
          sheet: { type: 'string', description: 'An uploaded spreadsheet: the sheet holding the value' },
          row: { type: 'integer', nullable: true, description: 'An uploaded spreadsheet: the row (1-based), null for the whole sheet' },
          column: { type: 'string', nullable: true, description: 'An uploaded spreadsheet: the column letter, null for the whole row or sheet' },
          reasonFa: { type: 'string', description: 'The reason in Persian' },
        },
      },
    },
    details: { type: 'object', additionalProperties: true, description: 'Facts about the refusal, e.g. retryAfterSeconds, dependency' },
  },
};

/** Every mutating operation of the OpenAPI document names the optional Idempotency-Key header. */
export function documentIdempotencyKey(document: { paths: Record<string, Record<string, any>> }): void {
  for (const [path, operations] of Object.entries(document.paths)) {
    if (path.endsWith('/auth/login')) continue;
    for (const method of ['post', 'put', 'patch', 'delete']) {
      const operation = operations[method];
      if (!operation) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any unique string (e.g. a UUID) per intended change: a repeat with the same key returns the first answer ' +
            'and changes nothing; the same key with a different request is refused with 422. Kept 24 hours.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      ];
    }
  }
}

/**
 * Reads every controller handler of `app` the way the AuthGuard and @nestjs/swagger do: @Public() on
 * the handler or its class (the handler's wins), and @HttpCode or the method's default status.
 */
export function routeFacts(app: INestApplication): RouteFacts {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const facts = new Map<string, HandlerFacts>();
  for (const controller of controllersOf(app)) {
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = controller.prototype[name];
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method === undefined) continue; // a helper, not a route
      facts.set(`${controller.name}_${name}`, {
        isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, controller]) === true,
        successStatus: Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (method === RequestMethod.POST ? 201 : 200),
      });
    }
  }
  return facts;
}

function controllersOf(app: INestApplication): Array<Type<any>> {
  const modules = [...app.get(ModulesContainer).values()];
  return modules.flatMap((module) => [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type<any>)).filter(Boolean);
}
