/**
 * Requests generated from the API's own OpenAPI document with fast-check: for every operation, path
 * and query parameters and a JSON (or multipart) body that either follow the schema or break it in
 * one known way. A broken request is labelled with how it breaks the schema, so the fuzzer can insist
 * that the server refuses it.
 */
import fc from 'fast-check';

type Schema = Record<string, any>;

/** Strings no text column can hold: a NUL, unpaired UTF-16 surrogates. */
export const UNSTORABLE = ['a\u0000b', '\u0000', 'x\ud800', '\udc00y', 'ok\ud83d'];

export interface Operation {
  method: string;
  template: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; required: boolean; schema: Schema }>;
  body: { kind: 'json'; schema: Schema; required: boolean } | { kind: 'multipart' } | null;
}

export interface GeneratedRequest {
  path: string;
  query: string;
  body: { kind: 'json'; value: unknown } | { kind: 'multipart'; filename: string; type: string; bytes: Uint8Array } | { kind: 'none' };
  /** Why the request breaks the schema, or null when it follows it. */
  invalid: string | null;
}

export function operationsOf(doc: any): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params: any[] = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase(),
        template,
        // Ids are UUIDs (the server's IdParam says so; the document does not yet).
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({
            name: p.name,
            schema: /^id$|Id$/.test(p.name) && (!p.schema || (p.schema.type === 'string' && !p.schema.format && !p.schema.pattern))
              ? { type: 'string', format: 'uuid' }
              : (p.schema ?? { type: 'string' }),
          })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema ?? { type: 'string' } })),
        body: content['application/json']
          ? { kind: 'json', schema: content['application/json'].schema, required: op.requestBody.required !== false }
          : content['multipart/form-data']
            ? { kind: 'multipart' }
            : null,
      });
    }
  }
  return operations;
}

export class SchemaArbitraries {
  constructor(
    private readonly doc: any,
    /** Real ids to use for uuid fields part of the time, so requests reach past "not found". */
    private readonly ids: () => string[],
  ) {}

  resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s?.$ref && i < 10; i++) s = this.doc.components.schemas[s.$ref.split('/').pop()];
    if (s?.allOf) return s.allOf.map((x: Schema) => this.resolve(x)).reduce((a: Schema, b: Schema) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] }), {});
    return s ?? {};
  }

  /** Values the schema accepts. */
  valid(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    if (s.enum) return fc.constantFrom(...s.enum);
    if (s.oneOf || s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf).map((x: Schema) => this.valid(x, depth + 1)));
    switch (s.type) {
      case 'string':
        return this.validString(s);
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.oneof(
          fc.integer({ min: Math.ceil(s.minimum ?? -1_000_000), max: Math.floor(s.maximum ?? 1_000_000) }),
          fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }),
        );
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const min = s.minItems ?? 0;
        const max = Math.min(s.maxItems ?? 5, min + (depth > 1 ? 1 : 4));
        const items = this.valid(s.items ?? {}, depth + 1);
        return s.uniqueItems ? fc.uniqueArray(items, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) }) : fc.array(items, { minLength: min, maxLength: max });
      }
      case 'object':
      default: {
        if (!s.properties) return s.type === 'object' ? fc.constant({}) : fc.oneof(fc.string(), fc.integer(), fc.boolean());
        const required: string[] = s.required ?? [];
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, prop] of Object.entries<Schema>(s.properties)) record[name] = this.valid(prop, depth + 1);
        return fc.record(record, { requiredKeys: required.filter((r) => r in record) });
      }
    }
  }

  private validString(s: Schema): fc.Arbitrary<string> {
    if (s.format === 'uuid') {
      const known = fc.nat().map((i) => {
        const ids = this.ids();
        return ids.length ? ids[i % ids.length] : '00000000-0000-4000-8000-000000000000';
      });
      return fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: fc.uuid() });
    }
    if (s.format === 'date-time') {
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    }
    if (s.format === 'binary') return fc.string();
    const min = s.minLength ?? 0;
    const max = Math.min(s.maxLength ?? 40, min + 60);
    if (s.pattern) {
      const pattern = new RegExp(s.pattern);
      return fc.stringMatching(pattern).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
    }
    return fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom('a', 'ب', '۱', ' ', 'Z', '-', '9', '"', '\\', '\u200c', '😀', '<', "'") });
  }

  /** A value of `schema` broken in one way the schema forbids; null when the schema allows anything. */
  invalid(schema: Schema, depth = 0): fc.Arbitrary<{ value: unknown; why: string }> | null {
    const s = this.resolve(schema);
    const ways: Array<fc.Arbitrary<{ value: unknown; why: string }>> = [];
    const wrongType = (why: string, ...values: unknown[]) => ways.push(fc.constantFrom(...values).map((value) => ({ value, why })));
    if (s.enum) {
      ways.push(fc.string({ minLength: 1, maxLength: 12 }).filter((v) => !s.enum.includes(v)).map((value) => ({ value, why: 'not one of the enum values' })));
    }
    switch (s.type) {
      case 'string':
        wrongType('a number or object where a string is expected', 12345, { nested: true }, [], true);
        // Text PostgreSQL cannot store, or that is not Unicode: must be a 400 naming the field, never a 500.
        ways.push(fc.constantFrom(...UNSTORABLE).map((value) => ({ value, why: 'contains a NUL or an unpaired surrogate' })));
        if (s.format === 'uuid') ways.push(fc.constantFrom('not-a-uuid', '1234', "' OR 1=1 --", '00000000-0000-0000-0000-00000000000g').map((value) => ({ value, why: 'not a uuid' })));
        if (s.format === 'date-time') ways.push(fc.constantFrom('yesterday', '2025-13-01T00:00:00Z', '1402/08/13', '').map((value) => ({ value, why: 'not an ISO instant' })));
        if (s.maxLength !== undefined && s.maxLength < 5000) {
          ways.push(fc.integer({ min: s.maxLength + 1, max: s.maxLength + 40 }).map((n) => ({ value: 'x'.repeat(n), why: `longer than ${s.maxLength}` })));
        }
        if (s.minLength) ways.push(fc.constant({ value: 'x'.repeat(s.minLength - 1), why: `shorter than ${s.minLength}` }));
        if (s.pattern) {
          const pattern = new RegExp(s.pattern);
          ways.push(
            fc.constantFrom('-1', '1.5', '1e9', '۱۲۳', ' ', 'a b', '<script>', '%00', '99999999999999999999999', '')
              .filter((v) => !pattern.test(v))
              .map((value) => ({ value, why: `does not match ${s.pattern}` })),
          );
        }
        break;
      case 'number':
      case 'integer':
        wrongType('a string where a number is expected', '12', 'abc', null, [], {});
        if (s.maximum !== undefined) ways.push(fc.integer({ min: 1, max: 1_000_000 }).map((d) => ({ value: s.maximum + d, why: `above ${s.maximum}` })));
        if (s.minimum !== undefined) ways.push(fc.integer({ min: 1, max: 1_000_000 }).map((d) => ({ value: s.minimum - d, why: `below ${s.minimum}` })));
        break;
      case 'boolean':
        wrongType('not a boolean', 'true', 1, 'yes', null);
        break;
      case 'array': {
        wrongType('not an array', 'x', 7, { a: 1 });
        if (s.minItems) ways.push(fc.constant({ value: [], why: `fewer than ${s.minItems} items` }));
        const inner = depth < 3 ? this.invalid(s.items ?? {}, depth + 1) : null;
        if (inner) {
          ways.push(
            fc.tuple(this.valid(s, depth + 1), inner).map(([arr, bad]) => ({
              value: [bad.value, ...(arr as unknown[])].slice(0, Math.max(1, (s.maxItems ?? 10) - 0)),
              why: `item: ${bad.why}`,
            })),
          );
        }
        break;
      }
      default:
        if (!s.properties) break;
        wrongType('not an object', 'text', 42, [1, 2], null);
        ways.push(this.valid(s, depth + 1).map((v) => ({ value: { ...(v as object), unexpectedField: 'x' }, why: 'has an unknown field' })));
        for (const name of (s.required ?? []) as string[]) {
          ways.push(this.valid(s, depth + 1).map((v) => {
            const { [name]: _gone, ...rest } = v as Record<string, unknown>;
            return { value: rest, why: `misses required ${name}` };
          }));
        }
        for (const [name, prop] of Object.entries<Schema>(s.properties)) {
          let bad = depth < 3 ? this.invalid(prop, depth + 1) : null;
          if (!bad) continue;
          // null for an optional field means "absent" (class-validator's IsOptional), not a wrong type.
          if (!(s.required ?? []).includes(name)) bad = bad.filter((b) => b.value !== null);
          ways.push(fc.tuple(this.valid(s, depth + 1), bad).map(([v, b]) => ({ value: { ...(v as object), [name]: b.value }, why: `${name}: ${b.why}` })));
        }
    }
    return ways.length ? fc.oneof(...ways) : null;
  }

  /** A whole request for `op`: valid, or invalid in one labelled way. */
  request(op: Operation): fc.Arbitrary<GeneratedRequest> {
    const paramValue = (schema: Schema) => {
      const good = this.valid(schema).map((v) => ({ value: String(v), invalid: null as string | null }));
      const breaking = ['not-a-uuid', '0', '-1', '%20', '..%2F..', "'", 'x'.repeat(300), '1.5'].filter((v) => !matches(this.resolve(schema), v));
      if (breaking.length === 0) return good;
      return fc.oneof(
        { weight: 6, arbitrary: good },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...breaking).map((value) => ({ value, invalid: `path parameter ${value.slice(0, 12)} breaks its schema` as string | null })),
        },
      );
    };
    const path = fc.tuple(...op.pathParams.map((p) => paramValue(p.schema).map((v) => ({ ...v, name: p.name })))).map((parts) => ({
      path: op.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parts.find((p) => p.name === name)!.value).replace(/%25/g, '%')),
      invalid: parts.find((p) => p.invalid)?.invalid ?? null,
    }));
    // A query value is sometimes text that cannot be stored: %00, or a lone surrogate's bytes.
    const queryValue = (p: { name: string; schema: Schema }) =>
      fc.oneof(
        { weight: 8, arbitrary: this.valid(p.schema).map((v) => ({ text: `${encodeURIComponent(p.name)}=${encodeURIComponent(String(v))}`, invalid: null as string | null })) },
        { weight: 1, arbitrary: fc.constantFrom('a%00b', '%00').map((v) => ({ text: `${encodeURIComponent(p.name)}=${v}`, invalid: `query ${p.name} contains a NUL` as string | null })) },
      );
    const query = fc
      .tuple(...op.queryParams.map((p) => (p.required ? queryValue(p) : fc.option(queryValue(p), { nil: undefined, freq: 2 }))))
      .map((parts) => {
        const present = parts.filter((p): p is { text: string; invalid: string | null } => p !== undefined);
        return { text: present.map((p) => p.text).join('&'), invalid: present.find((p) => p.invalid)?.invalid ?? null };
      });
    let body: fc.Arbitrary<{ body: GeneratedRequest['body']; invalid: string | null }> = fc.constant({ body: { kind: 'none' as const }, invalid: null });
    if (op.body?.kind === 'json') {
      const schema = op.body.schema;
      const bad = this.invalid(schema);
      const good = this.valid(schema).map((value) => ({ body: { kind: 'json' as const, value }, invalid: null as string | null }));
      body = bad
        ? fc.oneof(good, bad.map((b) => ({ body: { kind: 'json' as const, value: b.value }, invalid: `body ${b.why}` as string | null })))
        : good;
    } else if (op.body?.kind === 'multipart') {
      body = fc
        .record({
          filename: fc.oneof(fc.constantFrom('a.pdf', 'x.png', '../../etc/passwd', 'گزارش.txt', '', 'a"b.pdf', '\u0000.pdf'), fc.string()),
          type: fc.constantFrom('application/pdf', 'text/plain', 'image/png', 'application/x-msdownload', ''),
          bytes: fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.string().map((s) => new TextEncoder().encode(`%PDF-1.4\n${s}\n%%EOF`)),
            fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
          ),
        })
        .map((file) => ({ body: { kind: 'multipart' as const, ...file }, invalid: null }));
    }
    return fc
      .tuple(path, query, body)
      .map(([p, q, b]) => ({ path: p.path, query: q.text, body: b.body, invalid: p.invalid ?? q.invalid ?? b.invalid }));
  }
}

/** Whether a path parameter's text could be valid for its schema (true when the schema says nothing). */
function matches(schema: Schema, value: string): boolean {
  if (schema.format === 'uuid') return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  if (schema.pattern) return new RegExp(schema.pattern).test(value);
  if (schema.type === 'integer') return /^-?\d+$/.test(value);
  if (schema.type === 'number') return value !== '' && !Number.isNaN(Number(value));
  return true;
}
