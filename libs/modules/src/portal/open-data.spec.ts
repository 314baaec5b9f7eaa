import { strFromU8, unzipSync } from 'fflate';
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

  it('numbers the rows of a streamed sheet on across batches', () => {
    const chunks: Uint8Array[] = [];
    const workbook = xlsxWriter(['portfolios', 'projects'], (bytes) => chunks.push(bytes));
    workbook.sheet(0).end();
    const sheet = workbook.sheet(1);
    for (const b of batches) sheet.rows(b);
    sheet.end();
    workbook.end();
    const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
    expect(strFromU8(files['xl/workbook.xml'])).toMatch(/name="projects"/);
    const xml = strFromU8(files['xl/worksheets/sheet2.xml']);
    expect(xml).toContain('<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">code</t></is></c>');
    expect(xml).toContain('<row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve">P-3</t></is></c><c r="B4"><v>3</v></c></row>');
    expect(xml.endsWith('</sheetData></worksheet>')).toBe(true);
  });
});
