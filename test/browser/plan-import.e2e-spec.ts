/**
 * Excel in (issue 14) in real headless Chromium: an agency uploads an action table built here with
 * exceljs on its project's page. A table with errors first: the errors are listed by sheet, row and
 * column in Persian, and nothing is saved (checked through the API). Then a clean table: filed.
 */
import { parseJalali, tehranMidnight } from '@pelekan/core';
import ExcelJS from 'exceljs';
import { startBrowserStack, type BrowserStack } from '../support/browser';
import { orgId } from '../support/fixtures';
import type { Harness } from '../support/harness';

const FA = ['کد بند', 'عنوان فارسی', 'عنوان انگلیسی', 'دستگاه مسئول (کد)', 'وزن (درصد)', 'تاریخ شروع', 'تاریخ پایان', 'بودجه (ریال)', 'پیش‌نیازها (کدها)'];

async function table(rows: Array<Array<string | number | null>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('اقدامات - Actions');
  ws.addRow(FA);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('web app: importing an action table from Excel', () => {
  let stack: BrowserStack;
  let h: Harness;

  beforeAll(async () => {
    stack = await startBrowserStack();
    h = stack.h;
  });
  afterAll(() => stack?.close());

  it('shows every problem of a bad table by sheet, row and column, saves nothing, then files a clean one', async () => {
    const agency = await orgId(h.http, 'demo-agency');
    const { body: portfolio } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'P-XLB', nameFa: 'سبد اکسل', nameEn: 'Excel' });
    const project = await h.http.as('pbo.officer1').post('/api/projects', {
      portfolioId: portfolio.id,
      code: 'XLB-1',
      nameFa: 'طرح ورود از اکسل',
      nameEn: 'Imported from Excel',
      leadAgencyId: agency,
      budgetRials: '5000000000',
    });
    expect(project.status).toBe(201);
    const id = project.body.id;
    const plan = async () => (await h.http.as('agency.demo').get(`/api/projects/${id}/action-plan`)).body;

    const page = await stack.signIn('agency.demo');
    await page.goto(`${h.baseUrl}/#/projects/${id}`);
    const form = 'form[data-form="plan-import"]';
    await page.waitForSelector(form);

    const bad = await table([
      ['1', 'مطالعه', 'Study', 'demo-agency', 60, '1405/01/15', '1405/02/31', '1000000000', null],
      ['2', 'اجرا', 'Build', null, 'شصت', '1405/03/01', '1405/02/01', '2000000000', '7'],
    ]);
    await page.setInputFiles(`${form} input[type=file]`, { name: 'plan.xlsx', mimeType: XLSX, buffer: bad });
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-import-errors]');
    const cells = await page.$$eval('[data-import-errors] tbody tr', (rows) => rows.map((r) => `${r.getAttribute('data-row')}${r.getAttribute('data-column')}`));
    // The weight that is not a number (E3), the end before the start (G3), the unknown predecessor (I3).
    expect(cells).toEqual(expect.arrayContaining(['3E', '3G', '3I']));
    const text = await page.textContent('[data-import-errors]');
    expect(text).toMatch(/عدد/);
    expect(text).toMatch(/بعد از تاریخ شروع/);
    await stack.shot(page, 'plan-import-errors-fa');
    expect((await plan()).items).toEqual([]);

    const clean = await table([
      ['1', 'مطالعه', 'Study', 'demo-agency', 60, '1405/01/15', '1405/02/31', '1000000000', null],
      ['2', 'اجرا', 'Build', null, 40, '۱۴۰۵/۰۳/۰۱', '۱۴۰۵/۰۹/۳۰', '2,000,000,000', '1'],
    ]);
    await page.setInputFiles(`${form} input[type=file]`, { name: 'plan.xlsx', mimeType: XLSX, buffer: clean });
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-import-done]');
    expect(await page.$('[data-import-errors]')).toBeNull();
    await stack.shot(page, 'plan-import-done-fa');

    const filed = await plan();
    expect(filed.items.map((i: any) => [i.code, i.weight, i.budgetRials])).toEqual([
      ['1', 60, '1000000000'],
      ['2', 40, '2000000000'],
    ]);
    expect(filed.items[1].plannedEnd).toBe(tehranMidnight(parseJalali('1405/09/30')).toISOString());
    expect(filed.links.map((l: any) => `${l.from}->${l.to}`)).toEqual(['1->2']);
  });
});
