import { Harness, startHarness } from './support/harness';

describe('smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoData: true });
  });
  afterAll(() => h?.close());

  it('reports health', async () => {
    const health = await h.http.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: { ok: true }, temporal: { ok: true } });
  });

  it('lists the portfolios', async () => {
    const answer = await h.http.as('pbo.officer1').get('/api/portfolios');
    expect(answer.status).toBe(200);
    expect(answer.body.map((p: any) => [p.code, p.projectCount])).toEqual([
      ['EGOV-23', 25],
      ['SMART-20', 20],
      ['DEMO', 1],
    ]);
  });
});
