/**
 * Idempotency-Key: a repeat returns the first answer and changes nothing, concurrent repeats run
 * once, and a key reused for another request is refused.
 */
import { randomUUID } from 'node:crypto';
import { demoProject, pdfBytes } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

describe('idempotency keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoData: true });
  });
  afterAll(() => h?.close());

  const post = (user: string, path: string, body: unknown, key: string) =>
    h.http.as(user).post(path, body, { headers: { 'idempotency-key': key } });
  const count = async (sql: string, params: unknown[]) => Number((await h.db.query(sql, params))[0].n);

  it('returns the first answer to a repeat, and creates once', async () => {
    const key = randomUUID();
    const body = { code: 'IDEM-1', nameFa: 'سبد', nameEn: 'Idempotent portfolio' };
    const first = await post('pbo.officer1', '/api/portfolios', body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post('pbo.officer1', '/api/portfolios', { nameEn: body.nameEn, nameFa: body.nameFa, code: body.code }, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count(`SELECT count(*) AS n FROM portfolios WHERE code = 'IDEM-1'`, [])).toBe(1);
    // Without the key, the same request is a new one (and here a duplicate).
    expect((await h.http.as('pbo.officer1').post('/api/portfolios', body)).status).toBe(409);
  });

  it('refuses the same key for a different request with 422', async () => {
    const key = randomUUID();
    expect((await post('pbo.officer1', '/api/portfolios', { code: 'IDEM-2', nameFa: 'ب', nameEn: 'B' }, key)).status).toBe(201);
    const other = await post('pbo.officer1', '/api/portfolios', { code: 'IDEM-3', nameFa: 'ب', nameEn: 'B' }, key);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused', errors: [{ field: 'Idempotency-Key' }] });
    expect(other.body.message).toContain('use a new key');
    expect(await count(`SELECT count(*) AS n FROM portfolios WHERE code = 'IDEM-3'`, [])).toBe(0);
  });

  it('keeps keys per user', async () => {
    const key = randomUUID();
    const a = await post('pbo.officer1', '/api/portfolios', { code: 'IDEM-4', nameFa: 'ب', nameEn: 'B' }, key);
    const b = await post('pbo.officer2', '/api/portfolios', { code: 'IDEM-5', nameFa: 'ب', nameEn: 'B' }, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('runs concurrent repeats once', async () => {
    const key = randomUUID();
    const body = { code: 'IDEM-6', nameFa: 'ب', nameEn: 'Concurrent' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('pbo.officer1', '/api/portfolios', body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(await count(`SELECT count(*) AS n FROM portfolios WHERE code = 'IDEM-6'`, [])).toBe(1);
  });

  it('replays a refusal as it was', async () => {
    const key = randomUUID();
    const first = await post('pbo.officer1', '/api/portfolios', { code: 'bad code' }, key);
    expect(first.status).toBe(400);
    const again = await post('pbo.officer1', '/api/portfolios', { code: 'bad code' }, key);
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
  });

  it('approves a tranche once under a repeated decision', async () => {
    const { tranche } = await demoProject(h.http);
    const id = tranche(1); // funds the first items of the chain: nothing gates it
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => post('pbo.officer2', `/api/tranches/${id}/decision`, { action: 'approve' }, key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const later = await post('pbo.officer2', `/api/tranches/${id}/decision`, { action: 'approve' }, key);
    expect(later.status).toBe(201);
    expect(later.body).toEqual(answers[0].body);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'released');
    const tranche1 = (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body;
    expect(tranche1.history.filter((e: any) => e.toState === 'approved')).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tranche_id = $1', [id])).toBe(1);
  });

  it('keys multipart uploads too', async () => {
    const key = randomUUID();
    const upload = async (content: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([content], { type: 'application/pdf' }), 'evidence.pdf');
      return h.http.request('POST', '/api/evidence', {
        token: await h.http.login('agency.demo'),
        body: form,
        headers: { 'idempotency-key': key },
      });
    };
    const first = await upload(pdfBytes('once'));
    expect(first.status).toBe(201);
    const again = await upload(pdfBytes('once'));
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const different = await upload(pdfBytes('a different and longer file'));
    expect(different.status).toBe(422);
    expect(await count('SELECT count(*) AS n FROM evidence_files WHERE sha256 = $1', [first.body.sha256])).toBe(1);
  });

  it('refuses a malformed key', async () => {
    const answer = await post('pbo.officer1', '/api/portfolios', { code: 'IDEM-7', nameFa: 'ب', nameEn: 'B' }, 'x'.repeat(300));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_idempotency_key');
  });

  it('documents the header on every mutating operation', async () => {
    const { body: doc } = await h.http.request('GET', '/api/openapi.json');
    const mutating = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      ['post', 'put', 'patch', 'delete'].filter((m) => ops[m]).map((m) => ({ path, m, op: ops[m] })),
    );
    expect(mutating.length).toBeGreaterThan(10);
    const without = mutating
      .filter(({ path }) => path !== '/api/auth/login')
      .filter(({ op }) => !(op.parameters ?? []).some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key'))
      .map(({ path, m }) => `${m.toUpperCase()} ${path}`);
    expect(without).toEqual([]);
  });
});
