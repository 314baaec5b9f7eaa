/**
 * The web app in real headless Chromium (Debian's package, driven by playwright-core), for the browser
 * suites: a harness serving the built web app, one browser, signing in as a person would, screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Harness, startHarness } from './harness';

const ROOT = join(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

export interface BrowserStack {
  h: Harness;
  browser: Browser;
  /** A new browser context signed in as `username` (demo password), once its workspace shows. */
  signIn(username: string): Promise<Page>;
  /** A full-page screenshot to test/artifacts/<name>.png. */
  shot(page: Page, name: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startBrowserStack(): Promise<BrowserStack> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('the web app is not built: run `npm run build` (npm test does)');
  if (!CHROMIUM) throw new Error('Chromium not found: install Debian\'s "chromium" package (npm test does) or set CHROMIUM_PATH');
  mkdirSync(ARTIFACTS, { recursive: true });
  const h = await startHarness({ demoData: true, env: { WEB_DIST } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  return {
    h,
    browser,
    async signIn(username) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${h.baseUrl}/#/login`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', 'pelekan-demo');
      // Signed in once the answer came and the workspace shows, as a person would see it. Returning at the
      // click let a caller reload the page while the sign-in was still in flight (a loaded machine takes
      // more than half a second over scrypt): the reload aborted it and landed on the login page.
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/auth/login'),
        page.click('form.login button[type=submit]'),
      ]);
      expect(answer.status()).toBe(200);
      await page.waitForSelector('[data-workspace]');
      return page;
    },
    shot: (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }),
    async close() {
      await browser.close();
      await h.close();
    },
  };
}
