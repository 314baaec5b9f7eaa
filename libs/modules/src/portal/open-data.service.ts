import { Injectable } from '@nestjs/common';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { Database } from '../database/database';
import { csvWriter, jsonWriter, type Table, type TableWriter, xlsxWriter } from './open-data';
import { OpenDataRepository, type OpenDataTable } from './open-data.repository';
import { toPublicProjectRow } from './portal.repository';
import { PortalService } from './portal.service';
import type { PublicProjectView } from './dto';

export type { OpenDataTable } from './open-data.repository';
export const OPEN_DATA_TABLES: readonly OpenDataTable[] = ['portfolios', 'projects', 'items', 'tranches', 'releases'];
/** Open data is rebuilt at least this often, even without a change (staleness depends on the clock). */
export const OPEN_DATA_MAX_AGE_MS = 5 * 60_000;
/** Rows read, converted and written at a time: what a file costs in memory, however large the table. */
const BATCH = 5000;

/** A download: one table as CSV or JSON, or every table as the XLSX workbook. */
export type OpenDataFile = { table: OpenDataTable; format: 'csv' | 'json' } | { format: 'xlsx' };

/** A project as the open data flattens it. */
function projectRow(p: PublicProjectView): Table[number] {
  return {
    portfolio_id: p.portfolioId,
    code: p.code,
    name_fa: p.nameFa,
    name_en: p.nameEn,
    lead_agency_en: p.agencies.find((a) => a.role === 'lead')?.nameEn ?? null,
    collaborating_agencies_en: p.agencies
      .filter((a) => a.role !== 'lead')
      .map((a) => a.nameEn)
      .join('; '),
    budget_rials: p.budgetRials,
    released_rials: p.releasedRials,
    verified_percent: p.verifiedPercent,
    declared_percent: p.declaredPercent,
    self_declared_progress_pct_report: p.selfDeclared?.actualProgressPct ?? null,
    repeat_of: p.repeats ? `${p.repeats.portfolioCode ?? ''} ${p.repeats.projectCode ?? ''}`.trim() : null,
    last_verified_at: p.lastVerifiedAt ? new Date(p.lastVerifiedAt).toISOString() : null,
    stale: p.stale,
    confidential: p.confidential,
  };
}

/**
 * The portal's data as flat public tables, for CSV, JSON and the XLSX workbook. A file is written to
 * disk as its rows are read through a cursor, a batch at a time (OpenDataCache serves it from there):
 * 400,000 items never sit in memory at once.
 */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly db: Database,
    private readonly repository: OpenDataRepository,
    private readonly portal: PortalService,
  ) {}

  /**
   * What the public data looks like now: the audit chain's head moves with every committed change
   * of any domain table, and the time bucket lets time-derived flags (stale) refresh on their own.
   */
  async dataVersion(): Promise<string> {
    const head = await this.repository.auditHead(this.db.reader);
    return `${head}.${Math.floor(Date.now() / OPEN_DATA_MAX_AGE_MS)}`;
  }

  /** Writes the file to `path`, batch by batch, from one read-only transaction. */
  async build(file: OpenDataFile, path: string): Promise<void> {
    const handle = await open(path, 'w');
    const pending: Array<string | Uint8Array> = [];
    const flush = async () => {
      for (const chunk of pending.splice(0)) await (typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk));
    };
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        const copy = async (table: OpenDataTable, writer: TableWriter) => {
          const now = new Date();
          const batches =
            table === 'projects'
              ? this.mapped(this.repository.table(tx, 'projects', BATCH), (r) => projectRow(this.portal.projectView(toPublicProjectRow(r), now)))
              : this.repository.table(tx, table, BATCH);
          for await (const batch of batches) {
            writer.rows(batch);
            await flush();
          }
          writer.end();
          await flush();
        };
        if (file.format === 'xlsx') {
          const sink = new Writable({
            write(chunk: Buffer, _encoding, done) {
              pending.push(chunk);
              done();
            },
          });
          const workbook = xlsxWriter(OPEN_DATA_TABLES, sink);
          for (const [i, table] of OPEN_DATA_TABLES.entries()) await copy(table, workbook.sheet(i));
          await workbook.end();
        } else {
          const write = (text: string) => pending.push(text);
          await copy(file.table, file.format === 'csv' ? csvWriter(write) : jsonWriter(write));
        }
        await flush();
      });
    } finally {
      await handle.close();
    }
  }

  private async *mapped<T>(batches: AsyncIterable<T[]>, convert: (row: T) => Table[number]): AsyncGenerator<Table> {
    for await (const batch of batches) yield batch.map(convert);
  }
}
