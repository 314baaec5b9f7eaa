/**
 * Reading and writing workbooks with exceljs: the action table (template and export, in memory:
 * a plan is at most 2,000 rows), uploaded XLSX and CSV files as raw sheets, and a streaming writer
 * for the long exports (pipeline, ledger, committee pack) that holds one batch of rows at a time.
 */
import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import {
  ACTION_COLUMNS,
  ACTIONS_SHEET,
  actionRowCells,
  AGENCIES_SHEET,
  type ActionRow,
  type AgencyRef,
  INSTRUCTIONS,
  INSTRUCTIONS_SHEET,
  type RawCell,
  type RawSheet,
} from './action-table';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

/**
 * A value for a cell (rials never come here as numbers). Text goes in as it is: an XLSX string cell is
 * typed text that no spreadsheet evaluates, unlike a CSV field (portal/open-data neutraliseFormula), and
 * an apostrophe added here would stay in a title "-…" and come back with it on re-import.
 */
export function cellValue(v: string | number | boolean | null | undefined): string | number | boolean | null {
  return v ?? null;
}

/** The action-table workbook: the action sheet (Persian headers, English under them), instructions, agencies. */
export async function actionWorkbook(rows: readonly ActionRow[], agencies: readonly AgencyRef[], title?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Pelekan';
  wb.title = title ?? 'Action table';
  const sheet = wb.addWorksheet(ACTIONS_SHEET, { views: [{ rightToLeft: true, state: 'frozen', ySplit: 2 }] });
  sheet.columns = ACTION_COLUMNS.map((c) => ({ width: c.width, style: { numFmt: c.key === 'weight' ? '0.00' : '@' } }));
  sheet.addRow(ACTION_COLUMNS.map((c) => c.fa));
  sheet.addRow(ACTION_COLUMNS.map((c) => c.en));
  for (const r of [1, 2]) {
    sheet.getRow(r).font = { bold: r === 1 };
    sheet.getRow(r).eachCell((cell) => (cell.fill = HEADER_FILL));
  }
  for (const row of rows) sheet.addRow(actionRowCells(row).map((v) => cellValue(v)));

  const help = wb.addWorksheet(INSTRUCTIONS_SHEET, { views: [{ rightToLeft: true }] });
  help.columns = [{ width: 80 }, { width: 80 }];
  help.addRow(['راهنما', 'Instructions']).font = { bold: true };
  for (const [fa, en] of INSTRUCTIONS) help.addRow([fa, en]).alignment = { wrapText: true, vertical: 'top' };
  help.addRow([]);
  help.addRow(['ستون', 'Column']).font = { bold: true };
  for (const c of ACTION_COLUMNS) help.addRow([c.fa, c.en]);

  const list = wb.addWorksheet(AGENCIES_SHEET, { views: [{ rightToLeft: true, state: 'frozen', ySplit: 1 }] });
  list.columns = [{ width: 14, style: { numFmt: '@' } }, { width: 50 }, { width: 50 }];
  list.addRow(['کد دستگاه / Code', 'نام فارسی / Persian name', 'نام انگلیسی / English name']).font = { bold: true };
  for (const a of agencies) list.addRow([cellValue(a.code), cellValue(a.nameFa), cellValue(a.nameEn)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An uploaded XLSX as raw sheets; a file exceljs cannot open is null. */
export async function readXlsx(bytes: Buffer): Promise<RawSheet[] | null> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return null;
  }
  return wb.worksheets.map((ws) => {
    const rows: RawSheet['rows'] = [];
    ws.eachRow({ includeEmpty: false }, (row, number) => {
      const cells: RawCell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cell.value as RawCell));
      rows.push({ number, cells });
    });
    return { name: ws.name, rows };
  });
}

/**
 * RFC 4180 CSV (quoted fields with commas, quotes and line breaks), UTF-8 with or without a
 * byte-order mark; a semicolon or tab file (as some spreadsheet programs save) is read too.
 */
export function readCsv(text: string, name = 'CSV'): RawSheet {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  const rows: RawSheet['rows'] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) rows.push({ number: rowStart, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      endRow();
      line++;
      rowStart = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return { name, rows };
}

/** One sheet of a streamed workbook. */
export interface StreamedSheet {
  /** Adds rows (each an array of cell values) and commits them, waiting while the reader is behind. */
  rows(values: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): Promise<void>;
}

/**
 * A workbook written as a stream (exceljs's WorkbookWriter, no shared strings): `fill` adds sheets
 * one after another; each committed row leaves memory. The returned stream is the response body; an
 * error while filling ends it (the client sees a cut download, never a workbook that looks whole).
 */
export function streamWorkbook(fill: (sheet: (name: string, header: readonly string[], options?: { rtl?: boolean; widths?: number[] }) => StreamedSheet) => Promise<void>): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  let current: ExcelJS.Worksheet | null = null;
  const sheet = (name: string, header: readonly string[], options: { rtl?: boolean; widths?: number[] } = {}): StreamedSheet => {
    current?.commit();
    const ws = wb.addWorksheet(name.slice(0, 31), { views: [{ rightToLeft: options.rtl ?? false, state: 'frozen', ySplit: 1 }] });
    if (options.widths) ws.columns = options.widths.map((width) => ({ width }));
    current = ws;
    const head = ws.addRow([...header]);
    head.font = { bold: true };
    head.commit();
    return {
      async rows(values) {
        for (const v of values) ws.addRow(v.map((x) => cellValue(x))).commit();
        if (out.destroyed) throw new Error('the download was closed');
        if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]).catch(() => undefined);
      },
    };
  };
  void (async () => {
    try {
      await fill(sheet);
      (current as ExcelJS.Worksheet | null)?.commit();
      await wb.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
