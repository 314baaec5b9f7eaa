/**
 * Verification you can trust (issue 13) in the web app, in real headless Chromium: an administrator
 * opens a sample through the admin form (base rate 1, so every acceptance is drawn); the member of the
 * acceptor's organization is told why it may not check it, a member of another organization records a
 * discrepancy through the committee's "field checks to do" and sees the rate; the agency appeals a
 * rejection from its item's declarations; the member who rejected is told why it may not decide, another
 * member overturns it; the public portal shows the sample, its draws, the rule and the rates, in Persian
 * and in English. Each step is checked against the API afterwards.
 */
import { formatJalali, toJalali, toPersianDigits } from '@pelekan/core';
import type { Page } from 'playwright-core';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { pdfBytes } from '../support/demo';
import { orgId, projectWithPlan } from '../support/fixtures';
import type { Harness } from '../support/harness';
import { eventually } from '../support/http';

describe('web app: verification you can trust', () => {
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
  const tab = async (page: Page, name: string) => {
    await page.click(`[role=tab][data-tab=${name}]`);
    await page.waitForSelector(`[role=tabpanel][data-panel=${name}]`);
  };

  it('samples, field-checks, appeals and publishes, through the web app', async () => {
    // --- Seeded over HTTP: item A declared and accepted by ARAO; item B declared with evidence and rejected by ARAO.
    const p = await projectWithPlan(h.http, 'VT-WEB', agency, {
      items: [
        { code: 'A', weight: 50, budgetRials: '600' },
        { code: 'B', weight: 50, budgetRials: '400' },
      ],
      links: [],
    });
    const upload = async (name: string) => {
      const answer = await h.http.as('agency.demo').upload('/api/evidence', name, pdfBytes(name));
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    const declare = async (code: string, evidenceIds: string[]) => {
      const answer = await h.http.as('agency.demo').post(`/api/items/${p.item(code)}/declarations`, { percent: 100, note: `item ${code} done`, evidenceIds });
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    const decide = async (declarationId: string, decision: string, reason?: string) => {
      const answer = await h.http.as('committee.arao').post(`/api/declarations/${declarationId}/decision`, { decision, ...(reason ? { reason } : {}) });
      expect(answer.status).toBe(201);
      return answer.body;
    };
    const declA = await declare('A', [await upload('a-site-photo.pdf')]);
    await decide(declA, 'accept');
    const evidenceB = await upload('b-site-photo.pdf');
    const declB = await declare('B', [evidenceB]);
    const rejected = await decide(declB, 'reject', 'the photo does not show the finished work');
    const decisionB = rejected.decision.id as string;

    // --- Admin opens a sample through the form: from today (Jalali, Persian digits) to now, base rate 1.
    const seed = `web-${Date.now()}`;
    const admin = await signIn('admin');
    const form = 'form.open-sample';
    await admin.waitForSelector(form);
    await admin.fill(`${form} input[name=periodFrom]`, toPersianDigits(formatJalali(toJalali(new Date()))));
    await admin.fill(`${form} input[name=seed]`, seed);
    await admin.fill(`${form} input[name=baseRate]`, '1');
    await admin.fill(`${form} input[name=alwaysAboveRials]`, '۱٬۰۰۰٬۰۰۰٬۰۰۰');
    await admin.click(`${form} button[type=submit]`);
    const opened = await admin.waitForSelector('.sample-opened');
    const sampleId = (await opened.getAttribute('data-opened'))!;
    expect(await opened.textContent()).toContain('نمونه گشوده شد');
    await admin.waitForSelector(`table.samples tr[data-sample="${sampleId}"]`);
    await shot(admin, 'verification-admin-sample-opened');
    const { body: samples } = await h.http.as('admin').get('/api/verification-samples');
    const sample = samples.find((s: any) => s.id === sampleId);
    expect(sample).toMatchObject({ seed, baseRate: '1' });
    expect(sample.selected).toBeGreaterThanOrEqual(1);
    expect(sample.selected).toBe(sample.population);
    // The same period again: refused (409), told in words.
    await admin.click(`${form} button[type=submit]`);
    const overlap = await admin.waitForSelector(`${form} .form-error[data-code=sample_period_overlaps]`);
    expect(await overlap.getAttribute('data-status')).toBe('409');
    expect(await overlap.textContent()).toContain('هم‌پوشانی');

    // --- The acceptor's organization is not offered the check, and is told why.
    const arao = await signIn('committee.arao');
    await tab(arao, 'fieldChecks');
    const araoRow = await arao.waitForSelector(`tr[data-due="${declA}"]`);
    expect(await araoRow.getAttribute('data-may-check')).toBe('false');
    expect(await arao.locator(`tr[data-due="${declA}"] form`).count()).toBe(0);
    expect(await arao.textContent(`tr[data-due="${declA}"] .why-not`)).toContain('سازمان');
    await shot(arao, 'verification-field-check-same-organization');

    // --- A member of another organization records a discrepancy, with a file; a bad percent first (400, beside the field).
    const mict = await signIn('committee.mict');
    await tab(mict, 'fieldChecks');
    const check = `form[data-field-check="${declA}"]`;
    await mict.waitForSelector(check);
    expect(await mict.textContent(`tr[data-due="${declA}"]`)).toContain('۱۰۰');
    await mict.check(`${check} input[value=discrepancy]`);
    await mict.fill(`${check} input[name=verifiedPercent]`, '100');
    await mict.fill(`${check} textarea[name=reason]`, 'the site is 60% built');
    await mict.click(`${check} button[type=submit]`);
    await mict.waitForSelector(`${check} [data-field=verifiedPercent]`);
    await mict.fill(`${check} input[name=verifiedPercent]`, '60');
    await mict.setInputFiles(`${check} input[name=evidence]`, { name: 'site-visit.pdf', mimeType: 'application/pdf', buffer: pdfBytes('visit') });
    await mict.click(`${check} button[type=submit]`);
    await mict.waitForSelector(`tr[data-due="${declA}"]`, { state: 'detached' });
    const { body: draw } = await h.http.get(`/api/public/verification-samples/${sampleId}`);
    const drawA = draw.draws.find((d: any) => d.declarationId === declA);
    expect(drawA).toMatchObject({ selected: true, fieldCheck: { outcome: 'discrepancy', verifiedPercent: 60 } });

    // The rate: the agency's discrepancy counts, in the table and in the API.
    await tab(mict, 'rates');
    const rateRow = await mict.waitForSelector('table.rates-by-agency tr[data-agency="demo-agency"]');
    const { body: rates } = await h.http.as('committee.mict').get('/api/verification/discrepancy-rates');
    const demoRate = rates.byAgency.find((a: any) => a.code === 'demo-agency');
    expect(demoRate.discrepancies).toBeGreaterThanOrEqual(1);
    expect(await rateRow.textContent()).toContain(toPersianDigits(String(demoRate.discrepancies)));
    expect(await mict.locator('table.rates-by-member tbody tr').count()).toBeGreaterThanOrEqual(1);
    await shot(mict, 'verification-rates');

    // Stage times (branch stage-clocks; checked once its endpoint is merged): the declarations decided
    // today, counted in this month's row as the API counts them.
    const { status: timesStatus, body: times } = await h.http.as('committee.mict').get('/api/committee/stage-times');
    if (timesStatus !== 404) {
      expect(timesStatus).toBe(200);
      await tab(mict, 'stageTimes');
      const decidedStage = 'article.stage-times[data-stage=declaration_decided]';
      await mict.waitForSelector(`${decidedStage} table.by-month tbody tr`);
      const decidedStats = times.stages.find((s: any) => s.stage === 'declaration_decided');
      const lastMonth = decidedStats.byMonth[decidedStats.byMonth.length - 1];
      expect(lastMonth.count).toBeGreaterThanOrEqual(2);
      expect(await mict.textContent(`${decidedStage} h3`)).toContain('تصمیم دربارهٔ اظهار پیشرفت');
      expect(await mict.textContent(`${decidedStage} table.by-month`)).toContain(toPersianDigits(String(lastMonth.count)));
      await shot(mict, 'verification-stage-times');
    }

    // --- The agency appeals the rejection of B from the item's declarations, citing its evidence.
    const agencyPage = await signIn('agency.demo');
    const itemRow = `tr[data-item="B"]`;
    await agencyPage.waitForSelector(itemRow);
    await agencyPage.click(`${itemRow} button.decisions-toggle`);
    await agencyPage.click(`[data-appeal-open="${decisionB}"]`);
    const appealForm = `form[data-appeal-form="${decisionB}"]`;
    await agencyPage.fill(`${appealForm} textarea[name=reason]`, 'the photo shows the finished roof; see the file');
    await agencyPage.check(`${appealForm} input[value="${evidenceB}"]`);
    await agencyPage.click(`${appealForm} button[type=submit]`);
    const status = await agencyPage.waitForSelector(`[data-decision="${decisionB}"] .appeal-status[data-status=pending]`);
    expect(await status.textContent()).toContain('در انتظار رسیدگی');
    expect(await agencyPage.locator(`[data-appeal-open="${decisionB}"]`).count()).toBe(0);
    await shot(agencyPage, 'verification-agency-appealed');
    const { body: mine } = await h.http.as('agency.demo').get('/api/appeals?status=pending');
    const appeal = mine.items.find((a: any) => a.decisionId === decisionB);
    expect(appeal).toMatchObject({ status: 'pending', evidenceIds: [evidenceB] });

    // --- The member who rejected may not decide; another member overturns at 100%.
    await arao.reload();
    await arao.waitForSelector('[data-workspace=committee]');
    await tab(arao, 'appeals');
    const araoAppeal = await arao.waitForSelector(`tr[data-appeal="${appeal.id}"]`);
    expect(await araoAppeal.getAttribute('data-may-decide')).toBe('false');
    expect(await arao.textContent(`tr[data-appeal="${appeal.id}"] .why-not`)).toContain('تصمیم');

    await tab(mict, 'appeals');
    const decideForm = `form[data-appeal-decision="${appeal.id}"]`;
    await mict.waitForSelector(decideForm);
    expect(await mict.textContent(`tr[data-appeal="${appeal.id}"]`)).toContain('the photo shows the finished roof');
    await mict.selectOption(`${decideForm} select[name=action]`, 'overturn');
    await mict.fill(`${decideForm} input[name=verifiedPercent]`, '100');
    await mict.fill(`${decideForm} textarea[name=reason]`, 'the file shows the roof finished');
    await shot(mict, 'verification-appeal-overturn');
    await mict.click(`${decideForm} button[type=submit]`);
    await mict.waitForSelector(`tr[data-appeal="${appeal.id}"]`, { state: 'detached' });
    const decided = await eventually(
      async () => (await h.http.as('committee.mict').get(`/api/appeals/${appeal.id}`)).body,
      (a) => a.status === 'overturned',
    );
    expect(decided).toMatchObject({ status: 'overturned', verifiedPercent: 100 });
    await agencyPage.reload();
    await agencyPage.waitForSelector(itemRow);
    await agencyPage.click(`${itemRow} button.decisions-toggle`);
    await agencyPage.waitForSelector(`[data-decision="${decisionB}"] .appeal-status[data-status=overturned]`);

    // --- The portal: the sample, its draws and rule, and the rates; Persian, then English.
    const visitor = await (await stack.browser.newContext()).newPage();
    await visitor.goto(`${h.baseUrl}/#/portal`);
    const publicRow = `#portal-samples tr[data-sample="${sampleId}"]`;
    await visitor.waitForSelector(publicRow);
    expect(await visitor.textContent('#portal-samples h2')).toBe('نمونه‌های راستی‌آزمایی');
    expect(await visitor.textContent(`${publicRow} [data-count=discrepancies]`)).toBe(toPersianDigits(String(sample.discrepancies + 1)));
    await visitor.click(`${publicRow} button.show-draws`);
    const drawRow = await visitor.waitForSelector(`[data-draws="${sampleId}"] tr[data-draw="${declA}"]`);
    expect(await drawRow.getAttribute('data-selected')).toBe('true');
    expect(await drawRow.getAttribute('data-outcome')).toBe('discrepancy');
    expect(await drawRow.textContent()).toContain('مغایرت');
    expect((await visitor.textContent(`[data-draws="${sampleId}"] pre.formula`))!.length).toBeGreaterThan(20);
    await visitor.waitForSelector('#portal-rates tr[data-agency="demo-agency"]');
    await shot(visitor, 'verification-portal-fa');
    await visitor.click('[data-testid=lang]');
    expect(await visitor.textContent('#portal-samples h2')).toBe('Verification samples');
    expect(await visitor.textContent('#portal-rates h2')).toBe('Discrepancy rates');
    expect(await visitor.textContent(`[data-draws="${sampleId}"] tr[data-draw="${declA}"]`)).toContain('Discrepancy');
    await shot(visitor, 'verification-portal-en');
    const { body: publicRates } = await h.http.get('/api/public/discrepancy-rates');
    expect(publicRates.byAgency.find((a: any) => a.code === 'demo-agency').discrepancies).toBe(demoRate.discrepancies);
    await visitor.context().close();
  });
});
