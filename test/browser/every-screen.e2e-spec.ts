/**
 * Every screen, both languages, anyone, any screen (issue 14), in real headless Chromium. Each page of
 * SCREENS is opened in Persian and in English, at desktop width and at 375 px, and:
 *   (a) axe-core runs on it: no serious or critical violation;
 *   (b) its visible text is in the reader's language (the rule is LANGUAGE_RULE below);
 *   (c) at 375 px the page does not scroll sideways (documentElement.scrollWidth ≤ clientWidth);
 *   (d) a full-page screenshot goes to test/artifacts/screen-<page>-<lang>-<desktop|phone>.png.
 * A new page of the web app gets a row in SCREENS. A page another branch is rewriting may be listed in
 * PENDING_OTHER_BRANCHES: its checks are skipped (and said so) until that branch merges.
 *
 * Then a keyboard-only approval: a PBO officer reaches the tranche's approve button with Tab, opens the
 * confirmation with Enter, checks it names the tranche, the project, the agency and the amount, cancels
 * with Escape (nothing approved), opens it again and confirms with Space; the API shows it approved.
 * Then a keyboard-only declaration: the demo agency opens an item's declare form with Enter, types the
 * percent and a note, opens the evidence file chooser from the keyboard, submits with Enter; the API
 * shows the declaration. And a keyboard-only verification: a committee member independent of the agency
 * (ARAO) reaches that declaration's decision form in the queue, keeps "verify", submits with Enter; the
 * API shows it decided and accepted.
 */
import { source as axeSource } from 'axe-core';
import type { Page } from 'playwright-core';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { demoProject, pdfBytes } from '../support/demo';
import type { Harness } from '../support/harness';
import { eventually } from '../support/http';

type Lang = 'fa' | 'en';
type Width = 'desktop' | 'phone';

interface Screen {
  /** Names the screenshots and the test. */
  name: string;
  /** Who is signed in (null: nobody). */
  user: string | null;
  /** The route, with :project (DEMO-1's id) and :portfolio (the DEMO portfolio's id) filled in. */
  hash: string;
  /** A committee tab to open after the page shows. */
  tab?: string;
  /** What shows once the page is there. */
  ready: string;
}

/** Every page of the web app: each role's workspace and its tabs, the project page, the login page, the portal. */
const SCREENS: Screen[] = [
  { name: 'login', user: null, hash: '#/login', ready: 'form.login' },
  { name: 'portal-home', user: null, hash: '#/portal', ready: 'main *' },
  { name: 'portal-portfolio', user: null, hash: '#/portal/portfolios/:portfolio', ready: 'main *' },
  { name: 'portal-project', user: null, hash: '#/portal/projects/:project', ready: 'main *' },
  { name: 'pbo', user: 'pbo.officer1', hash: '#/pbo', ready: '[data-workspace=pbo]' },
  { name: 'agency', user: 'agency.demo', hash: '#/agency', ready: '[data-workspace=agency]' },
  { name: 'committee-queue', user: 'committee.mict', hash: '#/committee', tab: 'queue', ready: '[data-workspace=committee]' },
  { name: 'committee-field-checks', user: 'committee.mict', hash: '#/committee', tab: 'fieldChecks', ready: '[data-workspace=committee]' },
  { name: 'committee-appeals', user: 'committee.mict', hash: '#/committee', tab: 'appeals', ready: '[data-workspace=committee]' },
  { name: 'committee-samples', user: 'committee.mict', hash: '#/committee', tab: 'samples', ready: '[data-workspace=committee]' },
  { name: 'committee-rates', user: 'committee.mict', hash: '#/committee', tab: 'rates', ready: '[data-workspace=committee]' },
  { name: 'committee-stage-times', user: 'committee.mict', hash: '#/committee', tab: 'stageTimes', ready: '[data-workspace=committee]' },
  { name: 'admin', user: 'admin', hash: '#/admin', ready: '[data-workspace=admin]' },
  { name: 'admin-webhooks', user: 'admin', hash: '#/admin/webhooks', ready: '[data-workspace=admin-webhooks]' },
  { name: 'admin-email', user: 'admin', hash: '#/admin/email', ready: '[data-workspace=admin-email]' },
  { name: 'email-settings', user: 'agency.demo', hash: '#/settings/email', ready: '[data-workspace=email-settings]' },
  { name: 'project-pbo', user: 'pbo.officer1', hash: '#/projects/:project', ready: '[data-workspace=project]' },
  { name: 'project-agency', user: 'agency.demo', hash: '#/projects/:project', ready: '[data-workspace=project]' },
];

/**
 * Pages other branches of issue 14 are rewriting (the portal; the plan editor on the agency's project
 * page): listed in SCREENS, their checks skipped here until those branches merge. Empty this list then.
 */
const PENDING_OTHER_BRANCHES: string[] = [];

/**
 * LANGUAGE_RULE — what counts as text in the wrong language.
 * Looked at: every visible text node of <body> (and the aria-label and placeholder attributes of visible
 * elements), except inside an element marked data-i18n-exempt or translate="no", or <code>, <kbd>,
 * <samp>, <pre>, <script>, <style>, and form controls' values (what a user typed is data).
 *  - Persian page: a Latin *word* is a leak: a run of Latin letters only, two or more long, with at least
 *    one lowercase letter ("budget", "Budget", "overdue"). Not a leak: codes and identifiers (anything with
 *    a digit or - _ . @ / : inside, e.g. DEMO-1, pbo.officer1, an email, a URL), acronyms in capitals
 *    (PBO, ICT, XLSX), numbers. Data from the API (names, titles, descriptions, usernames) is shown in
 *    the reader's language where the API has both (nameFa/nameEn); free text people typed and names the
 *    API has in one language only are marked data-i18n-exempt by the web app.
 *  - English page: any Arabic-script character (Persian letters or Persian digits) is a leak.
 */
// The functions handed to page.evaluate run in Chromium; the test program has no DOM types (its tsconfig
// lib is Node's), so they reach the page's globals through these loose declarations, local to this module.
declare const document: any;
declare const window: any;
declare const localStorage: any;
declare const NodeFilter: any;
type Element = any;

const LATIN_WORD = /^[A-Za-z]*[a-z][A-Za-z]*$/;
const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;

describe('web app: every screen, both languages, any screen', () => {
  let stack: BrowserStack;
  let h: Harness;
  let ids: { project: string; portfolio: string };
  const pages = new Map<string | null, Page>();

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
    const demo = await demoProject(h.http);
    const portfolios = await h.http.as('pbo.officer1').get('/api/portfolios');
    ids = { project: demo.projectId, portfolio: portfolios.body.find((p: { code: string }) => p.code === 'DEMO').id };
  });
  afterAll(() => stack?.close());

  /** One signed-in page per user, reused across screens. */
  async function pageOf(user: string | null): Promise<Page> {
    let page = pages.get(user);
    if (!page) {
      if (user) page = await stack.signIn(user);
      else page = await (await stack.browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
      pages.set(user, page);
    }
    return page;
  }

  async function open(screen: Screen, lang: Lang, width: Width): Promise<Page> {
    const page = await pageOf(screen.user);
    await page.setViewportSize(width === 'desktop' ? { width: 1400, height: 1000 } : { width: 375, height: 800 });
    const hash = screen.hash.replace(':project', ids.project).replace(':portfolio', ids.portfolio);
    await page.goto(`${h.baseUrl}/${hash}`);
    await page.evaluate((l) => localStorage.setItem('pelekan.lang', l), lang);
    await page.reload();
    await page.waitForSelector(`html[lang=${lang}]`);
    await page.waitForSelector(screen.ready);
    if (screen.tab) {
      await page.click(`[role=tab][data-tab=${screen.tab}]`);
      await page.waitForSelector(`[role=tabpanel][data-panel=${screen.tab}]`);
    }
    await page.waitForLoadState('networkidle');
    // Loaded: nothing on the page is still busy.
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    return page;
  }

  async function axeViolations(page: Page): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) {
      // Evaluated rather than added as a <script> tag: the app's Content-Security-Policy (script-src 'self')
      // rightly refuses inline scripts, and the test does not weaken it.
      await page.evaluate(axeSource);
    }
    return page.evaluate(async () => {
      interface AxeResult {
        violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
      }
      const axe: { run(context: unknown): Promise<AxeResult> } = window.axe;
      const result = await axe.run(document);
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}`);
    });
  }

  /** Visible text outside exempt elements, with where it is (LANGUAGE_RULE). */
  function visibleTexts(page: Page): Promise<Array<{ text: string; where: string }>> {
    return page.evaluate(() => {
      const EXEMPT = '[data-i18n-exempt], [translate=no], code, kbd, samp, pre, script, style, textarea, input, select';
      const out: Array<{ text: string; where: string }> = [];
      const describe = (el: Element) => {
        const parts: string[] = [];
        for (let e: Element = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
          parts.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''));
        }
        return parts.join(' > ');
      };
      const visible = (el: Element) => el.checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) ?? true;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        const text = node.textContent?.trim();
        if (!el || !text || el.closest(EXEMPT) || !visible(el)) continue;
        out.push({ text, where: describe(el) });
      }
      // The selected option of each select is visible text too.
      for (const select of document.querySelectorAll('select')) {
        if (select.closest('[data-i18n-exempt], [translate=no]') || !visible(select)) continue;
        for (const option of select.options) out.push({ text: option.text.trim(), where: `${describe(select)} > option` });
      }
      for (const el of document.querySelectorAll('[aria-label], [placeholder]')) {
        if (el.closest('[data-i18n-exempt], [translate=no]') || !visible(el)) continue;
        for (const name of ['aria-label', 'placeholder']) {
          const value = el.getAttribute(name)?.trim();
          if (value) out.push({ text: value, where: `${describe(el)}[${name}]` });
        }
      }
      return out;
    });
  }

  function languageLeaks(texts: Array<{ text: string; where: string }>, lang: Lang): string[] {
    const leaks: string[] = [];
    for (const { text, where } of texts) {
      if (lang === 'en') {
        if (ARABIC_SCRIPT.test(text)) leaks.push(`${where}: "${text.slice(0, 80)}"`);
        continue;
      }
      // Tokens keep the characters of codes together (DEMO-1, pbo.officer1, a@b.ir, /api/x); words are what is left.
      const words = (text.match(/[A-Za-z0-9_.@/:-]+/g) ?? []).map((w) => w.replace(/^[.:/-]+|[.:/-]+$/g, ''));
      const latin = words.filter((w) => LATIN_WORD.test(w) && w.length >= 2);
      if (latin.length > 0) leaks.push(`${where}: ${latin.join(' ')} in "${text.slice(0, 80)}"`);
    }
    return leaks;
  }

  const each = SCREENS.map((s) => [s.name, s] as const);
  it.each(each)('%s: accessible, in the reader\'s language, no sideways scroll at 375 px, screenshots', async (name, screen) => {
    if (PENDING_OTHER_BRANCHES.includes(name)) {
      // Still screenshotted (so the rewrite has a before), checks skipped until the branch that owns it merges.
      for (const lang of ['fa', 'en'] as const) {
        for (const width of ['desktop', 'phone'] as const) await stack.shot(await open(screen, lang, width), `screen-${name}-${lang}-${width}`);
      }
      console.log(`every-screen: ${name} is pending another branch (PENDING_OTHER_BRANCHES); screenshots only`);
      return;
    }
    const problems: string[] = [];
    for (const lang of ['fa', 'en'] as const) {
      for (const width of ['desktop', 'phone'] as const) {
        const page = await open(screen, lang, width);
        const at = `${name} ${lang} ${width}`;
        await stack.shot(page, `screen-${name}-${lang}-${width}`);
        for (const v of await axeViolations(page)) problems.push(`${at}: axe ${v}`);
        if (width === 'desktop') for (const leak of languageLeaks(await visibleTexts(page), lang)) problems.push(`${at}: language ${leak}`);
        if (width === 'phone') {
          const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
          if (scroll > client) problems.push(`${at}: scrolls sideways (${scroll} > ${client} px)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a PBO officer approves a tranche with the keyboard alone, through the confirmation', async () => {
    const { tranche } = await demoProject(h.http);
    const id = tranche(1);
    const state = async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body as { state: string; number: number; amountRials: string; createdBy: string };
    await eventually(state, (t) => t.state === 'awaiting_approval');
    const officer = await stack.signIn('pbo.officer2');
    await officer.evaluate(() => localStorage.setItem('pelekan.lang', 'fa'));
    await officer.reload();
    const button = `[data-column=awaiting_approval] [data-id="${id}"] button.approve`;
    await officer.waitForSelector(button);

    // Tab from the top of the page until the approve button has focus (bounded: a page has finitely many stops).
    await officer.evaluate(() => document.activeElement?.blur());
    const focused = () => officer.evaluate((sel) => document.activeElement === document.querySelector(sel), button);
    let presses = 0;
    while (!(await focused())) {
      await officer.keyboard.press('Tab');
      if (++presses > 400) throw new Error('the approve button was not reached with Tab');
    }

    // Enter opens the confirmation; it names the tranche, the project, the agency and the amount; focus is inside.
    await officer.keyboard.press('Enter');
    const dialog = officer.locator('dialog.confirm[open]');
    await dialog.waitFor();
    await officer.waitForFunction(() => !document.querySelector('dialog.confirm [data-fact=agency]')?.textContent?.includes('…'));
    expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await officer.evaluate(() => document.querySelector('dialog.confirm')?.contains(document.activeElement))).toBe(true);
    const t = await state();
    expect(await dialog.locator('[data-fact=tranche]').textContent()).toContain('۱');
    expect(await dialog.locator('[data-fact=project]').textContent()).toContain('DEMO-1');
    expect((await dialog.locator('[data-fact=agency]').textContent())?.trim().length).toBeGreaterThan(1);
    const amount = (await dialog.locator('[data-fact=amount]').textContent()) ?? '';
    expect(amount.replace(/[٬\s]|ریال/g, '').replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)))).toBe(t.amountRials);
    await stack.shot(officer, 'screen-pbo-confirm-approve-fa-desktop');

    // Focus stays in the dialog however far one tabs.
    for (let i = 0; i < 5; i++) {
      await officer.keyboard.press('Tab');
      expect(await officer.evaluate(() => document.querySelector('dialog.confirm')?.contains(document.activeElement))).toBe(true);
    }

    // Escape cancels: the dialog closes, focus returns to the approve button, nothing is approved.
    await officer.keyboard.press('Escape');
    await officer.locator('dialog.confirm').waitFor({ state: 'detached' });
    expect(await focused()).toBe(true);
    expect((await state()).state).toBe('awaiting_approval');

    // Again, and this time confirm: Tab from "cancel" (where focus starts) to "approve", Space presses it.
    await officer.keyboard.press('Enter');
    await dialog.waitFor();
    await officer.waitForFunction(() => !document.querySelector('dialog.confirm [data-testid=confirm-approve]')?.disabled);
    expect(await officer.evaluate(() => document.activeElement?.dataset.testid)).toBe('confirm-cancel');
    await officer.keyboard.press('Tab');
    expect(await officer.evaluate(() => document.activeElement?.dataset.testid)).toBe('confirm-approve');
    await officer.keyboard.press('Space');
    await officer.locator('dialog.confirm').waitFor({ state: 'detached' });
    const approved = await eventually(state, (x) => ['approved', 'released'].includes(x.state));
    expect(['approved', 'released']).toContain(approved.state);
  });

  /** Tab from the top of the page until `selector` has focus (bounded: a page has finitely many stops). */
  async function tabTo(page: Page, selector: string, what: string) {
    await page.evaluate(() => document.activeElement?.blur());
    const focused = () => page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector);
    let presses = 0;
    while (!(await focused())) {
      await page.keyboard.press('Tab');
      if (++presses > 400) throw new Error(`${what} was not reached with Tab`);
    }
  }
  const focusIs = (page: Page, selector: string) => page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector);

  /** The declaration the agency makes with the keyboard; the committee member then verifies it. */
  let keyboardDeclaration: { id: string; itemId: string; percent: number } | null = null;

  it('an agency declares progress with the keyboard alone: percent, note, evidence file, Enter', async () => {
    const { item } = await demoProject(h.http);
    const itemId = item('4');
    const declarations = async () => (await h.http.as('agency.demo').get(`/api/items/${itemId}/declarations`)).body as { id: string; percent: number; note: string; status: string; evidence: unknown[] }[];
    const before = await declarations();
    const { body: plan } = await h.http.as('agency.demo').get(`/api/projects/${(await demoProject(h.http)).projectId}/action-plan`);
    const current = plan.items.find((i: { id: string }) => i.id === itemId) as { declaredPercent: number; verifiedPercent: number };
    const percent = Math.min(100, Math.max(current.declaredPercent, current.verifiedPercent) + 15);
    const note = 'roll-out began, keyboard';

    const agency = await stack.signIn('agency.demo');
    await agency.evaluate(() => localStorage.setItem('pelekan.lang', 'fa'));
    await agency.reload();
    const toggle = 'tr[data-item="4"] button[aria-expanded]:not(.decisions-toggle)';
    await agency.waitForSelector(toggle);

    // Tab to the item's "declare" button; Enter opens its form.
    await tabTo(agency, toggle, 'the declare button');
    await agency.keyboard.press('Enter');
    const form = 'form[data-declare="4"]';
    await agency.waitForSelector(form);
    expect(await agency.getAttribute(toggle, 'aria-expanded')).toBe('true');

    // The percent, then the note: each the next Tab stop.
    await agency.keyboard.press('Tab');
    expect(await focusIs(agency, `${form} input[name=percent]`)).toBe(true);
    await agency.keyboard.press('Control+A');
    await agency.keyboard.type(String(percent));
    await agency.keyboard.press('Tab');
    expect(await focusIs(agency, `${form} input[name=note]`)).toBe(true);
    await agency.keyboard.type(note);

    // The evidence file input: Tab to it, Space opens the file chooser.
    await agency.keyboard.press('Tab');
    expect(await focusIs(agency, `${form} input[name=evidence]`)).toBe(true);
    const [chooser] = await Promise.all([agency.waitForEvent('filechooser'), agency.keyboard.press('Space')]);
    await chooser.setFiles({ name: 'roll-out-keyboard.pdf', mimeType: 'application/pdf', buffer: pdfBytes('roll-out by keyboard') });
    expect(await agency.evaluate((sel) => document.querySelector(sel)?.files?.[0]?.name, `${form} input[name=evidence]`)).toBe('roll-out-keyboard.pdf');

    // Tab to the submit button; Enter declares. The form closes once the declaration is made.
    await agency.keyboard.press('Tab');
    expect(await focusIs(agency, `${form} button[type=submit]`)).toBe(true);
    await agency.keyboard.press('Enter');
    await agency.locator(form).waitFor({ state: 'detached' });

    const after = await eventually(declarations, (list) => list.length > before.length);
    const made = after.find((d) => !before.some((b) => b.id === d.id))!;
    expect(made).toMatchObject({ percent, note, status: 'pending' });
    expect(made.evidence).toHaveLength(1);
    keyboardDeclaration = { id: made.id, itemId, percent };
  });

  it('a committee member verifies a declaration with the keyboard alone, from the queue', async () => {
    if (!keyboardDeclaration) throw new Error('needs the declaration the agency made with the keyboard (the test above)');
    const { id, itemId, percent } = keyboardDeclaration;
    // ARAO is not the demo agency's organization: the member may decide it (no conflict of interest).
    const { body: queue } = await h.http.as('committee.arao').get('/api/committee/queue');
    const queued = (queue.declarations.items as { id: string; conflictOfInterest?: boolean }[]).find((d) => d.id === id);
    expect(queued).toBeDefined();
    expect(queued!.conflictOfInterest).toBeFalsy();

    const member = await stack.signIn('committee.arao');
    await member.goto(`${h.baseUrl}/#/committee`);
    await member.evaluate(() => localStorage.setItem('pelekan.lang', 'fa'));
    await member.reload();
    const form = `form[data-decide="${id}"]`;
    await member.waitForSelector(form);

    // Tab to the decision select; "verify" (accept) is chosen; then the reason, then the button, Enter.
    await tabTo(member, `${form} select[name=decision]`, 'the decision of the declaration');
    expect(await member.evaluate((sel) => document.querySelector(sel)?.value, `${form} select[name=decision]`)).toBe('accept');
    await member.keyboard.press('Tab');
    expect(await focusIs(member, `${form} input[name=reason]`)).toBe(true);
    await member.keyboard.type('evidence matches the roll-out');
    await member.keyboard.press('Tab');
    expect(await focusIs(member, `${form} button[type=submit]`)).toBe(true);
    await member.keyboard.press('Enter');
    await member.locator(form).waitFor({ state: 'detached' });

    const declarations = async () => (await h.http.as('committee.arao').get(`/api/items/${itemId}/declarations`)).body as { id: string; status: string; decision: { outcome: string; verifiedPercent: number | null } | null }[];
    const decided = (await eventually(declarations, (list) => list.find((d) => d.id === id)?.status === 'decided')).find((d) => d.id === id)!;
    expect(decided.status).toBe('decided');
    expect(decided.decision).toMatchObject({ outcome: 'accepted', verifiedPercent: percent });
  });
});
