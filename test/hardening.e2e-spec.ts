/**
 * Hostile clients: secure headers, the sign-in rate limit, upload limits (size, type, count), and
 * error bodies that never carry stack traces, SQL or secrets.
 */
import { JwtService } from '@nestjs/jwt';
import { QueryFailedError } from 'typeorm';
import { toProblem } from '../apps/api/src/http/problem.filter';
import { demoProject, pdfBytes } from './support/demo';
import { Harness, startHarness } from './support/harness';

const PROBLEM_KEYS = ['statusCode', 'error', 'code', 'message', 'errors', 'details'];

function expectCleanProblem(body: any, secret: string) {
  expect(typeof body).toBe('object');
  for (const key of Object.keys(body)) expect(PROBLEM_KEYS).toContain(key);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|stack/i);
  expect(text).not.toMatch(/SELECT |INSERT |UPDATE |postgres:\/\//i);
  expect(text).not.toContain(secret);
}

describe('hardening', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoData: true, env: { LOGIN_RATE_LIMIT: '5', EVIDENCE_MAX_BYTES: '4096', EVIDENCE_MAX_FILES: '2' } });
  });
  afterAll(() => h?.close());

  describe('secure headers', () => {
    it.each(['/api/portfolios', '/health', '/api/docs', '/api/nowhere'])('on %s', async (path) => {
      const answer = await h.http.request('GET', path, { token: await h.http.login('pbo.officer1') });
      const header = (name: string) => answer.headers.get(name);
      expect(header('content-security-policy')).toContain("script-src 'self'");
      expect(header('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(header('content-security-policy')).toContain("object-src 'none'");
      expect(header('x-content-type-options')).toBe('nosniff');
      expect(header('x-frame-options')).toBe('SAMEORIGIN');
      expect(header('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(header('referrer-policy')).toBe('no-referrer');
      expect(header('cross-origin-opener-policy')).toBe('same-origin');
      expect(header('x-powered-by')).toBeNull();
    });

    it('keeps Swagger UI working under the policy: scripts from this origin only', async () => {
      const docs = await h.http.request('GET', '/api/docs');
      expect(docs.status).toBe(200);
      const scripts = [...String(docs.body).matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/src="(\.\/|\/)?[\w./-]+"/);
        expect(inline.trim()).toBe('');
      }
      const init = await h.http.request('GET', '/api/docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
    });
  });

  describe('sign-in rate limit', () => {
    it('answers 429 with Retry-After after LOGIN_RATE_LIMIT attempts per address and username', async () => {
      const attempt = (username: string, password = 'wrong-password') =>
        h.http.request('POST', '/api/auth/login', { json: { username, password } });
      for (let i = 0; i < 5; i++) expect((await attempt('pbo.officer2')).status).toBe(401);
      const limited = await attempt('pbo.officer2');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toMatchObject({ statusCode: 429, code: 'too_many_requests' });
      expect(limited.body.message).toMatch(/try again in \d+ seconds/);
      // Even the right password waits; another user from the same address does not.
      expect((await attempt('pbo.officer2', 'pelekan-demo')).status).toBe(429);
      expect((await attempt('agency.demo', 'pelekan-demo')).status).toBe(200);
      expect((await attempt('PBO.Officer2 ')).status).toBe(429);
    });

    it('does not limit other routes', async () => {
      await h.http.login('admin');
      const answers = await Promise.all(Array.from({ length: 20 }, () => h.http.as('admin').get('/api/portfolios')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
    });
  });

  describe('uploads', () => {
    it('refuses a file over EVIDENCE_MAX_BYTES with 413', async () => {
      const big = Buffer.concat([pdfBytes('big'), Buffer.alloc(5000, 0x20)]);
      const answer = await h.http.as('agency.demo').upload('/api/evidence', 'big.pdf', big);
      expect(answer.status).toBe(413);
      expect(answer.body.code).toBe('payload_too_large');
    });

    it('refuses a file whose content is not an accepted type with 415, whatever its name says', async () => {
      const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
      const answer = await h.http.as('agency.demo').upload('/api/evidence', 'report.pdf', elf, 'application/pdf');
      expect(answer.status).toBe(415);
      // Text is accepted as evidence, but only ever as text: never served back as HTML.
      const html = await h.http.as('agency.demo').upload('/api/evidence', 'page.html', '<script>alert(1)</script>', 'text/html');
      expect(html.body.contentType).toBe('text/plain');
      const served = await h.http.request('GET', `/api/evidence/${html.body.id}/content`, { token: await h.http.login('agency.demo') });
      expect(served.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('stores one file per upload and takes at most EVIDENCE_MAX_FILES per declaration', async () => {
      const form = new FormData();
      form.append('file', new Blob([pdfBytes('a')], { type: 'application/pdf' }), 'a.pdf');
      form.append('file', new Blob([pdfBytes('b')], { type: 'application/pdf' }), 'b.pdf');
      const two = await h.http.request('POST', '/api/evidence', { token: await h.http.login('agency.demo'), body: form });
      expect(two.status).toBe(201);
      expect(two.body.filename).toBe('a.pdf');
      const stored = await h.db.query(`SELECT filename FROM evidence_files WHERE filename IN ('a.pdf', 'b.pdf')`);
      expect(stored).toEqual([{ filename: 'a.pdf' }]);

      const ids: string[] = [];
      for (const name of ['1', '2', '3']) {
        const upload = await h.http.as('agency.demo').upload('/api/evidence', `${name}.pdf`, pdfBytes(name));
        expect(upload.status).toBe(201);
        ids.push(upload.body.id);
      }
      const { item } = await demoProject(h.http);
      const answer = await h.http.as('agency.demo').post(`/api/items/${item('3')}/declarations`, { percent: 10, note: 'x', evidenceIds: ids });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ field: 'evidenceIds', reason: expect.stringContaining('at most 2') });
    });

    it('refuses a JSON body over 1 MiB with 413', async () => {
      const answer = await h.http.request('POST', '/api/portfolios', {
        token: await h.http.login('pbo.officer1'),
        json: { code: 'BIG', nameFa: 'x'.repeat(1_100_000), nameEn: 'x' },
      });
      expect(answer.status).toBe(413);
    });
  });

  describe('error bodies', () => {
    it('carry no stack trace, SQL or secret, whatever went wrong', async () => {
      const secret = h.env.JWT_SECRET;
      const token = await h.http.login('pbo.officer1');
      const expired = await new JwtService({ secret }).signAsync({ sub: 'x' }, { expiresIn: -10 });
      const forged = await new JwtService({ secret: 'not-the-secret-but-long-enough-for-hs256' }).signAsync({ sub: 'x' });
      const strangeSub = await new JwtService({ secret }).signAsync({ sub: "'; DROP TABLE users; --" });
      const answers = [
        await h.http.request('GET', '/api/projects'),
        await h.http.request('GET', '/api/projects', { token: expired }),
        await h.http.request('GET', '/api/projects', { token: forged }),
        await h.http.request('GET', '/api/projects', { token: strangeSub }),
        await h.http.request('GET', '/api/projects/not-a-uuid', { token }),
        await h.http.request('GET', '/api/projects/00000000-0000-0000-0000-000000000000', { token }),
        await h.http.request('POST', '/api/portfolios', { token, body: '{"code": ', headers: { 'content-type': 'application/json' } }),
        await h.http.request('POST', '/api/portfolios', { token, body: 'code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        await h.http.request('POST', '/api/portfolios', { token, json: { code: 'X', nameFa: 'x', nameEn: 'x', __proto__: { admin: true } } }),
        await h.http.request('GET', '/api/ledger/entries?projectId=%00', { token }),
        await h.http.request('DELETE', '/api/portfolios', { token }),
        await h.http.as('agency.demo').post('/api/portfolios', { code: 'X' }),
      ];
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 400, 404, 400, 400, 201, 400, 404, 403]);
      expect(answers[1].body.message).toContain('expired');
      for (const answer of answers.filter((a) => a.status >= 400)) expectCleanProblem(answer.body, secret);
    });

    it('turns unexpected failures into a generic 500 and database errors into plain words', () => {
      const secret = 'super-secret-value';
      const crash = toProblem(new Error(`connect to postgres://admin:${secret}@db failed at Object.<anonymous> (/app/x.ts:1:1)`));
      expect(crash).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'internal', message: 'an unexpected error happened; it has been logged' });
      const sql = new QueryFailedError('SELECT secret FROM users WHERE x = $1', [secret], Object.assign(new Error('duplicate'), { code: '23505' }));
      const mapped = toProblem(sql);
      expect(mapped.statusCode).toBe(409);
      expectCleanProblem(mapped, secret);
      const down = toProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
      expect(down).toMatchObject({ statusCode: 503, code: 'dependency_unavailable', details: { dependency: 'database' } });
    });
  });
});
