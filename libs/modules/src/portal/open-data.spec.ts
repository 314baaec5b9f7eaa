import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import { csvWriter, jsonWriter, neutraliseFormula, toCsv, xlsxWriter } from './open-data';

describe('CSV open data', () => {
  it('keeps a title that starts like a formula as text', () => {
    for (const t of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(t)).toBe(`'${t}`);
    expect(neutraliseFormula('سامانه = خوب')).toBe('سامانه = خوب');
  });

  it('writes numbers as numbers and quotes what needs quoting', () => {
    expect(toCsv([{ a: -5, b: '=HYPERLINK("x")', c: null }])).toBe('\uFEFFa,b,c\r\n-5,"\'=HYPERLINK(""x"")",\r\n');
  });
});

describe('open data written batch by batch', () => {
  const batches = [[{ code: 'P-1', n: 1 }], [], [{ code: 'P-2', n: 2 }, { code: 'P-3', n: 3 }]];

  it('writes the same CSV and JSON in batches as at once', () => {
    let csv = '';
    let json = '';
    const c = csvWriter((t) => (csv += t));
    const j = jsonWriter((t) => (json += t));
    for (const b of batches) {
      c.rows(b);
      j.rows(b);
    }
    c.end();
    j.end();
    expect(csv).toBe(toCsv(batches.flat()));
    expect(JSON.parse(json)).toEqual(batches.flat());
    let empty = '';
    const e = jsonWriter((t) => (empty += t));
    e.end();
    expect(JSON.parse(empty)).toEqual([]);
  });

  it('numbers the rows of a streamed sheet on across batches', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const workbook = xlsxWriter(['portfolios', 'projects'], sink);
    workbook.sheet(0).end();
    const sheet = workbook.sheet(1);
    for (const b of batches) sheet.rows(b);
    sheet.end();
    await workbook.end();
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(read.worksheets.map((w) => w.name)).toEqual(['portfolios', 'projects']);
    const projects = read.getWorksheet('projects')!;
    expect(projects.getRow(1).values).toEqual([undefined, 'code', 'n']);
    expect(projects.getRow(4).values).toEqual([undefined, 'P-3', 3]);
    expect(projects.rowCount).toBe(4);
  });
});
