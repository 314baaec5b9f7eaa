import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';

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

/**
 * The open-data workbook, one sheet per table, written by exceljs's streaming WorkbookWriter into
 * `stream` (no shared strings: each committed row leaves memory). Numbers stay numbers; money is
 * text in the tables, so no digit is lost; booleans are written as "true"/"false" as in the CSV.
 */
export function xlsxWriter(names: readonly string[], stream: Writable): { sheet(index: number): TableWriter; end(): Promise<void> } {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  const value = (v: Cell | undefined) => (v === null || v === undefined ? null : typeof v === 'number' ? (Number.isFinite(v) ? v : String(v)) : String(v));
  return {
    sheet(index) {
      const sheet = workbook.addWorksheet(names[index].slice(0, 31));
      let columns: string[] | null = null;
      return {
        rows(batch) {
          if (batch.length === 0) return;
          if (!columns) {
            columns = Object.keys(batch[0]);
            sheet.addRow(columns).commit();
          }
          for (const r of batch) sheet.addRow(columns.map((c) => value(r[c]))).commit();
        },
        end() {
          sheet.commit();
        },
      };
    },
    end: () => workbook.commit(),
  };
}
