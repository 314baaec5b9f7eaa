import { strToU8, Zip, ZipDeflate } from 'fflate';

/** Rows of one public table, as plain values (no nested objects). */
export type Cell = string | number | boolean | null;
export type Table = Array<Record<string, Cell>>;

/**
 * A text cell a spreadsheet would read as a formula (=, +, -, @, tab or CR first) gets a leading
 * apostrophe, so "=HYPERLINK(…)" in a project title stays text (OWASP "CSV injection"). Numbers
 * are written as numbers and never touched.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Takes a table a batch of rows at a time, then ends it: files are written as their rows are read. */
export interface TableWriter {
  rows(batch: Table): void;
  end(): void;
}

const csvCell = (v: Cell | undefined) => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? neutraliseFormula(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV with a UTF-8 byte-order mark, so spreadsheet programs read Persian text correctly; columns are the first row's. */
export function csvWriter(write: (text: string) => void): TableWriter {
  let columns: string[] | null = null;
  write('\uFEFF');
  return {
    rows(batch) {
      if (batch.length === 0) return;
      if (!columns) {
        columns = Object.keys(batch[0]);
        write(columns.join(',') + '\r\n');
      }
      const cols = columns;
      write(batch.map((r) => cols.map((c) => csvCell(r[c])).join(',') + '\r\n').join(''));
    },
    end() {},
  };
}

/** A JSON array of the rows. */
export function jsonWriter(write: (text: string) => void): TableWriter {
  let first = true;
  write('[');
  return {
    rows(batch) {
      if (batch.length === 0) return;
      write((first ? '' : ',') + batch.map((r) => JSON.stringify(r)).join(','));
      first = false;
    },
    end() {
      write(']');
    },
  };
}

export function toCsv(rows: Table): string {
  let out = '';
  const writer = csvWriter((text) => (out += text));
  writer.rows(rows);
  writer.end();
  return out;
}

// XML 1.0 cannot carry these control characters at all; they are dropped.
const xml = (s: string) =>
  // eslint-disable-next-line no-control-regex -- the control characters are what this removes
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const SHEET_START = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`;
const SHEET_END = '</sheetData></worksheet>';

/** One worksheet's rows as XML, numbered on from the rows already written. */
function sheetRows(values: Array<Array<Cell | undefined>>, firstRow: number): string {
  const cell = (ref: string, v: Cell | undefined) =>
    typeof v === 'number' && Number.isFinite(v)
      ? `<c r="${ref}"><v>${v}</v></c>`
      : v === null || v === undefined
        ? ''
        : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xml(String(v))}</t></is></c>`;
  return values
    .map((row, i) => `<row r="${firstRow + i}">${row.map((v, j) => cell(`${columnName(j)}${firstRow + i}`, v)).join('')}</row>`)
    .join('');
}

/**
 * A minimal Office Open XML workbook, one sheet per table (inline strings; money stays text so no digit
 * is lost), written as a ZIP stream: each sheet takes its rows batch by batch, in the order of `names`.
 */
export function xlsxWriter(names: readonly string[], write: (bytes: Uint8Array) => void): { sheet(index: number): TableWriter; end(): void } {
  let failed: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else write(chunk);
  });
  const add = (name: string, text: string) => {
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(strToU8(text), true);
  };
  add('[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
${names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('\n')}
</Types>`);
  add('_rels/.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  add('xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names
    .map((n, i) => `<sheet name="${xml(n.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`);
  add('xl/_rels/workbook.xml.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
    .map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
    .join('')}</Relationships>`);
  const check = () => {
    if (failed) throw failed;
  };
  return {
    sheet(index) {
      const file = new ZipDeflate(`xl/worksheets/sheet${index + 1}.xml`, { level: 6 });
      zip.add(file);
      file.push(strToU8(SHEET_START));
      let columns: string[] | null = null;
      let next = 1;
      return {
        rows(batch) {
          if (batch.length === 0) return;
          const values: Array<Array<Cell | undefined>> = [];
          if (!columns) {
            columns = Object.keys(batch[0]);
            values.push(columns);
          }
          const cols = columns;
          for (const r of batch) values.push(cols.map((c) => r[c]));
          file.push(strToU8(sheetRows(values, next)));
          next += values.length;
          check();
        },
        end() {
          file.push(strToU8(SHEET_END), true);
          check();
        },
      };
    },
    end() {
      zip.end();
      check();
    },
  };
}

/** The whole workbook in memory (small tables, tests). */
export function toXlsx(tables: Record<string, Table>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const names = Object.keys(tables);
  const writer = xlsxWriter(names, (bytes) => chunks.push(bytes));
  names.forEach((n, i) => {
    const sheet = writer.sheet(i);
    sheet.rows(tables[n]);
    sheet.end();
  });
  writer.end();
  return Buffer.concat(chunks);
}
