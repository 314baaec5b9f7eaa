/**
 * The web app in real headless Chromium (Debian's package, driven by playwright-core): the report's
 * worked example clicked through by three users, then read on the public portal; RTL, Jalali dates,
 * Persian digits, the English toggle, and an agency user never offered the approve button.
 * Screenshots of each workspace go to test/artifacts/.
 */
import type { Page } from 'playwright-core';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { pdfBytes } from '../support/demo';
import type { Harness } from '../support/harness';

const PERSIAN_JALALI_DATE = /[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/;

describe('web app: the worked example in a browser', () => {
  let stack: BrowserStack;
  let h: Harness;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
  });
  afterAll(() => stack?.close());

  const signIn = (username: string) => stack.signIn(username);
  const shot = (page: Page, name: string) => stack.shot(page, name);

  it('shows the portal right to left in Persian, and switches to English', async () => {
    const page = await (await stack.browser.newContext()).newPage();
    await page.goto(`${h.baseUrl}/#/portal`);
    await page.waitForSelector('[data-workspace=portal] .portfolio-cards li');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.textContent('h1')).toBe('درگاه شفافیت');
    expect(await page.textContent('.portfolio-cards')).toMatch(/[۰-۹]/); // project counts in Persian digits
    await shot(page, 'portal-fa');
    await page.click('[data-testid=lang]');
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    expect(await page.textContent('h1')).toBe('Transparency portal');
    await shot(page, 'portal-en');
    await page.context().close();
  });

  it('walks the worked example: the agency declares with evidence, the committee verifies, a PBO officer approves', async () => {
    // Agency: declares items 1 and 2 at 100% with a PDF; is never offered an approve button.
    const agency = await signIn('agency.demo');
    await agency.waitForSelector('[data-workspace=agency] tr[data-item="1"]');
    for (const code of ['1', '2']) {
      await agency.click(`tr[data-item="${code}"] button`);
      const form = `form[data-declare="${code}"]`;
      await agency.fill(`${form} input[name=percent]`, '100');
      await agency.fill(`${form} input[name=note]`, `item ${code} delivered`);
      await agency.setInputFiles(`${form} input[name=evidence]`, { name: `item-${code}.pdf`, mimeType: 'application/pdf', buffer: pdfBytes(code) });
      await agency.click(`${form} button[type=submit]`);
      await agency.waitForSelector(form, { state: 'detached' });
    }
    expect(await agency.locator('button.approve').count()).toBe(0);
    expect(await agency.locator('text=تصویب و پرداخت').count()).toBe(0);
    expect(await agency.textContent('tr[data-item="1"]')).toMatch(PERSIAN_JALALI_DATE);
    await shot(agency, 'workspace-agency');

    // Committee: verifies both from its queue, evidence beside each.
    const committee = await signIn('committee.mict');
    await committee.waitForSelector('[data-workspace=committee] tr[data-declaration="1"]');
    // The evidence link shows once its file was fetched (the row can show first).
    await committee.waitForSelector('tr[data-declaration="1"] [data-evidence]');
    expect(await committee.locator('tr[data-declaration="1"] [data-evidence]').count()).toBe(1);
    await shot(committee, 'workspace-committee');
    for (const code of ['1', '2']) {
      await committee.click(`tr[data-declaration="${code}"] form.decide button[type=submit]`);
      await committee.waitForSelector(`tr[data-declaration="${code}"]`, { state: 'detached' });
    }

    // PBO: tranche 2 reaches "awaiting approval"; its creator is not offered approval, another officer approves.
    const creator = await signIn('pbo.officer1');
    const awaiting = '[data-column=awaiting_approval] [data-tranche="2"]';
    await reloadUntil(creator, awaiting).catch(async (e) => {
      const { body } = await h.http.as('pbo.officer1').get('/api/tranches');
      await shot(creator, 'debug-pbo');
      throw new Error(`${e.message}: ${JSON.stringify(body.items.map((t: any) => [t.number, t.state, t.waitsOn]))}`);
    });
    expect(await creator.locator(`${awaiting} button.approve`).count()).toBe(0);
    const officer = await signIn('pbo.officer2');
    await reloadUntil(officer, awaiting);
    await shot(officer, 'workspace-pbo');
    await officer.click(`${awaiting} button.approve`);
    // Money moves only after the confirmation naming the tranche, its project, the agency and the amount.
    await officer.waitForSelector('dialog.confirm[open] [data-fact=project]:has-text("DEMO-1")');
    await officer.click('dialog.confirm [data-testid=confirm-approve]:not([disabled])');
    await reloadUntil(officer, '[data-column=released] [data-tranche="2"]');
    await shot(officer, 'workspace-pbo-released');

    // The public portal shows the release, with its Jalali date.
    const visitor = await (await stack.browser.newContext()).newPage();
    await visitor.goto(`${h.baseUrl}/#/portal`);
    await visitor.click('li[data-portfolio=DEMO] a'); // the synthetic demo portfolio, labelled as such
    await visitor.waitForSelector('[data-project="DEMO-1"]');
    await visitor.click('[data-project="DEMO-1"] a');
    const released = await visitor.waitForSelector('table.tranches tr[data-tranche="2"][data-state="released"]');
    expect(await released.textContent()).toMatch(PERSIAN_JALALI_DATE);
    expect(await visitor.locator('svg.chain g.node').count()).toBeGreaterThanOrEqual(4);
    await shot(visitor, 'portal-project-released');
  });
});

/** The workspaces load once; a user refreshes to see the workflow's progress. */
async function reloadUntil(page: Page, selector: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.locator(selector).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`${selector} did not appear`);
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForLoadState('networkidle');
    // The session survives a reload: any answer of 401 signs the web app out, and that is a failure here.
    if ((await page.locator('form.login').count()) > 0) throw new Error(`signed out on reloading, waiting for ${selector}`);
  }
}
