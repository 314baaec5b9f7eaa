/**
 * The authorization matrix: every route of the API (read from its own OpenAPI document) × every kind
 * of caller gets exactly the answer the table below says. A route missing from the table fails the
 * suite, so a new endpoint cannot ship without deciding who may call it.
 *
 * Callers: no token, an expired token, and a signed-in user of each role. A refused caller gets
 * exactly 401 (no or bad token) or 403 (role); an allowed one gets past authorization (its answer
 * is then about the request: 2xx, 400, 404, 409, never 401/403/5xx). The requests use unknown ids
 * and empty bodies, so the matrix changes nothing. Organization rules (an agency on another agency's
 * project, a committee member on their own agency's item, four eyes) are checked on real data below.
 *
 * Adding a route: add a line `'METHOD /api/path/{param}': [roles...]` (or PUBLIC, or SIGNED_IN) to
 * MATRIX in test/support/access-matrix.ts.
 */
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { Role } from '@pelekan/modules';
import { MATRIX, PUBLIC, SIGNED_IN } from './support/access-matrix';
import { declare, demoProject, pdfBytes } from './support/demo';
import { createUser, orgId, projectWithChain } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

type Caller = 'no token' | 'expired token' | Role;
const CALLERS: Caller[] = ['no token', 'expired token', 'admin', 'pbo', 'agency', 'committee'];
const USER_OF: Record<Role, string> = { admin: 'admin', pbo: 'pbo.officer1', agency: 'agency.demo', committee: 'committee.mict' };

/** Routes of the running API, from its OpenAPI document. */
async function routesOf(h: Harness): Promise<string[]> {
  const { body: doc } = await h.http.request('GET', '/api/openapi.json');
  return Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

describe('authorization matrix', () => {
  let h: Harness;
  let routes: string[];
  const tokens = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    routes = await routesOf(h);
    const [admin] = await h.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    tokens.set('no token', undefined);
    tokens.set('expired token', await new JwtService({ secret: h.env.JWT_SECRET }).signAsync({ sub: admin.id }, { expiresIn: -60 }));
    for (const role of SIGNED_IN) tokens.set(role, await h.http.login(USER_OF[role]));
  });
  afterAll(() => h?.close());

  it('covers every route of the API, and only those', () => {
    const missing = routes.filter((r) => !(r in MATRIX));
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
    // A new route needs a line in MATRIX (test/support/access-matrix.ts) saying who may call it.
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('gives every caller exactly the answer the table says, on every route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r in MATRIX)) {
      const [method, template] = route.split(' ');
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => (/number/i.test(name) ? '1' : randomUUID()));
      const allowed = MATRIX[route];
      for (const caller of CALLERS) {
        let token = tokens.get(caller);
        // Signing out ends the token it is sent with: use a fresh one, so the others stay valid.
        if (route === 'POST /api/auth/logout' && token && caller !== 'expired token') {
          const fresh = await h.http.request('POST', '/api/auth/login', { json: { username: USER_OF[caller as Role], password: 'pelekan-demo' } });
          token = fresh.body.accessToken;
        }
        const isPublic = allowed === PUBLIC;
        const answer = await h.http.request(method, path, {
          token,
          ...(method === 'GET' || method === 'DELETE' ? {} : { json: route === 'POST /api/auth/login' ? { username: 'nobody', password: 'x' } : {} }),
        });
        let expected: string;
        if (isPublic) expected = 'served';
        else if (caller === 'no token' || caller === 'expired token') expected = '401';
        else expected = (allowed).includes(caller) ? 'served' : '403';
        const got = answer.status === 401 && route !== 'POST /api/auth/login' ? '401' : answer.status === 403 ? '403' : answer.status >= 500 ? `${answer.status}` : 'served';
        if (got !== expected) wrong.push(`${route} as ${caller}: expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`);
        if (expected === '401') expect(answer.body.code).toBe('unauthorized');
        if (expected === '403') expect(answer.body.code).toBe('role_not_allowed');
      }
    }
    expect(wrong).toEqual([]);
  });

  it('says why a token is refused', async () => {
    const none = await h.http.request('GET', '/api/projects');
    expect(none.body.message).toContain('Bearer');
    const expired = await h.http.request('GET', '/api/projects', { token: tokens.get('expired token') });
    expect(expired.body.message).toContain('expired');
    const garbage = await h.http.request('GET', '/api/projects', { token: 'not.a.token' });
    expect(garbage).toMatchObject({ status: 401, body: { message: 'the token is not valid' } });
  });

  describe('organization rules on real data', () => {
    const ARAO = 'administrative-and-recruitment-affairs-organization';
    let demo: Awaited<ReturnType<typeof demoProject>>;
    let arao: Awaited<ReturnType<typeof projectWithChain>>;

    beforeAll(async () => {
      demo = await demoProject(h.http);
      await createUser(h.http, 'agency.other', 'agency', await orgId(h.http, ARAO));
      arao = await projectWithChain(h.http, 'AUTHZ-ARAO', await orgId(h.http, ARAO));
    });

    it("refuses an agency acting on another agency's project", async () => {
      const other = h.http.as('agency.other');
      const plan = {
        items: [{ code: 'X', titleFa: 'x', titleEn: 'x', weight: 100, plannedStart: '2025-01-01T00:00:00Z', plannedEnd: '2025-06-01T00:00:00Z', budgetRials: '1' }],
        links: [],
      };
      const evidence = await h.http.as('agency.demo').upload('/api/evidence', 'own.pdf', pdfBytes('own'));
      const mine = await other.upload('/api/evidence', 'mine.pdf', pdfBytes('mine'));
      const answers = {
        declare: await other.post(`/api/items/${demo.item('3')}/declarations`, { percent: 10, note: 'not ours', evidenceIds: [mine.body.id] }),
        plan: await other.put(`/api/projects/${demo.projectId}/action-plan`, plan),
        readEvidence: await other.get(`/api/evidence/${evidence.body.id}`),
        evidenceContent: await other.get(`/api/evidence/${evidence.body.id}/content`),
        citeEvidence: await h.http
          .as('agency.demo')
          .post(`/api/items/${demo.item('3')}/declarations`, { percent: 10, note: 'x', evidenceIds: [mine.body.id] }),
        revision: await other.post(`/api/projects/${demo.projectId}/plan-revisions`, { ...plan, reason: 'not ours' }),
        challenge: await other.post(`/api/projects/${demo.projectId}/challenges`, { category: 'other', description: 'not ours', itemIds: [] }),
      };
      const statuses = Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]));
      expect(statuses).toEqual({
        declare: 403,
        plan: 403,
        readEvidence: 403,
        evidenceContent: 403,
        citeEvidence: 400,
        revision: 403,
        challenge: 403,
      });
      expect(answers.citeEvidence.body.errors[0].field).toBe('evidenceIds');
      expect(answers.declare.body.code).toBe('not_item_owner');
      const balances = await other.get('/api/ledger/balances');
      expect(balances.status).toBe(200);
      expect(balances.body.every((b: any) => b.organization?.code === ARAO)).toBe(true);
    });

    it("refuses a committee member verifying their own agency's item", async () => {
      const declaration = await declare(h.http, 'agency.other', arao.item('A'), 100);
      const own = await h.http.as('committee.arao').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(own.status).toBe(403);
      expect(own.body.code).toBe('conflict_of_interest');
      const independent = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(independent.status).toBe(201);
    });

    it('refuses the officer who created a tranche approving it (four eyes), and a non-recipient reporting its spending', async () => {
      const id = demo.tranche(1);
      await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');
      const creator = (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body.createdBy;
      const [{ username }] = await h.db.query('SELECT username FROM users WHERE id = $1', [creator]);
      const self = await h.http.as(username).post(`/api/tranches/${id}/decision`, { action: 'approve' });
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('four_eyes');

      // Released: only agencies that received money report spending against it.
      const other = username === 'pbo.officer1' ? 'pbo.officer2' : 'pbo.officer1';
      expect((await h.http.as(other).post(`/api/tranches/${id}/decision`, { action: 'approve' })).status).toBe(201);
      await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body, (t) => t.state === 'released');
      const spending = await h.http.as('agency.other').post(`/api/tranches/${id}/spending`, { amountRials: '1', note: 'not ours' });
      expect(spending.status).toBe(403);
      expect(spending.body.code).toBe('not_recipient');
    });

    it('refuses a disabled account at once, even with a valid token', async () => {
      const user = await createUser(h.http, 'agency.leaver', 'agency', await orgId(h.http, ARAO));
      expect((await h.http.as('agency.leaver').get('/api/auth/me')).status).toBe(200);
      await h.db.query('UPDATE users SET active = false WHERE id = $1', [user.id]);
      const answer = await h.http.as('agency.leaver').get('/api/auth/me');
      expect(answer.status).toBe(401);
    });
  });
});
