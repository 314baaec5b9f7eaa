/**
 * Bounds an attacker used to get around: text PostgreSQL refuses, a sign-in limit chosen by
 * X-Forwarded-For, unbounded password hashing, formulas in open data, open data rebuilt on every
 * request, graph searches exponential in the plan, and locks waited on forever.
 */
import { Client as PgClient } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../apps/api/src/app';
import { orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { Http } from './support/http';


/**
 * Sign-in limits count in fixed one-minute windows: a run of attempts that crosses a minute boundary
 * starts counting again. Runs that must land in one window start with at least 25 s of it left.
 */
async function clearOfWindowEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 25_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('limits', () => {
  describe('text the database cannot store', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false });
    });
    afterAll(() => h?.close());

    it.each([
      ['a NUL in a body field', 'POST', '/api/portfolios', '{"code":"NUL-1","nameFa":"a\\u0000b","nameEn":"x"}', 'nameFa', 'NUL'],
      ['an unpaired surrogate in a body field', 'POST', '/api/portfolios', '{"code":"SUR-1","nameFa":"x","nameEn":"x\\ud800"}', 'nameEn', 'surrogate'],
      ['a NUL in a nested field', 'PUT', '/api/projects/{project}/action-plan', '{"items":[{"code":"A","titleFa":"\\u0000"}],"links":[]}', 'items[0].titleFa', 'NUL'],
      ['a NUL in a query parameter', 'GET', '/api/audit/entries?actor=a%00b', undefined, 'actor', 'NUL'],
    ])('answers 400 naming the field for %s', async (_, method, template, body, field, what) => {
      const { body: projects } = await h.http.as('admin').get('/api/projects');
      const path = template.replace('{project}', projects.items[0].id);
      const answer = await h.http.request(method, path, {
        token: await h.http.login('admin'),
        ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ field, reason: expect.stringContaining(what) })]);
    });
  });

  describe('sign-in and public limits', () => {
    let h: Harness;
    let second: NestFastifyApplication;
    let secondHttp: Http;
    const attempt = (http: Http, username: string, forwardedFor: string) =>
      http.request('POST', '/api/auth/login', { json: { username, password: 'wrong-password' }, headers: { 'x-forwarded-for': forwardedFor } });

    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false, env: { LOGIN_RATE_LIMIT: '3', PUBLIC_RATE_LIMIT: '5' } });
      // A second API instance on the same database, as a deployment with two would run.
      second = await createApiApp(h.env);
      await second.listen({ port: 0, host: '127.0.0.1' });
      secondHttp = new Http(await second.getUrl());
    });
    afterAll(async () => {
      await second?.close();
      await h?.close();
    });

    it('is not reset by a forged X-Forwarded-For, and holds across API instances', async () => {
      await clearOfWindowEdge();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt(i % 2 ? secondHttp : h.http, 'pbo.officer1', `10.0.0.${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const limited = await attempt(h.http, 'pbo.officer1', '10.9.9.9');
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.body.code).toBe('too_many_requests');
      // The right password is refused too while the username is limited.
      expect((await h.http.request('POST', '/api/auth/login', { json: { username: 'pbo.officer1', password: 'pelekan-demo' } })).status).toBe(429);
    });

    it('limits one username whatever address the attempts come from, even through a trusted proxy', async () => {
      const proxied = await startHarness({ demoData: true, worker: false, env: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: '127.0.0.1' } });
      try {
        await clearOfWindowEdge();
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await attempt(proxied.http, 'admin', `198.51.100.${i}`)).status);
        expect(statuses).toEqual([401, 401, 401, 429]);
        // And one address, whatever the usernames: ten times the per-user limit.
        await clearOfWindowEdge();
        const spread: number[] = [];
        for (let i = 0; i < 31; i++) spread.push((await attempt(proxied.http, `nobody${i}`, '203.0.113.7')).status);
        expect(spread.filter((s) => s === 429)).toHaveLength(1);
        expect(spread[30]).toBe(429);
      } finally {
        await proxied.close();
      }
    });

    it('rate-limits the public portal per address (429 with Retry-After)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await secondHttp.get('/api/public/portfolios')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await secondHttp.get('/api/public/portfolios');
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });

  describe('password hashing under a burst of sign-ins', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false, env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' } });
    });
    afterAll(() => h?.close());

    it('hashes a bounded number at once and answers the rest 503 with Retry-After', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => h.http.request('POST', '/api/auth/login', { json: { username: `burst${i}`, password: 'x'.repeat(12) } })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(2);
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0].body.code).toBe('busy');
      expect(busy[0].headers.get('retry-after')).toBe('1');
      expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    });
  });

  describe('open data', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false });
    });
    afterAll(() => h?.close());

    it('neutralises a title a spreadsheet would run as a formula', async () => {
      const { body: portfolio } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'CSV-1', nameFa: 'x', nameEn: 'x' });
      const hostile = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB'];
      for (const [i, nameEn] of hostile.entries()) {
        const created = await h.http.as('pbo.officer1').post('/api/projects', {
          portfolioId: portfolio.id,
          code: `F${i}`,
          nameFa: 'x',
          nameEn,
          leadAgencyId: await orgId(h.http, 'demo-agency'),
        });
        expect(created.status).toBe(201);
      }
      const csv: string = (await h.http.get('/api/public/open-data/projects.csv')).body;
      for (const name of hostile) expect(csv).toContain(`'${name}`.replace(/"/g, '""'));
      expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    });

    it('serves a cached file with an ETag, 304 when unchanged, and a new one once the data changes', async () => {
      const first = await h.http.get('/api/public/open-data/portfolios.csv');
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await h.http.request('GET', '/api/public/open-data/portfolios.csv', { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'ETAG-NEW', nameFa: 'تازه', nameEn: 'fresh' });
      const changed = await h.http.request('GET', '/api/public/open-data/portfolios.csv', { headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(changed.body).toContain('ETAG-NEW');
      const json = await h.http.get('/api/public/open-data/portfolios.json');
      expect(json.body.map((p: any) => p.code)).toContain('ETAG-NEW');
    });
  });

  describe('graph searches and waits', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false, env: { DB_LOCK_TIMEOUT_MS: '500' } });
    });
    afterAll(() => h?.close());

    it('refuses a cycle through a layered plan of 50 items (2^24 paths) by reachability, not by listing paths', async () => {
      const demo = await orgId(h.http, 'demo-agency');
      // 25 layers of 2 items, each linked to both items of the next layer.
      const items = Array.from({ length: 50 }, (_, n) => ({ code: `L${Math.floor(n / 2)}-${n % 2}`, weight: 2, budgetRials: '1' }));
      const links = [];
      for (let layer = 0; layer < 24; layer++) {
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) links.push({ from: `L${layer}-${a}`, to: `L${layer + 1}-${b}` });
      }
      const layered = await projectWithPlan(h.http, 'LAYERED', demo, { items, links });
      const other = await projectWithPlan(h.http, 'OTHER', demo, { items: [{ code: 'X', weight: 100, budgetRials: '1' }], links: [] });
      const into = await h.http.as('agency.demo').post(`/api/items/${layered.item('L0-0')}/prerequisites`, { requiredItemId: other.item('X') });
      expect(into.status).toBe(201);
      const cycle = await h.http.as('agency.demo').post(`/api/items/${other.item('X')}/prerequisites`, { requiredItemId: layered.item('L24-1') });
      expect(cycle.status).toBe(400);
      expect(cycle.body.errors[0].reason).toMatch(/^the prerequisite would close a cycle: OTHER:X → LAYERED:L0-0 → LAYERED:L1-\d → .* → LAYERED:L24-1 → OTHER:X$/);

      // A revision of the other project walks the whole layered region to look for a way back.
      const revised = await h.http.as('agency.demo').post(`/api/projects/${other.projectId}/plan-revisions`, {
        reason: 'one more item',
        items: [
          { code: 'X', titleFa: 'x', titleEn: 'Item X', weight: 50, budgetRials: '1', plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' },
          { code: 'Y', titleFa: 'y', titleEn: 'Item Y', weight: 50, budgetRials: '0', plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' },
        ],
        links: [{ from: 'X', to: 'Y' }],
      });
      expect({ status: revised.status, errors: revised.body.errors }).toEqual({ status: 201, errors: undefined });
    });

    it('gives up waiting for a lock after DB_LOCK_TIMEOUT_MS: 503 with Retry-After, not a request hanging', async () => {
      const portfolios = (await h.http.as('pbo.officer1').get('/api/portfolios')).body;
      const demo = portfolios.find((p: any) => p.code === 'DEMO');
      const { body: projects } = await h.http.as('pbo.officer1').get(`/api/projects?portfolioId=${demo.id}&limit=500`);
      const target = projects.items.find((p: any) => p.code === 'DEMO-1');
      const holder = new PgClient({ connectionString: h.ownerUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [target.id]);
        const answer = await h.http.as('pbo.officer1').put(`/api/projects/${target.id}/budget`, { budgetRials: '100000000000000' });
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({ code: 'dependency_unavailable', details: { dependency: 'database', reason: 'db_55P03' } });
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      const later = await h.http.as('pbo.officer1').put(`/api/projects/${target.id}/budget`, { budgetRials: '100000000000000' });
      expect(later.status).toBe(200);
    });
  });
});
