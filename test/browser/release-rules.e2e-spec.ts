/**
 * Money follows results (issue 12) in the web app, in real headless Chromium: a PBO officer creates a
 * banded tranche through the project page's form (a bad band first, refused next to its row), the card
 * shows the rule and the due date in Persian; then a lapsed tranche's remainder is decided through the
 * pipeline's form, refused for its creator (403, shown) and carried forward by another officer.
 */
import { formatJalali, tehranMidnight, toJalali, toPersianDigits } from '@pelekan/core';
import type { Page } from 'playwright-core';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { orgId, projectWithPlan } from '../support/fixtures';
import type { Harness } from '../support/harness';
import { eventually } from '../support/http';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('web app: release rules, due dates and lapsed remainders', () => {
  let stack: BrowserStack;
  let h: Harness;
  let agency: string;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
    agency = await orgId(h.http, 'demo-agency');
  });
  afterAll(() => stack?.close());

  const signIn = (username: string) => stack.signIn(username);
  const shot = (page: Page, name: string) => stack.shot(page, name);
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;

  it('creates a banded tranche through the form, then decides a lapsed remainder through the pipeline', async () => {
    // Started first so that it lapses while the form is filled: Y is gated on X, which nobody verifies,
    // so at its due date (seconds away) nothing was earned and all 800 rials lapse. T2 (on X) can take them.
    const lapsing = await projectWithPlan(h.http, 'RR-LAPSE', agency, {
      items: [
        { code: 'X', weight: 50, budgetRials: '1600' },
        { code: 'Y', weight: 50, budgetRials: '800' },
      ],
      links: [{ from: 'X', to: 'Y' }],
    });
    const create = async (body: Record<string, unknown>) => {
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${lapsing.projectId}/tranches`, body);
      expect(created.status).toBe(201);
      return created.body;
    };
    const lapsed = await create({ fundedItemIds: [lapsing.item('Y')], dueAt: inSeconds(5) });
    const target = await create({ fundedItemIds: [lapsing.item('X')], amountRials: '800' });

    // --- A banded tranche through the project page's form.
    const p = await projectWithPlan(h.http, 'RR-BAND', agency, {
      items: [
        { code: 'A', weight: 50, budgetRials: '600' },
        { code: 'B', weight: 50, budgetRials: '400' },
      ],
      links: [],
    });
    const officer1 = await signIn('pbo.officer1');
    await officer1.goto(`${h.baseUrl}/#/projects/${p.projectId}`);
    const form = 'form.new-tranche';
    await officer1.waitForSelector(form);
    await officer1.check(`${form} input[data-item-code="A"]`);
    await officer1.check(`${form} input[data-item-code="B"]`);
    await officer1.selectOption(`${form} select[name=ruleKind]`, 'banded');
    // Rows are added and removed in place; the two default rows stay.
    await officer1.click(`${form} button.add-band`);
    expect(await officer1.locator(`${form} tr[data-band]`).count()).toBe(3);
    await officer1.click(`${form} tr[data-band="2"] button.remove-band`);
    expect(await officer1.locator(`${form} tr[data-band]`).count()).toBe(2);
    // A lower band above the first: refused, the reason next to the row's field.
    await officer1.fill(`${form} tr[data-band="0"] input[name=fromPercent]`, '80');
    await officer1.fill(`${form} tr[data-band="0"] input[name=payPercent]`, '100');
    await officer1.fill(`${form} tr[data-band="1"] input[name=fromPercent]`, '90');
    await officer1.fill(`${form} tr[data-band="1"] input[name=payPercent]`, '70');
    const due = toJalali(new Date(Date.now() + 40 * 86_400_000));
    const dueFa = toPersianDigits(formatJalali(due));
    await officer1.fill(`${form} input[name=dueAt]`, dueFa);
    await officer1.click(`${form} button[type=submit]`);
    const bandError = await officer1.waitForSelector(`${form} tr[data-band="1"] [data-field="releaseRule.bands[1].fromPercent"]`);
    expect(await bandError.textContent()).toMatch(/highest down/);
    expect(await officer1.locator(`${form} tr[data-band="0"] .field-error`).count()).toBe(0);
    expect(await officer1.locator('.timeline article.tranche').count()).toBe(0);
    await shot(officer1, 'release-rules-band-error');

    await officer1.fill(`${form} tr[data-band="1"] input[name=fromPercent]`, '50');
    await officer1.click(`${form} button[type=submit]`);
    const card = '.timeline article.tranche[data-tranche="1"]';
    await officer1.waitForSelector(card);
    await officer1.waitForSelector(`${card} .tranche-details .next-installment`);
    const text = await officer1.textContent(card);
    expect(text).toContain('قاعده پرداخت: پلکانی: ≥۸۰٪: ۱۰۰٪، ≥۵۰٪: ۷۰٪');
    expect(await officer1.textContent(`${card} .due`)).toContain(dueFa);
    expect(await officer1.textContent(`${card} [data-kind=earned_progress]`)).toContain('رسیدن به بالاترین پله، یا سررسید');
    expect(await officer1.getAttribute(`${card} .next-installment`, 'data-waiting-for')).toBe('below_top_band');
    expect(await officer1.textContent(`${form} [data-created]`)).toContain('۱');
    await shot(officer1, 'release-rules-banded-created');
    const { body: list } = await h.http.as('pbo.officer1').get(`/api/projects/${p.projectId}/tranches`);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      releaseRule: { kind: 'banded', bands: [{ fromPercent: 80, payPercent: 100 }, { fromPercent: 50, payPercent: 70 }] },
      dueAt: tehranMidnight(due).toISOString(),
      amountRials: '1000',
    });

    // --- The lapsed tranche in the pipeline: its creator is refused, another officer carries it forward.
    await eventually(() => tranche(lapsed.id), (x) => x.state === 'lapsed', 40_000);
    const lapsedCard = `[data-column=lapsed] article.tranche[data-id="${lapsed.id}"]`;
    await officer1.goto(`${h.baseUrl}/#/pbo`);
    await officer1.waitForSelector(lapsedCard);
    expect(await officer1.textContent('[data-column=lapsed] h3')).toContain('سررسید گذشته');
    expect(await officer1.textContent(`${lapsedCard} [data-money=undisbursed]`)).toContain('۸۰۰ ریال');
    expect(await officer1.textContent(`${lapsedCard} [data-kind=remainder_decision]`)).toContain('تصمیم کارشناس');
    const remainder = `${lapsedCard} form.remainder`;
    await officer1.selectOption(`${remainder} select[name=action]`, 'carry_forward');
    await officer1.selectOption(`${remainder} select[name=targetTrancheId]`, target.id);
    await officer1.fill(`${remainder} input[name=reason]`, 'decided at the monthly review');
    await officer1.click(`${remainder} button[type=submit]`);
    const refused = await officer1.waitForSelector(`${remainder} .form-error[data-status="403"]`);
    expect(await refused.textContent()).toContain('ایجادکننده این قسط');

    const officer2 = await signIn('pbo.officer2');
    await officer2.waitForSelector(lapsedCard);
    // Carrying forward without a target: the server's reason beside the select.
    await officer2.fill(`${remainder} input[name=reason]`, 'decided at the monthly review');
    await officer2.click(`${remainder} button[type=submit]`);
    await officer2.waitForSelector(`${remainder} [data-field=targetTrancheId]`);
    await officer2.selectOption(`${remainder} select[name=targetTrancheId]`, target.id);
    await officer2.click(`${remainder} button[type=submit]`);
    const closedCard = `[data-column=closed] article.tranche[data-id="${lapsed.id}"]`;
    await officer2.waitForSelector(closedCard);
    await officer2.click(`${closedCard} details summary`);
    await officer2.waitForSelector(`${closedCard} .remainder-decisions li[data-action=carry_forward][data-status=applied]`);
    await shot(officer2, 'release-rules-remainder-carried');
    expect(await tranche(target.id)).toMatchObject({ amountRials: '1600', carriedIn: [expect.objectContaining({ fromTrancheId: lapsed.id, amountRials: '800' })] });
    expect(await tranche(lapsed.id)).toMatchObject({ state: 'closed', undisbursedRials: '0' });
  });
});
