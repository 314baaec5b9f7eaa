/**
 * The public transparency portal without logging in: the report's portfolios with their projects
 * and repeats, self-declared figures labelled as such, monitoring pauses, and open data in CSV, JSON
 * and XLSX.
 */
import { strFromU8, unzipSync } from 'fflate';
import { Harness, startHarness } from './support/harness';

describe('public portal and open data', () => {
  let h: Harness;
  let portfolios: any[];

  beforeAll(async () => {
    h = await startHarness({ demoData: true, worker: false });
    portfolios = (await h.http.get('/api/public/portfolios')).body;
  });
  afterAll(() => h?.close());

  const byCode = (code: string) => portfolios.find((p) => p.code === code);

  it('lists both portfolios of the report, every project, and the 9 repeated driver projects as repeats', async () => {
    expect(portfolios.map((p) => p.code)).toEqual(expect.arrayContaining(['EGOV-23', 'SMART-20', 'DEMO']));
    const egov = (await h.http.get(`/api/public/portfolios/${byCode('EGOV-23').id}`)).body;
    const smart = (await h.http.get(`/api/public/portfolios/${byCode('SMART-20').id}`)).body;
    expect(egov.projects.length).toBeGreaterThanOrEqual(23);
    expect(smart.projects).toHaveLength(20);
    expect(smart.projects.filter((p: any) => p.repeats)).toHaveLength(9);
    expect(byCode('SMART-20').repeatCount).toBe(9);
    const reported = egov.projects.find((p: any) => p.selfDeclared?.actualProgressPct != null);
    expect(reported.selfDeclared.source).toMatch(/self-declared/);
    // Nothing in the report is verified: verified progress starts at zero, apart from the agencies' claims.
    expect(reported.verifiedPercent).toBe(0);
    for (const p of egov.projects) {
      expect(p.agencies.filter((a: any) => a.role === 'lead').length).toBeLessThanOrEqual(1);
      expect(p).toHaveProperty('stale');
      expect(p).toHaveProperty('lastVerifiedAt');
    }
  });

  it('shows the demo project with its action plan, the chain, and its tranches', async () => {
    const demo = (await h.http.get(`/api/public/portfolios/${byCode('DEMO').id}`)).body;
    const project = (await h.http.get(`/api/public/projects/${demo.projects[0].id}`)).body;
    expect(project.items.map((i: any) => i.code)).toEqual(['1', '2', '3', '4']);
    expect(project.links.map((l: any) => `${l.from}->${l.to}`).sort()).toEqual(['1->3', '2->4']);
    expect(project.items.find((i: any) => i.code === '3').fundedByTranches).toEqual([2]);
    expect(project.tranches.map((t: any) => t.number)).toEqual([1, 2]);
  });

  it('publishes a monitoring pause with its date and reason', async () => {
    const id = byCode('SMART-20').id;
    expect((await h.http.as('admin').post(`/api/portfolios/${id}/monitoring`, { action: 'pause', reason: 'ministry merger' })).status).toBe(200);
    const smart = (await h.http.get(`/api/public/portfolios/${id}`)).body;
    expect(smart).toEqual(expect.objectContaining({ monitoringPauseReason: 'ministry merger', monitoringPausedAt: expect.any(String) }));
    expect(smart.monitoringHistory).toEqual([expect.objectContaining({ action: 'pause', reason: 'ministry merger' })]);
  });

  it('offers every public table as CSV and JSON, and all of them as one XLSX workbook', async () => {
    for (const table of ['portfolios', 'projects', 'items', 'tranches', 'releases']) {
      const json = await h.http.get(`/api/public/open-data/${table}.json`);
      expect(json.status).toBe(200);
      const csv = await h.http.get(`/api/public/open-data/${table}.csv`);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
      if (json.body.length > 0) {
        expect(lines[0].split(',')).toEqual(Object.keys(json.body[0]));
        expect(lines.length).toBeGreaterThanOrEqual(json.body.length + 1); // quoted fields may hold newlines
      }
    }
    const projects = (await h.http.get('/api/public/open-data/projects.json')).body;
    expect(projects.find((p: any) => p.code === 'DEMO-1')).toEqual(expect.objectContaining({ budget_rials: expect.stringMatching(/^\d+$/) }));

    const response = await fetch(`${h.baseUrl}/api/public/open-data/workbook.xlsx`);
    expect(response.headers.get('content-type')).toMatch(/spreadsheetml/);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(strFromU8(files['xl/workbook.xml'])).toMatch(/name="projects"/);
    expect(strFromU8(files['xl/worksheets/sheet2.xml'])).toContain('DEMO-1');

    const bad = await h.http.get('/api/public/open-data/users.csv');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('file');
  });
});
