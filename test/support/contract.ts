/**
 * The API's contract, checked: every answer the integration tests receive is compared with the API's
 * own OpenAPI document. An answer breaks the contract when its status is not documented for the
 * operation, or its JSON body does not match the schema documented for that status (or none is).
 * Requests to paths the document does not describe (/api/docs, /api/nowhere) are not checked.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type OpenApiSchema = Record<string, any>;
export type JsonSchema = Record<string, any>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, OpenApiSchema> } & Record<string, any>;
}

// ---------------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema → JSON Schema (draft-07, as Ajv compiles it)
// ---------------------------------------------------------------------------------------------------

export interface ConvertOptions {
  /** What `#/components/schemas/` becomes in a $ref (default `#/$defs/`). */
  refBase?: string;
  /**
   * An object schema naming `properties` and no `additionalProperties` refuses other properties. The
   * API writes its answers from its own DTOs, so a property the document does not name is a gap in
   * the contract. (A DTO split over several allOf members would need to say additionalProperties;
   * @nestjs/swagger flattens inherited DTOs, so it does not emit those.)
   */
  closedObjects?: boolean;
}

/** Keywords of OpenAPI 3.0 that JSON Schema lacks or means differently; dropped after use. */
const OPENAPI_ONLY = new Set(['nullable', 'example', 'xml', 'externalDocs', 'discriminator', 'exclusiveMinimum', 'exclusiveMaximum']);
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const COMPONENT_SCHEMAS = '#/components/schemas/';

export function toJsonSchema(schema: OpenApiSchema | boolean, options: ConvertOptions = {}): JsonSchema | boolean {
  if (typeof schema !== 'object' || schema === null) return schema;
  const converted = schema.$ref ? { $ref: convertRef(schema.$ref, options) } : convertKeywords(schema, options);
  return schema.nullable === true ? allowNull(converted) : converted;
}

/** OpenAPI 3.0 ignores the siblings of a $ref; so does this (except `nullable`, which @nestjs/swagger may put there). */
function convertRef(ref: string, options: ConvertOptions): string {
  if (!ref.startsWith(COMPONENT_SCHEMAS)) throw new Error(`unsupported $ref ${ref}: only ${COMPONENT_SCHEMAS}… is resolved`);
  return `${options.refBase ?? '#/$defs/'}${ref.slice(COMPONENT_SCHEMAS.length)}`;
}

function convertKeywords(schema: OpenApiSchema, options: ConvertOptions): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (OPENAPI_ONLY.has(keyword) || keyword.startsWith('x-')) continue;
    out[keyword] = convertKeyword(keyword, value, schema, options);
  }
  // OpenAPI 3.0's boolean exclusiveMinimum/Maximum qualify minimum/maximum; JSON Schema's are the bound.
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    out.exclusiveMaximum = schema.maximum;
    delete out.maximum;
  }
  // Already JSON Schema's numeric form (OpenAPI 3.1): kept as it is.
  for (const bound of ['exclusiveMinimum', 'exclusiveMaximum']) {
    if (typeof schema[bound] === 'number') out[bound] = schema[bound];
  }
  if (options.closedObjects && namesProperties(schema) && schema.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** `properties: {}` (what @nestjs/swagger writes for a class it could not read) says nothing: left open. */
function namesProperties(schema: OpenApiSchema): boolean {
  return typeof schema.properties === 'object' && Object.keys(schema.properties).length > 0;
}

function convertKeyword(keyword: string, value: any, schema: OpenApiSchema, options: ConvertOptions): unknown {
  if (keyword === 'properties') return mapValues<OpenApiSchema, JsonSchema | boolean>(value, (property) => toJsonSchema(property, options));
  if (keyword === 'items' || keyword === 'not') return toJsonSchema(value, options);
  if (keyword === 'additionalProperties') return typeof value === 'object' ? toJsonSchema(value, options) : value;
  if (keyword === 'allOf' && value.length > 1) {
    // Members of a composition are open: each sees only its own share of the properties.
    return value.map((member: OpenApiSchema) => toJsonSchema(member, { ...options, closedObjects: false }));
  }
  if (SUBSCHEMA_LISTS.includes(keyword)) return value.map((member: OpenApiSchema) => toJsonSchema(member, options));
  if (keyword === 'enum' && schema.nullable === true && !value.includes(null)) return [...value, null];
  return value;
}

function allowNull(schema: JsonSchema): JsonSchema {
  // A composition (allOf/anyOf/oneOf beside `type`) would still refuse null through its members: wrap it.
  const composed = schema.$ref || SUBSCHEMA_LISTS.some((keyword) => keyword in schema);
  if (typeof schema.type === 'string' && !composed) return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

// ---------------------------------------------------------------------------------------------------
// A concrete request → the document's operation
// ---------------------------------------------------------------------------------------------------

export interface MatchedOperation {
  method: string; // upper case
  template: string; // as the document spells it, e.g. /api/tranches/{id}
  operation: Record<string, any>;
}

interface CompiledTemplate {
  template: string;
  pattern: RegExp;
  /** Per segment: 2 literal, 1 literal with a parameter in it, 0 only a parameter; a literal segment wins, as in the router. */
  specificity: number[];
}

const templatesByDocument = new WeakMap<OpenApiDocument, CompiledTemplate[]>();

/** The operation a request reaches, or null when the document has no such method on such a path. */
export function matchOperation(doc: OpenApiDocument, method: string, path: string): MatchedOperation | null {
  const pathname = path.split(/[?#]/)[0];
  const lower = method.toLowerCase();
  const candidates = templatesOf(doc).filter((t) => doc.paths[t.template][lower] && t.pattern.test(pathname));
  if (candidates.length === 0) return null;
  const [best] = candidates.sort((a, b) => compareSpecificity(b.specificity, a.specificity));
  return { method: method.toUpperCase(), template: best.template, operation: doc.paths[best.template][lower] };
}

function templatesOf(doc: OpenApiDocument): CompiledTemplate[] {
  let compiled = templatesByDocument.get(doc);
  if (!compiled) {
    compiled = Object.keys(doc.paths).map(compileTemplate);
    templatesByDocument.set(doc, compiled);
  }
  return compiled;
}

function compileTemplate(template: string): CompiledTemplate {
  const segments = template.split('/');
  const pattern = segments.map((segment) => segment.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')).join('/');
  return {
    template,
    pattern: new RegExp(`^${pattern}$`),
    specificity: segments.map((segment) => (!segment.includes('{') ? 2 : /^\{[^}]+\}$/.test(segment) ? 0 : 1)),
  };
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------
// An answer → the contract's violations
// ---------------------------------------------------------------------------------------------------

export type ViolationKind = 'undocumented-status' | 'no-schema' | 'schema-mismatch' | 'broken-schema';

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  /** The document's path template of the operation. */
  template: string;
  status: number;
  why: string;
}

export interface CheckOptions {
  /** See ConvertOptions.closedObjects (default true). */
  closedObjects?: boolean;
}

/**
 * What is wrong with one answer, by the document: `body` is the parsed JSON (undefined when the answer
 * has no body); bodies of other content types are not checked.
 */
export function checkResponse(
  doc: OpenApiDocument,
  method: string,
  path: string,
  status: number,
  contentType: string,
  body: unknown,
  options: CheckOptions = {},
): Violation[] {
  const match = matchOperation(doc, method, path);
  if (!match) return [];
  const violation = (kind: ViolationKind, why: string): Violation[] => [
    { kind, method: match.method, path: path.split(/[?#]/)[0], template: match.template, status, why },
  ];
  const operationName = `${match.method} ${match.template}`;
  const response = documentedResponse(doc, match.operation.responses ?? {}, status);
  if (!response) {
    const documented = Object.keys(match.operation.responses ?? {}).join(', ') || 'none';
    return violation('undocumented-status', `status ${status} is not documented for ${operationName} (documented: ${documented})`);
  }
  if (body === undefined || !isJson(contentType)) return [];
  const schema = jsonSchemaOf(response, contentType);
  if (!schema) {
    const types = Object.keys(response.content ?? {}).join(', ') || 'none';
    return violation('no-schema', `no JSON schema is documented for ${status} of ${operationName} (documented media types: ${types})`);
  }
  let validate: ValidateFunction;
  try {
    validate = validatorOf(doc, schema, options);
  } catch (error) {
    return violation('broken-schema', `the schema documented for ${status} of ${operationName} does not compile: ${(error as Error).message}`);
  }
  if (validate(body)) return [];
  return violation('schema-mismatch', `the body does not match the schema documented for ${status} of ${operationName}: ${describeErrors(validate.errors ?? [])}`);
}

/** The response object for `status`: exact, else its range (4XX), else `default`; $refs resolved. */
function documentedResponse(doc: OpenApiDocument, responses: Record<string, any>, status: number): Record<string, any> | undefined {
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return response?.$ref ? resolvePointer(doc, response.$ref) : response;
}

function resolvePointer(doc: OpenApiDocument, ref: string): any {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, part) => node?.[part], doc);
}

function isJson(contentType: string): boolean {
  return /[/+]json\b/i.test(contentType);
}

/** The schema of the answer's media type, or of any JSON media type, or of the wildcard. */
function jsonSchemaOf(response: Record<string, any>, contentType: string): OpenApiSchema | undefined {
  const content: Record<string, any> = response.content ?? {};
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const key = content[mediaType] ? mediaType : (Object.keys(content).find(isJson) ?? (content['*/*'] ? '*/*' : undefined));
  return key ? content[key]?.schema : undefined;
}

function describeErrors(errors: ErrorObject[]): string {
  const shown = errors.slice(0, 5).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as any).additionalProperty})` : '';
    return `${e.instancePath || '(body)'} ${e.message}${extra}`;
  });
  return shown.join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');
}

// One Ajv per document: the components are added once, each response schema compiled once.
interface DocumentValidators {
  ajv: Ajv;
  compiled: Map<string, ValidateFunction>;
}
const validatorsByDocument = new WeakMap<OpenApiDocument, Map<boolean, DocumentValidators>>();
const COMPONENTS_ID = 'openapi-components';

function validatorOf(doc: OpenApiDocument, schema: OpenApiSchema, options: CheckOptions): ValidateFunction {
  const closedObjects = options.closedObjects ?? true;
  const validators = validatorsFor(doc, closedObjects);
  const key = JSON.stringify(schema);
  let validate = validators.compiled.get(key);
  if (!validate) {
    validate = validators.ajv.compile(toJsonSchema(schema, { refBase: `${COMPONENTS_ID}#/$defs/`, closedObjects }) as JsonSchema);
    validators.compiled.set(key, validate);
  }
  return validate;
}

function validatorsFor(doc: OpenApiDocument, closedObjects: boolean): DocumentValidators {
  let byOption = validatorsByDocument.get(doc);
  if (!byOption) validatorsByDocument.set(doc, (byOption = new Map()));
  let validators = byOption.get(closedObjects);
  if (!validators) {
    const ajv = newAjv();
    const refBase = `${COMPONENTS_ID}#/$defs/`;
    ajv.addSchema({ $id: COMPONENTS_ID, $defs: mapValues(doc.components?.schemas ?? {}, (s) => toJsonSchema(s, { refBase, closedObjects })) });
    validators = { ajv, compiled: new Map() };
    byOption.set(closedObjects, validators);
  }
  return validators;
}

/**
 * Strict about keywords (an unknown one is a gap in the converter, better seen than skipped), not
 * about types: @nestjs/swagger writes `properties` without `type: object` at times.
 */
export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  addFormats(ajv); // includes OpenAPI's int32, int64, float, double, byte, binary, password
  return ajv;
}

// ---------------------------------------------------------------------------------------------------
// The violations of one test file (each file has its own module registry, so its own list)
// ---------------------------------------------------------------------------------------------------

export interface RecordedViolation extends Violation {
  /** The first 300 characters of the first body seen with this violation. */
  body: string;
  /** How many answers broke the contract this same way. */
  count: number;
}

const recorded = new Map<string, RecordedViolation>();
export const contractTally = { checked: 0, unchecked: 0 };

export function recordViolations(violations: Violation[], bodyText: string): void {
  for (const violation of violations) {
    const key = `${violation.method} ${violation.template} ${violation.status} ${violation.why}`;
    const seen = recorded.get(key);
    if (seen) seen.count += 1;
    else recorded.set(key, { ...violation, body: bodyText.slice(0, 300), count: 1 });
  }
}

/** The violations recorded so far, forgetting them. */
export function takeViolations(): RecordedViolation[] {
  const all = [...recorded.values()];
  recorded.clear();
  return all;
}

export function formatViolation(v: RecordedViolation): string {
  const times = v.count > 1 ? ` (×${v.count})` : '';
  return `${v.method} ${v.path} → ${v.status}: ${v.why}${times}\n    body: ${v.body === '' ? '(empty)' : v.body}`;
}

/** PELEKAN_CONTRACT=report prints the violations without failing the suite (default: fail). */
export function contractMode(): 'fail' | 'report' {
  return process.env.PELEKAN_CONTRACT === 'report' ? 'report' : 'fail';
}
