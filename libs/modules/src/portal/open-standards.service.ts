import { Injectable } from '@nestjs/common';
import { open } from 'node:fs/promises';
import { IATI_ACTIVITIES_TAIL, iatiActivitiesHead, iatiActivity } from '@pelekan/core/iati';
import { exactJson, oc4idsPackage, oc4idsPackageHead, oc4idsProject } from '@pelekan/core/oc4ids';
import { PBO_PARTY } from '@pelekan/core/open-standards';
import { NotFound } from '../common/errors';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { OpenStandardsRepository } from './open-standards.repository';

/** Projects read, mapped and written at a time. */
const BATCH = 500;

export type OpenStandardsFile = 'oc4ids.json' | 'iati-activities.xml';

/**
 * The public portfolio in open standards: an OC4IDS 0.9.5 project package and IATI 2.03 activities
 * (mappings in core oc4ids.ts and iati.ts). Whole-portfolio files are written to disk a batch of
 * projects at a time from one read-only transaction, and served by OpenDataCache like the other
 * open data (ETag, 304, rebuilt when the data version moves).
 */
@Injectable()
export class OpenStandardsService {
  constructor(
    private readonly db: Database,
    private readonly repository: OpenStandardsRepository,
    private readonly config: AppConfig,
  ) {}

  private packageHead(path: string, published: Date) {
    return oc4idsPackageHead({ uri: `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${path}`, publishedDate: published, publisherName: PBO_PARTY.nameEn });
  }

  /** One public project as an OC4IDS package of one project, as JSON text (amounts exact); 404 for an unknown or confidential one. */
  async projectPackage(id: string): Promise<string> {
    const m = this.db.reader;
    const facts = await this.repository.project(m, id);
    if (!facts) throw new NotFound('project', id);
    const committee = await this.repository.committee(m);
    return exactJson(
      oc4idsPackage(this.packageHead(`/api/public/projects/${id}/oc4ids.json`, new Date()), [
        oc4idsProject(facts, { prefix: this.config.OC4IDS_PREFIX, committee }),
      ]),
    );
  }

  /** Writes the whole public portfolio as `file` to `path`. */
  async build(file: OpenStandardsFile, path: string): Promise<void> {
    const handle = await open(path, 'w');
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        const now = new Date();
        const committee = await this.repository.committee(tx);
        if (file === 'oc4ids.json') {
          const head = JSON.stringify(this.packageHead('/api/public/open-data/oc4ids.json', now));
          await handle.write(`${head.slice(0, -1)},"projects":[`);
          let first = true;
          for await (const batch of this.repository.all(tx, BATCH)) {
            const text = batch.map((p) => exactJson(oc4idsProject(p, { prefix: this.config.OC4IDS_PREFIX, committee }))).join(',');
            await handle.write((first ? '' : ',') + text);
            first = false;
          }
          await handle.write(']}');
        } else {
          await handle.write(iatiActivitiesHead(now));
          for await (const batch of this.repository.all(tx, BATCH)) {
            await handle.write(batch.map((p) => iatiActivity(p, { reportingOrgRef: this.config.IATI_REPORTING_ORG_REF, now })).join(''));
          }
          await handle.write(IATI_ACTIVITIES_TAIL);
        }
      });
    } finally {
      await handle.close();
    }
  }
}
