/**
 * The public portal in real headless Chromium, in Persian and in English, at desktop and phone size:
 * the headline figures on screen equal the API's (formatted as the reader writes them), the charts
 * draw one pair of bars per agency and per project the API names (mirrored in Persian), search and
 * filters narrow the list to what the API answers, and a project's page shows its chain, tranches and
 * history. No page scrolls sideways at 375 px. Screenshots in test/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { formatMoney, formatPercent, digits } from '../../web/src/format';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { declare, demoProject } from '../support/demo';
import type { Harness } from '../support/harness';

type Lang = 'fa' | 'en';

// What the functions run in the page use of the DOM (the tests compile without the DOM library).
interface El {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number };
  closest(selector: string): El | null;
}
interface Doc {
  querySelectorAll(selector: string): ArrayLike<El>;
  querySelector(selector: string): El | null;
  documentElement: { clientWidth: number; scrollWidth: number };
}
interface InPage {
  document: Doc;
  localStorage: { setItem(key: string, value: string): void };
}

async function open(browser: Browser, url: string, lang: Lang, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.addInitScript((l) => (globalThis as unknown as InPage).localStorage.setItem('pelekan.lang', l), lang);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The charts have redrawn at the page's width (their text keeps its size rather than shrinking). */
async function chartsFit(page: Page) {
  await page.waitForFunction(() =>
    Array.from((globalThis as unknown as InPage).document.querySelectorAll('.chart-canvas svg')).every((svg) => Number(svg.getAttribute('width')) <= (globalThis as unknown as InPage).document.documentElement.clientWidth),
  );
}

/** The page does not scroll sideways; on failure, the elements that stick out are named. */
async function noSideScroll(page: Page) {
  const found = await page.evaluate(() => {
    const client = (globalThis as unknown as InPage).document.documentElement.clientWidth;
    const out = Array.from((globalThis as unknown as InPage).document.querySelectorAll('body *'))
      .filter((e) => !e.closest('.scroll') && (e.getBoundingClientRect().right > client + 1 || e.getBoundingClientRect().left < -1))
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.getAttribute('class') ?? '')} ${(e.textContent ?? '').slice(0, 30)}`);
    return { scroll: (globalThis as unknown as InPage).document.documentElement.scrollWidth, client, out };
  });
  expect({ scroll: found.scroll <= found.client, out: found.out }).toEqual({ scroll: true, out: [] });
}

describe('web app: the public portal', () => {
  let stack: BrowserStack;
  let h: Harness;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
    // Some progress on the demo plan: item 1 declared 100% and verified, item 2 declared 40%.
    const demo = await demoProject(h.http);
    const first = await declare(h.http, 'agency.demo', demo.item('1'), 100);
    expect((await h.http.as('committee.arao').post(`/api/declarations/${first.id}/decision`, { decision: 'accept' })).status).toBe(201);
    await declare(h.http, 'agency.demo', demo.item('2'), 40);
  });
  afterAll(() => stack?.close());

  for (const lang of ['fa', 'en'] as Lang[]) {
    it(`shows the API's headline figures and charts (${lang})`, async () => {
      const figures = (await h.http.get('/api/public/figures')).body;
      const agencies = (await h.http.get('/api/public/progress-by-agency')).body as { code: string; progress: { counted: number } }[];
      const top = (await h.http.get('/api/public/projects?sort=gap&order=desc&limit=12')).body.items as { code: string; selfDeclaredPercent: number | null }[];
      const page = await open(stack.browser, `${h.baseUrl}/#/portal`, lang, 1400);
      await page.waitForSelector('[data-figure=projects] .figure-value');
      await page.waitForSelector('[data-chart=gap-by-project] svg');
      expect(await page.getAttribute('html', 'dir')).toBe(lang === 'fa' ? 'rtl' : 'ltr');

      const shown = async (key: string) => (await page.textContent(`[data-figure=${key}] .figure-value`))!.trim();
      const points = (v: number) => `${digits(v.toLocaleString('en-US', { maximumFractionDigits: 2 }), lang)} ${lang === 'fa' ? 'واحد درصد' : 'percentage points'}`;
      expect(await shown('projects')).toBe(digits(figures.projects, lang));
      expect(await shown('budget')).toBe(formatMoney(figures.budgetRials, lang));
      expect(await shown('released')).toBe(formatMoney(figures.releasedRials, lang));
      expect(await shown('verified')).toBe(formatPercent(figures.progress.verifiedPercent, lang));
      expect(await shown('selfDeclared')).toBe(formatPercent(figures.progress.selfDeclaredPercent, lang));
      expect(await shown('gap')).toBe(points(figures.progress.gapPercent));
      expect(await shown('stale')).toBe(digits(figures.stale, lang));
      expect(await shown('paused')).toBe(digits(figures.monitoringPaused, lang));
      expect(await shown('repeats')).toBe(digits(figures.repeats, lang));
      if (lang === 'fa') expect(await shown('projects')).toMatch(/^[۰-۹]+$/);

      // One pair of bars per agency with figures, and per project of the API's largest gaps.
      const withFigures = agencies.filter((a) => a.progress.counted > 0);
      expect(await page.locator('[data-chart=gap-by-agency] g[data-row]').count()).toBe(withFigures.length);
      expect(await page.locator('[data-chart=gap-by-agency] rect[data-bar]').count()).toBe(2 * withFigures.length);
      const gapRows = top.filter((p) => p.selfDeclaredPercent !== null).map((p) => p.code);
      expect(await page.locator('[data-chart=gap-by-project] g[data-row]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-row')))).toEqual(gapRows);
      expect(await page.locator('[data-chart=gap-by-project] rect[data-bar=selfDeclared]').count()).toBe(gapRows.length);

      // Bars grow from the right in Persian, from the left in English.
      const geometry = await page.locator('[data-chart=gap-by-project] rect[data-bar=selfDeclared]').first().evaluate((r) => {
        const svg = r.closest('svg')!;
        return { x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')), width: Number(svg.getAttribute('width')) };
      });
      expect(geometry.w).toBeGreaterThan(0);
      if (lang === 'fa') expect(Math.round(geometry.x + geometry.w)).toBe(geometry.width - 8);
      else expect(geometry.x).toBe(8);
      // Each chart has its text alternative: a title and a description, and its data as a table.
      expect(await page.locator('[data-chart=gap-by-agency] svg title').first().textContent()).toBeTruthy();
      await page.click('[data-chart=gap-by-agency] button[aria-controls]');
      expect(await page.locator('#gap-by-agency-table tbody tr').count()).toBe(withFigures.length);

      await stack.shot(page, `portal-home-${lang}-desktop`);
      await page.setViewportSize({ width: 375, height: 800 });
      await chartsFit(page);
      await noSideScroll(page);
      await stack.shot(page, `portal-home-${lang}-375`);
      await page.context().close();
    });
  }

  it('narrows the list by search and filters to what the API answers', async () => {
    const page = await open(stack.browser, `${h.baseUrl}/#/portal`, 'en', 1400);
    await page.waitForSelector('ul.project-list > li');
    const cards = () => page.locator('ul.project-list > li').evaluateAll((li) => li.map((x) => x.getAttribute('data-project')));

    await page.fill('form.project-filters input[name=q]', 'DEMO');
    await page.click('form.project-filters button[type=submit]');
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelectorAll('ul.project-list > li').length === 1);
    expect(await cards()).toEqual(['DEMO-1']);

    await page.fill('form.project-filters input[name=q]', '');
    await page.click('form.project-filters button[type=submit]');
    await page.selectOption('form.project-filters select[name=repeat]', 'true');
    const repeats = (await h.http.get('/api/public/projects?repeat=true&limit=100')).body.items.map((p: { code: string }) => p.code);
    expect(repeats).toHaveLength(9);
    await page.waitForFunction((n) => (globalThis as unknown as InPage).document.querySelectorAll('ul.project-list > li').length === n, repeats.length);
    expect(await cards()).toEqual(repeats);

    const smart = (await h.http.get('/api/public/portfolios')).body.find((p: { code: string }) => p.code === 'SMART-20');
    await page.selectOption('form.project-filters select[name=repeat]', 'false');
    await page.selectOption('form.project-filters select[name=portfolio]', smart.id);
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelectorAll('ul.project-list > li').length === 11);
    expect(await cards()).toHaveLength(11);

    // Sorted by the gap, largest first: the API's order.
    await page.selectOption('form.project-filters select[name=repeat]', '');
    await page.selectOption('form.project-filters select[name=portfolio]', '');
    await page.selectOption('form.project-filters select[name=sort]', 'gap');
    await page.selectOption('form.project-filters select[name=order]', 'desc');
    const byGap = (await h.http.get('/api/public/projects?sort=gap&order=desc&limit=20')).body.items.map((p: { code: string }) => p.code);
    // Answers to earlier choices may arrive late: only the last choice's may show.
    await page.waitForFunction(
      (want) => Array.from((globalThis as unknown as InPage).document.querySelectorAll('ul.project-list > li')).map((li) => li.getAttribute('data-project')).join(' ') === want,
      byGap.join(' '),
    );
    expect(await cards()).toEqual(byGap);
    await page.context().close();
  });

  for (const lang of ['fa', 'en'] as Lang[]) {
    it(`shows a project's chain, tranches and history (${lang})`, async () => {
      const demo = (await h.http.get('/api/public/projects?q=DEMO-1')).body.items[0];
      const detail = (await h.http.get(`/api/public/projects/${demo.id}`)).body;
      const page = await open(stack.browser, `${h.baseUrl}/#/portal/projects/${demo.id}`, lang, 1400);
      await page.waitForSelector('#portal-chain svg.chain');
      expect(await page.locator('#portal-tranches tr[data-tranche]').count()).toBe(detail.tranches.length);
      expect(await page.locator('#portal-history li[data-event]').count()).toBe(detail.history.length);
      expect(await page.locator('[data-chart=gap-by-item] rect[data-bar]').count()).toBe(2 * detail.items.length);
      expect((await page.textContent('[data-figure=verified] .figure-value'))!.trim()).toBe(formatPercent(detail.verifiedPercent, lang));
      await stack.shot(page, `portal-project-${lang}-desktop`);
      await page.setViewportSize({ width: 375, height: 800 });
      await chartsFit(page);
      await noSideScroll(page);
      await stack.shot(page, `portal-project-${lang}-375`);

      const portfolio = await open(stack.browser, `${h.baseUrl}/#/portal/portfolios/${demo.portfolioId}`, lang, 375);
      await portfolio.waitForSelector('ul.project-list > li');
      await portfolio.waitForSelector('[data-chart=gap-by-project] svg');
      await chartsFit(portfolio);
      await noSideScroll(portfolio);
      await stack.shot(portfolio, `portal-portfolio-${lang}-375`);
      await page.context().close();
      await portfolio.context().close();
    });
  }
});
