/**
 * E-mail (issue 15) in the web app, in real headless Chromium:
 *  - a user opens "e-mail" from the header, types a wrong address and is told beside the field (400 naming
 *    `email`), corrects it, chooses the monthly digest with the arrow keys and saves; the API then reports
 *    the address and `monthly`;
 *  - an administrator opens the e-mail outbox from the admin page, filters it to failed messages, opens one
 *    message's attempts, sends it again through the confirmation; the API shows it pending again, with a
 *    new round (no failed attempts counted);
 *  - an administrator sets another user's preference from the same screen; that user's settings show it.
 * The failed message is made as the back-end test makes one: a notification (whose trigger writes the
 * outbox row) then given up (status failed, its attempts recorded). The browser harness has no SMTP server
 * and no mail folder, so nothing is sent and a redelivered message stays pending.
 */
import { source as axeSource } from 'axe-core';
import type { Page } from 'playwright-core';
import { Database } from '@pelekan/modules';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import type { Harness } from '../support/harness';
import { eventually } from '../support/http';

// page.evaluate's functions run in Chromium (the test's tsconfig has no DOM types).
declare const document: any;
declare const localStorage: any;
declare const window: any;

/** axe-core's serious and critical violations on the page as it is now (every-screen checks the screens empty). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result: { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> } = await window.axe.run(document);
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`);
  });
}

describe('web app: e-mail settings and the outbox', () => {
  let stack: BrowserStack;
  let h: Harness;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
  });
  afterAll(() => stack?.close());

  const persian = async (page: Page) => {
    await page.evaluate(() => localStorage.setItem('pelekan.lang', 'fa'));
    await page.reload();
    await page.waitForSelector('html[lang=fa]');
  };
  const focusIs = (page: Page, selector: string) => page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector);

  it('a user chooses the monthly digest; a wrong address is told beside the field', async () => {
    const settings = async () => (await h.http.as('agency.demo').get('/api/me/email-settings')).body as { email: string | null; preference: string };
    expect((await settings()).preference).toBe('immediate');

    const user = await stack.signIn('agency.demo');
    await persian(user);
    await user.click('[data-testid=email-settings-link]');
    const form = 'form.email-settings';
    await user.waitForSelector(form);
    expect(await user.inputValue(`${form} input[name=email]`)).toBe('agency.demo@pelekan.example');
    expect(await user.isChecked(`${form} input[value=immediate]`)).toBe(true);

    // A wrong address, by keyboard: refused, the reason beside the field; nothing changed.
    await user.focus(`${form} input[name=email]`);
    await user.keyboard.press('Control+A');
    await user.keyboard.type('not an address');
    await user.click(`${form} button[type=submit]`);
    const reason = await user.waitForSelector(`${form} [data-field=email]`);
    expect(await reason.textContent()).toContain('e-mail address');
    expect(await user.getAttribute(`${form} input[name=email]`, 'aria-invalid')).toBe('true');
    expect(await settings()).toEqual({ email: 'agency.demo@pelekan.example', preference: 'immediate' });
    await stack.shot(user, 'email-settings-field-error-fa');
    expect(await axeViolations(user)).toEqual([]);

    // The right one; Tab to the preference (the checked radio), the arrow key to "monthly", Tab to save, Enter.
    await user.focus(`${form} input[name=email]`);
    await user.keyboard.press('Control+A');
    await user.keyboard.type('Agency.Monthly@Pelekan.Example');
    await user.keyboard.press('Tab');
    expect(await focusIs(user, `${form} input[value=immediate]`)).toBe(true);
    await user.keyboard.press('ArrowDown');
    expect(await user.isChecked(`${form} input[value=monthly]`)).toBe(true);
    await user.keyboard.press('Tab');
    expect(await focusIs(user, `${form} button[type=submit]`)).toBe(true);
    await user.keyboard.press('Enter');
    await user.waitForSelector(`${form}[data-saved-preference=monthly]`);
    expect(await user.textContent(`${form} [role=status]`)).toContain('ذخیره شد');
    expect(await user.inputValue(`${form} input[name=email]`)).toBe('agency.monthly@pelekan.example');
    await stack.shot(user, 'email-settings-monthly-fa');

    expect(await settings()).toEqual({ email: 'agency.monthly@pelekan.example', preference: 'monthly' });
  });

  it('an administrator sees a failed message, its attempts, and sends it again', async () => {
    // A notification to committee.mict (immediate, with an address): its trigger writes the outbox row.
    const title = 'پیام آزمون ناموفق';
    await h.app.get(Database).transaction(async (tx) => {
      const [{ id }] = await tx.query(`SELECT id FROM users WHERE username = 'committee.mict'`);
      await tx.query(
        `INSERT INTO notifications (user_id, kind, subject_id, title_fa, title_en, body_fa, body_en)
         VALUES ($1, 'test_notice', NULL, $2, 'A failed test message', 'متن آزمون', 'Test body')`,
        [id, title],
      );
    });
    const [{ id }] = await h.asOwner(
      `SELECT o.id FROM email_outbox o JOIN notifications n ON n.id = o.notification_id WHERE n.title_fa = $1`,
      [title],
    );
    // Given up after three attempts, as the sender leaves it.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await h.asOwner(`INSERT INTO email_attempts (outbox_id, attempt, at, outcome, response) VALUES ($1, $2, now() - make_interval(mins => $3), 'failed', '451 try again later')`, [id, attempt, 10 - attempt]);
    }
    await h.asOwner(`UPDATE email_outbox SET status = 'failed', next_attempt_at = NULL, attempts = 3, last_error = '451 try again later' WHERE id = $1`, [id]);
    const outbox = async (status: string) => (await h.http.as('admin').get(`/api/admin/email-outbox?status=${status}&limit=200`)).body.items as { id: string; status: string; attempts: number }[];
    expect((await outbox('failed')).map((m) => m.id)).toContain(id);

    const admin = await stack.signIn('admin');
    await persian(admin);
    await admin.click('[data-testid=email-outbox-link]');
    await admin.waitForSelector('[data-workspace=admin-email]');
    await admin.selectOption('select[name=status]', 'failed');
    const row = `tr[data-mail="${id}"]`;
    await admin.waitForSelector(`${row}[data-status=failed]`);
    expect(await admin.textContent(row)).toContain(title);
    expect(await admin.textContent(row)).toContain('۳');

    // Its attempts, each with the server's answer.
    await admin.click(`${row} button[aria-expanded]`);
    await admin.waitForSelector(`tr[data-attempts-of="${id}"] tr[data-attempt="3"]`);
    expect(await admin.locator(`tr[data-attempts-of="${id}"] tr[data-outcome=failed]`).count()).toBe(3);
    expect(await admin.textContent(`tr[data-attempts-of="${id}"]`)).toContain('451 try again later');
    await stack.shot(admin, 'email-outbox-failed-fa');
    expect(await axeViolations(admin)).toEqual([]);

    // Send again: the confirmation names the recipient; cancel first (nothing changes), then confirm.
    await admin.click(`${row} button.redeliver`);
    const dialog = admin.locator('dialog.confirm[open]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-fact=to]').textContent()).toBe('committee.mict@pelekan.example');
    expect(await dialog.locator('[data-fact=subject]').textContent()).toContain(title);
    await stack.shot(admin, 'email-outbox-confirm-redeliver-fa');
    expect(await axeViolations(admin)).toEqual([]);
    await admin.click('[data-testid=confirm-cancel]');
    await dialog.waitFor({ state: 'detached' });
    expect((await outbox('failed')).map((m) => m.id)).toContain(id);

    await admin.click(`${row} button.redeliver`);
    await dialog.waitFor();
    await admin.click('[data-testid=confirm-approve]');
    await admin.waitForSelector(`[data-redelivered="${id}"]`);
    // The failed list no longer has it.
    await admin.waitForSelector(row, { state: 'detached' });

    const pending = await eventually(() => outbox('pending'), (list) => list.some((m) => m.id === id));
    expect(pending.find((m) => m.id === id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await outbox('failed')).map((m) => m.id)).not.toContain(id);

    // The pending filter shows it pending, with its next attempt.
    await admin.selectOption('select[name=status]', 'pending');
    await admin.waitForSelector(`${row}[data-status=pending]`);
    await stack.shot(admin, 'email-outbox-redelivered-fa');
  });

  it("an administrator sets another user's preference", async () => {
    const admin = await stack.signIn('admin');
    await admin.goto(`${h.baseUrl}/#/admin/email`);
    const form = 'form.user-email';
    await admin.waitForSelector(form);
    const { body: users } = await h.http.as('admin').get('/api/users');
    const officer = users.find((u: { username: string }) => u.username === 'pbo.officer1');
    await admin.selectOption(`${form} select[name=user]`, officer.id);
    await admin.fill(`${form} input[name=email]`, 'bad address');
    await admin.click(`${form} button[type=submit]`);
    await admin.waitForSelector(`${form} [data-field=email]`);
    await admin.fill(`${form} input[name=email]`, '');
    await admin.selectOption(`${form} select[name=preference]`, 'none');
    await admin.click(`${form} button[type=submit]`);
    await admin.waitForSelector(`${form} [role=status]`);
    const { body } = await h.http.as('pbo.officer1').get('/api/me/email-settings');
    expect(body).toEqual({ email: 'pbo.officer1@pelekan.example', preference: 'none' });
  });
});
