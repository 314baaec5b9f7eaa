/**
 * The plan editor (issue 14) in real headless Chromium: an agency revises its plan in the table — a
 * weight changed (the live sum blocks sending until it is 100), a date picked with the keyboard in
 * the Jalali calendar, an item added with its budget in toman, a link that would close a cycle
 * refused as it is made — and sends it with a reason; a committee member opens the revision, sees the
 * changed cells marked, and approves it. The revision and the plan are then read back from the API.
 */
import { formatJalali, tehranMidnight, toJalali, toPersianDigits } from '@pelekan/core';
import type { Page } from 'playwright-core';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { orgId, projectWithPlan } from '../support/fixtures';
import type { Harness } from '../support/harness';

describe('web app: the plan editor and the committee’s diff', () => {
  let stack: BrowserStack;
  let h: Harness;
  let agency: string;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
    agency = await orgId(h.http, 'demo-agency');
  });
  afterAll(() => stack?.close());

  const shot = (page: Page, name: string) => stack.shot(page, name);

  it('revises a plan in the table, refuses a cycle, and the committee approves it from the diff', async () => {
    const p = await projectWithPlan(
      h.http,
      'PE-EDIT',
      agency,
      {
        items: [
          { code: 'A', weight: 40, budgetRials: '1000' },
          { code: 'B', weight: 30, budgetRials: '1000' },
          { code: 'C', weight: 30, budgetRials: '500' },
        ],
        links: [{ from: 'A', to: 'B' }, { from: 'B', to: 'C' }],
      },
      { budgetRials: '3000' },
    );
    const page = await stack.signIn('agency.demo');
    await page.goto(`${h.baseUrl}/#/projects/${p.projectId}`);
    const form = 'form.plan-editor';
    await page.waitForSelector(`${form} tr[data-code="C"]`);
    const row = (code: string) => `${form} table.plan-table tr[data-code="${code}"]`;
    const submit = `${form} button.submit-plan`;
    // No JSON anywhere a user types.
    for (const area of await page.locator('textarea').all()) expect(await area.inputValue()).not.toMatch(/^\s*[[{]/);

    // --- A weight: the live sum follows, and sending is blocked (with the reason) until it is 100.
    await page.fill(`${row('B')} input[name=weight]`, '20');
    expect(await page.getAttribute(`${form} output.weight-sum`, 'data-hundredths')).toBe('9000');
    expect(await page.isDisabled(submit)).toBe(true);
    expect(await page.textContent(`${form} .blocked-reason`)).toContain('۱۰۰');
    expect(await page.getAttribute(submit, 'aria-describedby')).toBe('plan-editor-blocked');

    // --- A date with the calendar, by keyboard: the picker opens on the current end, a week later is picked.
    const end = toJalali(new Date('2030-06-01T00:00:00Z'));
    const newEnd = { ...end, day: end.day + 7 };
    const endField = `${row('A')} .date-field[data-name=plannedEnd]`;
    await page.click(`${endField} button.date-toggle`);
    await page.waitForSelector(`${endField} [role=grid] button[tabindex="0"][data-day="${formatJalali(end)}"]`);
    const focusedDay = () => page.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("data-day")');
    expect(await focusedDay()).toBe(formatJalali(end));
    await page.keyboard.press('ArrowDown');
    expect(await focusedDay()).toBe(formatJalali(newEnd));
    await shot(page, 'plan-editor-date-picker');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${endField} [role=dialog]`, { state: 'detached' });
    expect(await page.inputValue(`${endField} input`)).toBe(toPersianDigits(formatJalali(newEnd)));

    // --- Budgets in toman (the app's toggle): the table converts exactly; a new item is added.
    await page.check('header.top label.toman input');
    expect(await page.inputValue(`${row('A')} input[name=budget]`)).toBe('۱۰۰');
    await page.click(`${form} button.add-row`);
    const added = `${form} table.plan-table tr[data-row="3"]`;
    await page.fill(`${added} input[name=code]`, 'D');
    await page.fill(`${added} input[name=titleFa]`, 'بند تازه');
    await page.fill(`${added} input[name=titleEn]`, 'New item');
    await page.fill(`${added} input[name=weight]`, '۱۰');
    await page.fill(`${added} .date-field[data-name=plannedStart] input`, '۱۴۰۹/۰۳/۰۱');
    await page.fill(`${added} .date-field[data-name=plannedEnd] input`, '1409/05/01');
    await page.fill(`${added} input[name=budget]`, '۵۰');
    await page.press(`${added} input[name=budget]`, 'Tab');
    expect(await page.getAttribute(`${form} output.weight-sum`, 'data-hundredths')).toBe('10000');

    // --- Links: D waits for C; then A waiting for D would close A → B → C → D → A: refused as it is made.
    await page.click(`${row('D')} .link-picker summary`);
    await page.check(`${row('D')} .link-picker input[data-code="C"]`);
    await page.click(`${row('A')} .link-picker summary`);
    await page.click(`${row('A')} .link-picker input[data-code="D"]`);
    const refusal = await page.waitForSelector(`${row('A')} .cycle-refused`);
    expect(await refusal.textContent()).toContain('A ← B ← C ← D ← A');
    expect(await page.isChecked(`${row('A')} .link-picker input[data-code="D"]`)).toBe(false);
    await shot(page, 'plan-editor-cycle-refused');

    // --- The changes as the committee will see them, then sent with a reason.
    expect(await page.isDisabled(submit)).toBe(false);
    const changes = `${form} .plan-changes`;
    await page.waitForSelector(`${changes} tr[data-code="D"][data-status=added]`);
    expect(await page.textContent(`${changes} tr[data-code="B"] td[data-field=weightHundredths][data-changed=true]`)).toMatch(/۳۰.*۲۰/);
    expect(await page.locator(`${changes} tr[data-code="A"] td[data-field=plannedEnd][data-changed=true]`).count()).toBe(1);
    expect(await page.locator(`${changes} tr[data-code="C"] [data-changed]`).count()).toBe(0);
    await page.fill(`${form} textarea[name=reason]`, 'the quarterly review moved work from B to a new item D');
    await page.click(submit);
    await page.waitForSelector(`${form} [data-sent=true]`);
    await page.waitForSelector('[data-pending-revision]');
    expect(await page.isDisabled(submit)).toBe(true);
    await shot(page, 'plan-editor-sent');

    // The tables scroll inside their own boxes: the page is no wider than the window.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);

    // At phone width the editor fits the screen: its table scrolls sideways inside its own box. (The page
    // as a whole is the 375-px check's, over every page.)
    await page.setViewportSize({ width: 375, height: 800 });
    const widths = await page.evaluate<Record<string, number>>(`(() => {
      const section = document.querySelector('section#plan-editor');
      const box = document.querySelector('form.plan-editor .table-scroll');
      const rect = section.getBoundingClientRect();
      return { left: rect.left, right: rect.right, view: document.documentElement.clientWidth, inner: section.scrollWidth, outer: section.clientWidth, table: box.scrollWidth, box: box.clientWidth };
    })()`);
    expect(widths.left).toBeGreaterThanOrEqual(0);
    expect(widths.right).toBeLessThanOrEqual(widths.view);
    expect(widths.inner).toBeLessThanOrEqual(widths.outer);
    expect(widths.table).toBeGreaterThan(widths.box);
    await shot(page, 'plan-editor-375');

    const { body: revisions } = await h.http.as('committee.arao').get(`/api/projects/${p.projectId}/plan-revisions`);
    expect(revisions).toHaveLength(1);
    const revisionId = revisions[0].id as string;
    const { body: proposed } = await h.http.as('committee.arao').get(`/api/plan-revisions/${revisionId}`);
    expect(proposed.status).toBe('pending');
    expect(proposed.proposal.items.find((i: any) => i.code === 'D')).toMatchObject({
      weight: 10,
      budgetRials: '500',
      plannedStart: tehranMidnight({ year: 1409, month: 3, day: 1 }).toISOString(),
    });

    // --- The committee opens the revision: the changed cells are marked; it approves.
    const member = await stack.signIn('committee.arao');
    await member.goto(`${h.baseUrl}/#/committee`);
    const article = `article.revision[data-revision="${revisionId}"]`;
    await member.waitForSelector(`${article} .plan-diff tr[data-code="D"][data-status=added]`);
    expect(await member.textContent(`${article} tr[data-code="B"] td[data-field=weightHundredths][data-changed=true]`)).toMatch(/۳۰.*۲۰/);
    expect(await member.textContent(`${article} tr[data-code="A"] td[data-field=plannedEnd][data-changed=true]`)).toContain(toPersianDigits(formatJalali(newEnd)));
    expect(await member.getAttribute(`${article} tr[data-code="B"]`, 'data-status')).toBe('changed');
    expect(await member.getAttribute(`${article} tr[data-code="C"]`, 'data-status')).toBe('unchanged');
    expect(await member.textContent(`${article} .links-added`)).toContain('C');
    await shot(member, 'plan-editor-committee-diff');
    await member.fill(`${article} input[name=reason]`, 'consistent with the quarterly review');
    await member.click(`${article} > button:not(.danger)`);
    await member.waitForSelector(article, { state: 'detached' });

    const { body: decided } = await h.http.as('committee.arao').get(`/api/plan-revisions/${revisionId}`);
    expect(decided.status).toBe('approved');
    const { body: plan } = await h.http.as('agency.demo').get(`/api/projects/${p.projectId}/action-plan`);
    const item = (code: string) => plan.items.find((i: any) => i.code === code);
    expect(plan.items.map((i: any) => i.code).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(item('B').weight).toBe(20);
    expect(item('D')).toMatchObject({ weight: 10, budgetRials: '500', titleFa: 'بند تازه', ownerAgency: { id: agency } });
    expect(new Date(item('A').plannedEnd).toISOString()).toBe(tehranMidnight(newEnd).toISOString());
    expect(new Date(item('C').plannedEnd).toISOString()).toBe('2030-06-01T00:00:00.000Z');
    const links = plan.links.map((l: any) => `${l.from}>${l.to}`).sort();
    expect(links).toEqual(['A>B', 'B>C', 'C>D']);
  });
});
