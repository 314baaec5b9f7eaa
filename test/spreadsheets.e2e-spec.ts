/**
 * Excel in and out over HTTP: an action table built here with exceljs (and as CSV) imported as a plan
 * or a revision, refused with every problem on its sheet, row and column (and nothing saved), or
 * filed exactly as the JSON endpoints file it; the template and a plan's export re-import; the
 * pipeline, ledger and committee pack workbooks hold what the API's JSON says.
 */
import { parseJalali, tehranMidnight, toJalali } from '@pelekan/core';
import ExcelJS from 'exceljs';
import { declare, demoProject } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

const FA = ['کد بند', 'عنوان فارسی', 'عنوان انگلیسی', 'دستگاه مسئول (کد)', 'وزن (درصد)', 'تاریخ شروع', 'تاریخ پایان', 'بودجه (ریال)', 'پیش‌نیازها (کدها)'];
const EN = ['Code', 'Persian title', 'English title', 'Owner agency (code)', 'Weight (%)', 'Start date (Jalali)', 'End date (Jalali)', 'Budget (rials)', 'Predecessors (codes)'];
const SHEET = 'اقدامات - Actions';
/** More than 2^53: a spreadsheet number would lose its last digit. */
const BIG = '9007199254740993';

type Row = Array<string | number | null>;

async function workbook(rows: Row[], sheetName = SHEET): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(FA);
  ws.addRow(EN);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readBook(bytes: ArrayBuffer | Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as ArrayBuffer);
  return wb;
}

/** A sheet's rows below its header as arrays of cell values (index 0 = column A). */
function sheetRows(ws: ExcelJS.Worksheet, headerRows = 1): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow((row, n) => {
    if (n > headerRows) out.push((row.values as unknown[]).slice(1));
  });
  return out;
}

const instant = (jalali: string) => tehranMidnight(parseJalali(jalali)).toISOString();

describe('Excel in and out', () => {
  let h: Harness;
  let agencyId: string;
  let projectId: string;

  const importFile = async (user: string, id: string, bytes: Buffer | string, filename: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([bytes]), filename);
    return h.http.request('POST', `/api/projects/${id}/action-plan/import`, { token: await h.http.login(user), body: form });
  };
  const download = async (user: string, path: string) => {
    const response = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${await h.http.login(user)}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/spreadsheetml/);
    return readBook(await response.arrayBuffer());
  };
  const planOf = async (id: string) => (await h.http.as('agency.demo').get(`/api/projects/${id}/action-plan`)).body;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    const orgs = (await h.http.as('admin').get('/api/organizations')).body;
    agencyId = orgs.find((o: any) => o.code === 'demo-agency').id;
    const { body: portfolio } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'P-XL', nameFa: 'سبد اکسل', nameEn: 'Excel portfolio' });
    const project = await h.http.as('pbo.officer1').post('/api/projects', {
      portfolioId: portfolio.id,
      code: 'XL-1',
      nameFa: 'طرح اکسل',
      nameEn: 'Excel project',
      leadAgencyId: agencyId,
      budgetRials: '100000000000000000',
    });
    expect(project.status).toBe(201);
    projectId = project.body.id;
  });
  afterAll(() => h?.close());

  it('refuses a table with errors, listing each on its sheet, row and column in English and Persian, and saves nothing', async () => {
    const bytes = await workbook([
      ['1', 'بند یک', 'Item one', 'demo-agency', 40, '1405/01/15', '1405/03/31', '400000000', null],
      ['2', 'بند دو', 'Item two', null, 'abc', '۱۴۰۵/۰۴/۰۱', '1405/13/01', '300000000', '1'],
      ['1', 'بند سه', 'Item three', 'NOPE', 30, '1405/05/01', '1405/04/01', '12,000', '9'],
    ]);
    const answer = await importFile('agency.demo', projectId, bytes, 'plan.xlsx', { as: 'plan' });
    expect(answer.status).toBe(400);
    const at = (row: number, column: string) => answer.body.errors.filter((e: any) => e.sheet === SHEET && e.row === row && e.column === column);
    expect(at(4, 'E')).toEqual([expect.objectContaining({ field: 'items[1].weight', reasonFa: expect.stringMatching(/عدد/) })]);
    expect(at(4, 'G')).toEqual([expect.objectContaining({ field: 'items[1].plannedEnd', reason: expect.stringMatching(/Jalali/) })]);
    expect(at(5, 'D')).toEqual([expect.objectContaining({ field: 'items[2].ownerAgencyId', reason: expect.stringMatching(/NOPE/) })]);
    // The plan rules' own findings on the rest of the table, on their cells too.
    expect(at(5, 'A')).toEqual([expect.objectContaining({ reason: 'duplicate code "1"', reasonFa: expect.stringMatching(/تکراری/) })]);
    expect(at(5, 'G')).toEqual([expect.objectContaining({ reason: 'must be after plannedStart' })]);
    expect(at(5, 'I')).toEqual([expect.objectContaining({ reason: 'no item with code "9"' })]);
    for (const e of answer.body.errors) expect(e.reasonFa).toMatch(/[\u0600-\u06FF]/);
    expect((await planOf(projectId)).items).toEqual([]);
    expect((await h.http.as('agency.demo').get(`/api/projects/${projectId}/plan-revisions`)).body).toEqual([]);
  });

  it('refuses an upload by an agency that does not lead the project, and a file that is not a table', async () => {
    const clean = await workbook([['1', 'یک', 'One', null, 100, '1405/01/01', '1405/02/01', '1', null]]);
    expect((await importFile('committee.mict', projectId, clean, 'plan.xlsx')).status).toBe(403);
    const junk = await importFile('agency.demo', projectId, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'plan.xlsx');
    expect(junk.status).toBe(400);
    expect(junk.body.errors[0]).toEqual(expect.objectContaining({ field: 'file', reasonFa: expect.any(String) }));
    expect((await importFile('agency.demo', projectId, clean, 'plan.xlsx', { as: 'both' })).body.errors[0].field).toBe('as');
    expect((await planOf(projectId)).items).toEqual([]);
  });

  it('files a clean table as the plan, exactly as PUT would (Jalali dates to Tehran midnight, rials beyond 2^53 exact)', async () => {
    const bytes = await workbook([
      ['1', 'طراحی', 'Design', 'demo-agency', 50, '1405/01/15', '1405/03/31', BIG, null],
      ['2', 'ساخت', 'Build', null, 30, '۱۴۰۵/۰۴/۰۱', '۱۴۰۵/۰۸/۳۰', '2,000,000', '1'],
      ['3', 'استقرار', '-Roll-out', null, 20.5 - 0.5, '1405/09/01', '1405/12/29', '1000', '1, 2'],
    ]);
    const answer = await importFile('agency.demo', projectId, bytes, 'plan.xlsx', { as: 'plan' });
    expect(answer.status).toBe(201);
    const plan = await planOf(projectId);
    expect(answer.body.items).toHaveLength(3);
    const item = (c: string) => plan.items.find((i: any) => i.code === c);
    expect(item('1')).toEqual(expect.objectContaining({ titleFa: 'طراحی', weight: 50, budgetRials: BIG, plannedStart: instant('1405/01/15'), plannedEnd: instant('1405/03/31') }));
    expect(item('2')).toEqual(expect.objectContaining({ plannedStart: instant('1405/04/01'), budgetRials: '2000000' }));
    expect(item('2').ownerAgency.id).toBe(agencyId);
    expect(plan.links.map((l: any) => `${l.from}->${l.to}`).sort()).toEqual(['1->2', '1->3', '2->3']);
  });

  it("exports the plan in the template's format; re-imported unchanged it is the same plan, and changed it is a revision", async () => {
    const book = await download('pbo.officer1', `/api/projects/${projectId}/action-plan.xlsx`);
    const ws = book.getWorksheet(SHEET)!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(FA);
    const rows = sheetRows(ws, 2);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(rows[0].slice(0, 8)).toEqual(['1', 'طراحی', 'Design', 'demo-agency', 50, '1405/01/15', '1405/03/31', BIG]);
    expect(rows[2][8]).toBe('1, 2');
    expect(book.worksheets.map((w) => w.name)).toEqual([SHEET, 'راهنما - Instructions', 'دستگاه‌ها - Agencies']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());

    const same = await importFile('agency.demo', projectId, bytes, 'export.xlsx', { as: 'revision', reason: 'nothing changed' });
    expect(same.status).toBe(400);
    expect(same.body.errors).toEqual([expect.objectContaining({ field: 'items', reason: 'the proposal is the same as the current plan' })]);

    const noReason = await importFile('agency.demo', projectId, bytes, 'export.xlsx', { as: 'revision' });
    expect(noReason.body.errors.map((e: any) => e.field)).toContain('reason');

    ws.getCell('C4').value = 'Build, revised';
    ws.getCell('E3').value = 45;
    ws.getCell('E4').value = 35;
    const revised = await importFile('agency.demo', projectId, Buffer.from(await book.xlsx.writeBuffer()), 'export.xlsx', { as: 'revision', reason: 'periodic review' });
    expect(revised.status).toBe(201);
    expect(revised.body).toEqual(expect.objectContaining({ status: 'pending', reason: 'periodic review' }));
    const revisions = (await h.http.as('agency.demo').get(`/api/projects/${projectId}/plan-revisions`)).body;
    expect(revisions.map((r: any) => r.id)).toEqual([revised.body.id]);
    expect(revised.body.diff.changedItems.map((c: any) => `${c.code}.${c.field}`).sort()).toEqual(['1.weightHundredths', '2.titleEn', '2.weightHundredths']);
    // The plan itself waits for the committee.
    expect((await planOf(projectId)).items.find((i: any) => i.code === '2').titleEn).toBe('Build');
  });

  it('reads a CSV (UTF-8 with a byte-order mark, English headers, quoted commas) and the filled-in template', async () => {
    const { body: portfolio } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'P-XL2', nameFa: 'سبد', nameEn: 'P' });
    const make = async (code: string) =>
      (await h.http.as('pbo.officer1').post('/api/projects', { portfolioId: portfolio.id, code, nameFa: 'طرح', nameEn: code, leadAgencyId: agencyId, budgetRials: '1000000' })).body.id as string;

    const csvProject = await make('XL-CSV');
    const csv =
      '\uFEFF' +
      [EN.join(','), 'A,الف,"Survey, phase 1",demo-agency,60,1405/02/01,1405/03/01,600000,', 'B,ب,Build,,40,۱۴۰۵/۰۳/۰۱,۱۴۰۵/۰۶/۰۱,"400,000",A'].join('\r\n') +
      '\r\n';
    const fromCsv = await importFile('agency.demo', csvProject, Buffer.from(csv, 'utf8'), 'plan.csv');
    expect(fromCsv.status).toBe(201);
    const plan = await planOf(csvProject);
    expect(plan.items.map((i: any) => [i.code, i.titleEn, i.budgetRials])).toEqual([
      ['A', 'Survey, phase 1', '600000'],
      ['B', 'Build', '400000'],
    ]);
    const badCsv = await importFile('agency.demo', await make('XL-CSV2'), Buffer.from(csv.replace('1405/03/01,600000', '1405/03/01,6000000'), 'utf8'), 'plan.csv');
    expect(badCsv.status).toBe(400);
    expect(badCsv.body.errors).toEqual([expect.objectContaining({ sheet: 'plan', row: null, column: 'H', reason: expect.stringMatching(/more than the project budget/) })]);

    const template = await download('agency.demo', '/api/action-plans/template.xlsx');
    const agencies = sheetRows(template.getWorksheet('دستگاه‌ها - Agencies')!);
    expect(agencies.map((r) => r[0])).toContain('demo-agency');
    expect(sheetRows(template.getWorksheet('راهنما - Instructions')!).length).toBeGreaterThan(5);
    template.getWorksheet(SHEET)!.addRow(['1', 'یک', 'One', 'demo-agency', 100, '1405/01/01', '1405/06/31', '1000000', null]);
    const templated = await make('XL-TPL');
    expect((await importFile('agency.demo', templated, Buffer.from(await template.xlsx.writeBuffer()), 'template.xlsx')).status).toBe(201);
    expect((await planOf(templated)).items.map((i: any) => i.plannedEnd)).toEqual([instant('1405/06/31')]);
  });

  it('exports the pipeline, the ledger and the committee pack with what the JSON says', async () => {
    // Release tranche 1 of the worked example, so the ledger has an entry.
    const demo = await demoProject(h.http);
    await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${demo.tranche(1)}`)).body.state, (s) => s === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${demo.tranche(1)}/decision`, { action: 'approve' })).status).toBe(201);
    await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${demo.tranche(1)}`)).body.state, (s) => s === 'released');
    await declare(h.http, 'agency.demo', demo.item('1'), 50);

    const tranches = (await h.http.as('pbo.officer1').get('/api/tranches?limit=500')).body.items;
    const pipeline = sheetRows((await download('pbo.officer1', '/api/tranches.xlsx')).worksheets[0]);
    expect(pipeline.map((r) => r[13])).toEqual(tranches.map((t: any) => t.id));
    expect(pipeline.map((r) => r[4])).toEqual(tranches.map((t: any) => t.amountRials));
    expect(pipeline.map((r) => r[3])).toEqual(tranches.map((t: any) => t.state));
    const released = tranches.find((t: any) => t.id === demo.tranche(1));
    const releasedRow = pipeline.find((r) => r[13] === released.id)!;
    const j = toJalali(new Date(released.releasedAt));
    expect(releasedRow[10]).toBe(`${j.year}/${String(j.month).padStart(2, '0')}/${String(j.day).padStart(2, '0')}`);
    const filtered = sheetRows((await download('pbo.officer1', `/api/tranches.xlsx?state=released&projectId=${demo.projectId}`)).worksheets[0]);
    expect(filtered.map((r) => r[13])).toEqual([released.id]);

    const entries = (await h.http.as('pbo.officer1').get('/api/ledger/entries?limit=500')).body.items;
    expect(entries.length).toBeGreaterThan(0);
    const ledger = sheetRows((await download('pbo.officer1', '/api/ledger/entries.xlsx')).worksheets[0]);
    expect(ledger.map((r) => [r[9], r[7], r[8]])).toEqual(entries.flatMap((e: any) => e.postings.map((p: any) => [e.id, p.debitRials, p.creditRials])));
    const own = sheetRows((await download('agency.demo', '/api/ledger/entries.xlsx')).worksheets[0]);
    const ownJson = (await h.http.as('agency.demo').get('/api/ledger/entries?limit=500')).body.items;
    expect(new Set(own.map((r) => r[9]))).toEqual(new Set(ownJson.map((e: any) => e.id)));

    const now = toJalali(new Date());
    const month = `${now.year}-${String(now.month).padStart(2, '0')}`;
    const json = (await h.http.as('committee.mict').get(`/api/committee/pack?month=${month}`)).body;
    const pack = await download('committee.mict', `/api/committee/pack?month=${month}&format=xlsx&lang=en`);
    expect(pack.worksheets.map((w) => w.name)).toEqual(['By portfolio', 'By agency', 'Verifications', 'Escalation cases', 'Tranches']);
    expect(sheetRows(pack.getWorksheet('By portfolio')!).map((r) => [r[0], r[7]])).toEqual(json.byPortfolio.map((s: any) => [s.key.code, s.releasedRials]));
    expect(sheetRows(pack.getWorksheet('Tranches')!).map((r) => [r[1], r[3]])).toEqual(json.tranches.map((r: any) => [r.kind, r.project.code]));
    expect(json.tranches.length).toBeGreaterThan(0);
    expect(sheetRows(pack.getWorksheet('Verifications')!)).toHaveLength(json.verifications.length);
    const fa = await download('committee.mict', `/api/committee/pack?month=${month}&format=xlsx`);
    expect(fa.worksheets[0].name).toBe('به تفکیک سبد');
  });
});
