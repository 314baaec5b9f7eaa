import { strToU8, zipSync } from 'fflate';

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

/** RFC 4180 CSV with a UTF-8 byte-order mark, so spreadsheet programs read Persian text correctly. */
export function toCsv(rows: Table): string {
  if (rows.length === 0) return '\uFEFF';
  const columns = Object.keys(rows[0]);
  const cell = (v: Cell | undefined) => {
    const s = v === null || v === undefined ? '' : typeof v === 'string' ? neutraliseFormula(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
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

function sheetXml(rows: Table): string {
  const columns = rows.length ? Object.keys(rows[0]) : [];
  const cell = (ref: string, v: Cell | undefined) =>
    typeof v === 'number' && Number.isFinite(v)
      ? `<c r="${ref}"><v>${v}</v></c>`
      : v === null || v === undefined
        ? ''
        : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xml(String(v))}</t></is></c>`;
  const lines = [columns, ...rows.map((r) => columns.map((c) => r[c]))].map(
    (values, i) => `<row r="${i + 1}">${values.map((v, j) => cell(`${columnName(j)}${i + 1}`, v)).join('')}</row>`,
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${lines.join('')}</sheetData></worksheet>`;
}

/** A minimal Office Open XML workbook, one sheet per table (inline strings; money stays text so no digit is lost). */
export function toXlsx(tables: Record<string, Table>): Uint8Array {
  const names = Object.keys(tables);
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
${names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('\n')}
</Types>`),
    '_rels/.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names
      .map((n, i) => `<sheet name="${xml(n.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
      .map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
      .join('')}</Relationships>`),
  };
  names.forEach((n, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(tables[n]))));
  return zipSync(files, { level: 6 });
}
