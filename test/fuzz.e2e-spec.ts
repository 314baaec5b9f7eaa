/**
 * Property-based fuzzing of the whole API from its own OpenAPI document (fast-check): for every
 * operation, requests that follow the schema or break it in one labelled way, sent as callers the
 * route admits and as others. Properties: no answer is ever a 5xx, and a request that breaks the
 * schema is never accepted (2xx).
 *
 * FUZZ_RUNS requests in all (default 4000, about a minute); `npm run fuzz` runs 25000. FUZZ_SEED
 * replays a run (the seed is printed).
 */
import fc from 'fast-check';
import type { Role } from '@pelekan/modules';
import { MATRIX, PUBLIC } from './support/access-matrix';
import { demoProject, pdfBytes } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { GeneratedRequest, Operation, operationsOf, SchemaArbitraries } from './support/openapi-fuzz';

const RUNS = Number(process.env.FUZZ_RUNS ?? 4000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const USERS: Record<Role, string> = { admin: 'admin', pbo: 'pbo.officer1', agency: 'agency.demo', committee: 'committee.mict' };
const ROLES = Object.keys(USERS) as Role[];

jest.setTimeout(Math.max(300_000, RUNS * 200));

describe('fuzzing the API from its OpenAPI document', () => {
  let h: Harness;
  let doc: any;
  const ids = new Set<string>();
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    // Generous limits: the fuzzer signs in with random names far more often than a person would.
    h = await startHarness({ demoData: true, env: { LOGIN_RATE_LIMIT: '1000000', PUBLIC_RATE_LIMIT: '1000000', LOG_LEVEL: 'error' } });
    doc = (await h.http.request('GET', '/api/openapi.json')).body;
    for (const role of ROLES) tokens.set(role, await h.http.login(USERS[role]));
    const demo = await demoProject(h.http);
    ids.add(demo.projectId);
    for (const code of ['1', '2', '3', '4']) ids.add(demo.item(code));
    ids.add(demo.tranche(1));
    ids.add(demo.tranche(2));
    const evidence = await h.http.as('agency.demo').upload('/api/evidence', 'seed.pdf', pdfBytes('seed'));
    ids.add(evidence.body.id);
    // Not the users: the fuzzer would disable or reset its own callers.
    for (const table of ['organizations', 'portfolios', 'progress_declarations', 'verification_decisions', 'escalation_cases', 'challenges', 'plan_revisions', 'notifications', 'tranche_holds']) {
      const rows = await h.db.query(`SELECT id::text AS id FROM ${table} ORDER BY random() LIMIT 5`).catch(() => []);
      for (const row of rows) ids.add(row.id);
    }
  });
  afterAll(() => h?.close());

  async function send(op: Operation, request: GeneratedRequest, role: Role | null) {
    const url = `${request.path}${request.query ? `?${request.query}` : ''}`;
    let token = role ? tokens.get(role) : undefined;
    // Signing out ends the token it is sent with: never the shared ones.
    if (role && op.template.endsWith('/auth/logout')) {
      token = (await h.http.request('POST', '/api/auth/login', { json: { username: USERS[role], password: 'pelekan-demo' } })).body.accessToken;
    }
    if (request.body.kind === 'json') {
      return h.http.request(op.method, url, { token, body: JSON.stringify(request.body.value) ?? 'null', headers: { 'content-type': 'application/json' } });
    }
    if (request.body.kind === 'multipart') {
      const form = new FormData();
      form.append('file', new Blob([request.body.bytes], { type: request.body.type }), request.body.filename);
      return h.http.request(op.method, url, { token, body: form });
    }
    return h.http.request(op.method, url, { token });
  }

  it(`answers ${RUNS} generated requests without a 5xx, and refuses every request that breaks the schema (seed ${SEED})`, async () => {
    const operations = operationsOf(doc);
    const arbitraries = new SchemaArbitraries(doc, () => [...ids]);
    const perOperation = Math.max(5, Math.ceil(RUNS / operations.length));
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const op of operations) {
      const route = `${op.method} ${op.template}`;
      const allowed = MATRIX[route];
      const admitted: Array<Role | null> = allowed === PUBLIC ? [null] : (allowed ?? ROLES);
      const caller = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...admitted) },
        { weight: 1, arbitrary: fc.constantFrom<Role | null>(null, ...ROLES) },
      );
      const result = await fc.check(
        fc.asyncProperty(arbitraries.request(op), caller, async (request, role) => {
          const answer = await send(op, request, role);
          sent++;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 200 && answer.status < 300 && typeof answer.body?.id === 'string') ids.add(answer.body.id);
          if (answer.status >= 500) return false;
          if (request.invalid && answer.status < 300) return false;
          return true;
        }),
        { numRuns: perOperation, seed: SEED, endOnFailure: true },
      );
      if (result.failed) {
        const [request, role] = result.counterexample as [GeneratedRequest, Role | null];
        const answer = await send(op, request, role);
        failures.push(
          `${route} as ${role ?? 'anonymous'}: ${request.invalid ? `invalid (${request.invalid})` : 'valid'} request ` +
            `${request.path}${request.query ? `?${request.query}` : ''} ${JSON.stringify(request.body).slice(0, 400)} → ${answer.status} ` +
            `${JSON.stringify(answer.body).slice(0, 300)}`,
        );
      }
    }
    console.log(`fuzz: ${sent} requests over ${operations.length} operations (seed ${SEED}); answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(Math.min(RUNS, operations.length * 5));
  });
});
