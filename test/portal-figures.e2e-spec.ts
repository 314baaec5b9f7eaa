/**
 * The portal's first screen and its project list: the headline figures (all projects and per
 * portfolio) and the progress per agency equal what the per-project views add up to by the core
 * roll-up; the list's paging, filters, sorts and search; the refusals naming the field; a project's
 * history. The per-project views apply the core rules in TypeScript, the figures and the list's sort
 * keys are set-based SQL: equal answers hold the SQL to the rules.
 */
import { rollUpProgress } from '@pelekan/core';
import { declare, demoProject } from './support/demo';
import { Harness, startHarness } from './support/harness';

interface View {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioId: string;
  confidential: boolean;
  repeats: unknown;
  budgetRials: string | null;
  releasedRials: string | null;
  verifiedPercent: number | null;
  selfDeclaredPercent: number | null;
  selfDeclaredSource: 'declarations' | 'report' | null;
  gapPercent: number | null;
  stale: boolean;
  monitoringPaused: boolean;
  agencies: { code: string; role: string }[];
}

const hundredths = (percent: number | null) => (percent === null ? null : Math.round(percent * 100));
const rollUp = (views: View[]) => {
  const r = rollUpProgress(views.map((v) => ({ verified: hundredths(v.verifiedPercent), selfDeclared: hundredths(v.selfDeclaredPercent) })));
  const p = (h: number | null) => (h === null ? null : h / 100);
  return { counted: r.counted, verifiedPercent: p(r.verified), selfDeclaredPercent: p(r.selfDeclared), gapPercent: p(r.gap) };
};

/** What the per-project views add up to. */
function expectedTotals(views: View[]) {
  const rials = (pick: (v: View) => string | null) => views.reduce((s, v) => s + BigInt(pick(v) ?? '0'), 0n).toString();
  return {
    projects: views.length,
    confidential: views.filter((v) => v.confidential).length,
    budgetRials: rials((v) => v.budgetRials),
    budgeted: views.filter((v) => v.budgetRials !== null).length,
    releasedRials: rials((v) => v.releasedRials),
    stale: views.filter((v) => v.stale).length,
    monitoringPaused: views.filter((v) => v.monitoringPaused).length,
    repeats: views.filter((v) => v.repeats).length,
    progress: rollUp(views),
  };
}

describe('portal figures and the project list', () => {
  let h: Harness;

  /** Every project through the paged list, `limit` at a time. */
  async function all(query = '', limit = 7): Promise<View[]> {
    const found: View[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const answer: { status: number; body: { items: View[]; next: string | null } } = await h.http.get(
        `/api/public/projects?limit=${limit}${query}${after ? `&after=${after}` : ''}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(limit);
      found.push(...answer.body.items);
      after = answer.body.next;
      if (!after) return found;
    }
    throw new Error('the list never ended');
  }

  beforeAll(async () => {
    h = await startHarness({ demoData: true, worker: false });
    // Progress on the demo plan: item 1 declared 100% and verified, item 2 declared 40% and waiting.
    const demo = await demoProject(h.http);
    const first = await declare(h.http, 'agency.demo', demo.item('1'), 100);
    expect((await h.http.as('committee.arao').post(`/api/declarations/${first.id}/decision`, { decision: 'accept' })).status).toBe(201);
    await declare(h.http, 'agency.demo', demo.item('2'), 40);
    // A report project goes stale, one gets a budget, one becomes confidential; a portfolio's monitoring pauses.
    await h.asOwner(`UPDATE projects SET created_at = now() - interval '400 days' WHERE code IN ('1', '5', '9')`);
    await h.asOwner(`UPDATE projects SET budget_rials = 900000000000000000 WHERE code = '2-1'`);
    await h.asOwner(`UPDATE projects SET confidential = true WHERE code = '17'`);
    const portfolios = (await h.http.get('/api/public/portfolios')).body;
    const smart = portfolios.find((p: { code: string }) => p.code === 'SMART-20');
    expect((await h.http.as('admin').post(`/api/portfolios/${smart.id}/monitoring`, { action: 'pause', reason: 'ministry merger' })).status).toBe(200);
  });
  afterAll(() => h?.close());

  it('shows headline figures equal to what the per-project views add up to, in all and per portfolio', async () => {
    const views = await all();
    expect(new Set(views.map((v) => v.id)).size).toBe(views.length);
    const figures = (await h.http.get('/api/public/figures')).body;
    expect(figures).toMatchObject(expectedTotals(views));
    for (const p of figures.portfolios) expect(p).toMatchObject(expectedTotals(views.filter((v) => v.portfolioId === p.id)));

    // The data behind it: the demo plan's declarations against verification, the report's claims against nothing verified.
    const demo = views.find((v) => v.code === 'DEMO-1')!;
    expect(demo).toMatchObject({ selfDeclaredSource: 'declarations', selfDeclaredPercent: 32, verifiedPercent: 20, gapPercent: 12 });
    expect(views.find((v) => v.code === '2-1' && v.selfDeclaredSource === 'report')).toMatchObject({ selfDeclaredPercent: 50, verifiedPercent: 0, gapPercent: 50 });
    expect(views.find((v) => v.code === '17' && v.confidential)).toMatchObject({ selfDeclaredPercent: null, budgetRials: null });
    expect(figures.stale).toBeGreaterThanOrEqual(3);
    expect(figures.monitoringPaused).toBe(20);
    expect(figures.repeats).toBe(9);
    expect(BigInt(figures.budgetRials)).toBeGreaterThan(900000000000000000n);
    expect(figures.progress.gapPercent).toBeGreaterThan(0);

    // Each project's view agrees with its own page.
    const page = (await h.http.get(`/api/public/projects/${demo.id}`)).body;
    expect(page).toMatchObject({ selfDeclaredPercent: 32, verifiedPercent: 20, gapPercent: 12, monitoringPaused: false });
  });

  it('shows progress per agency equal to the roll-up of the projects it leads', async () => {
    const views = await all('', 50);
    const agencies = (await h.http.get('/api/public/progress-by-agency')).body;
    expect(agencies.length).toBeGreaterThan(10);
    for (const a of agencies) {
      const led = views.filter((v) => v.agencies.some((x) => x.code === a.code && (x.role === 'lead' || x.role === 'co_lead')));
      expect({ code: a.code, projects: a.projects, progress: a.progress }).toEqual({ code: a.code, projects: led.length, progress: rollUp(led) });
    }
    const demoAgency = views.find((v) => v.code === 'DEMO-1')!.agencies.find((x) => x.role === 'lead')!;
    expect(agencies.find((a: { code: string }) => a.code === demoAgency.code).progress).toMatchObject({ verifiedPercent: 20, selfDeclaredPercent: 32 });
  });

  it('pages every sort in both directions without loss or repeats, in the order of the views', async () => {
    const everything = await all('', 500);
    const compare: Record<string, (a: View, b: View) => number> = {
      budget: (a, b) => Number(BigInt(a.budgetRials ?? '-1') - BigInt(b.budgetRials ?? '-1')),
      released: (a, b) => Number(BigInt(a.releasedRials ?? '-1') - BigInt(b.releasedRials ?? '-1')),
      verified: (a, b) => (a.verifiedPercent ?? -1) - (b.verifiedPercent ?? -1),
      gap: (a, b) => (a.gapPercent ?? -1000.01) - (b.gapPercent ?? -1000.01),
    };
    for (const sort of ['code', 'name_fa', 'name_en', 'budget', 'released', 'verified', 'gap']) {
      for (const order of ['asc', 'desc']) {
        const paged = await all(`&sort=${sort}&order=${order}`, 4);
        const whole = await all(`&sort=${sort}&order=${order}`, 500);
        expect(paged.map((v) => v.id)).toEqual(whole.map((v) => v.id));
        expect(new Set(paged.map((v) => v.id))).toEqual(new Set(everything.map((v) => v.id)));
        const by = compare[sort];
        if (by) {
          for (let i = 1; i < paged.length; i++) {
            const c = by(paged[i - 1], paged[i]);
            expect(order === 'asc' ? c <= 0 : c >= 0).toBe(true);
          }
        }
      }
    }
    const byGap = await all('&sort=gap&order=desc', 500);
    expect(byGap[0].gapPercent).toBe(Math.max(...everything.map((v) => v.gapPercent ?? -Infinity)));
    const byName = (await all('&sort=name_en', 500)).map((v) => v.nameEn);
    expect(byName[0].localeCompare(byName[byName.length - 1])).toBeLessThan(0);
  });

  it('filters by portfolio, agency, stale and repeat, and searches codes and both names', async () => {
    const everything = await all('', 500);
    const portfolios = (await h.http.get('/api/public/portfolios')).body as { id: string; code: string }[];
    const smart = portfolios.find((p) => p.code === 'SMART-20')!;
    const inSmart = await all(`&portfolioId=${smart.id}`);
    expect(inSmart).toHaveLength(20);
    expect(inSmart.every((v) => v.portfolioId === smart.id)).toBe(true);

    const repeats = await all('&repeat=true');
    expect(repeats).toHaveLength(9);
    expect(await all(`&repeat=false&portfolioId=${smart.id}`)).toHaveLength(11);

    const stale = await all('&stale=true');
    expect(stale.map((v) => v.id).sort()).toEqual(everything.filter((v) => v.stale).map((v) => v.id).sort());
    expect(stale.length).toBeGreaterThanOrEqual(3);
    expect((await all('&stale=false')).length).toBe(everything.length - stale.length);

    const agency = everything.find((v) => v.code === 'DEMO-1')!.agencies[0].code;
    const ofAgency = await all(`&agency=${agency}`);
    expect(ofAgency.map((v) => v.id).sort()).toEqual(everything.filter((v) => v.agencies.some((a) => a.code === agency)).map((v) => v.id).sort());

    const target = everything.find((v) => v.code === '2-1' && v.selfDeclaredSource === 'report')!;
    expect((await all(`&q=${encodeURIComponent(target.nameEn.slice(6, 20).toUpperCase())}`)).map((v) => v.id)).toContain(target.id);
    const fa = await all(`&q=${encodeURIComponent(target.nameFa.slice(0, 12))}`);
    expect(fa.map((v) => v.id)).toContain(target.id);
    expect(fa.length).toBeLessThan(everything.length);
    expect((await all('&q=DEMO')).map((v) => v.code)).toEqual(['DEMO-1']);
    // Persian digits find Latin-digit codes; LIKE's wildcards are plain text.
    expect((await all(`&q=${encodeURIComponent('۲-۱')}`)).map((v) => v.code)).toContain('2-1');
    expect(await all('&q=%25%25%25')).toHaveLength(0);
    // Filters combine.
    expect((await all(`&portfolioId=${smart.id}&repeat=true&stale=false`)).every((v) => v.portfolioId === smart.id && v.repeats && !v.stale)).toBe(true);
  });

  it('refuses a bad query with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['sort=popularity', 'sort'],
      ['order=sideways', 'order'],
      ['stale=maybe', 'stale'],
      ['repeat=1', 'repeat'],
      ['portfolioId=EGOV-23', 'portfolioId'],
      ['agency=Not%20A%20Code', 'agency'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const answer = await h.http.get(`/api/public/projects?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // A cursor of another sort is not a cursor of this list.
    const first = await h.http.get('/api/public/projects?limit=2&sort=budget');
    const wrong = await h.http.get(`/api/public/projects?limit=2&sort=gap&after=${first.body.next}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('after');
  });

  it("gives a project's history: declarations, verification decisions and tranche states, newest first", async () => {
    const demo = (await all('&q=DEMO-1'))[0];
    const page = (await h.http.get(`/api/public/projects/${demo.id}`)).body;
    const kinds = page.history.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['declaration', 'verification', 'tranche']));
    expect(page.history.find((e: { kind: string; itemCode: string }) => e.kind === 'verification')).toMatchObject({ itemCode: '1', state: 'accepted', percent: 100 });
    const times = page.history.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page.tranches).toHaveLength(2);
  });
});
