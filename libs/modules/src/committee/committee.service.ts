import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor';
import { Database } from '../database/database';
import { PlanRevisionsService } from '../action-plans/plan-revisions.service';
import { EscalationsService } from '../escalations/escalations.service';
import { VerificationService } from '../verification/verification.service';
import { packMonth, type PackRow, type PackSection, type PackStream, summarise } from './committee-pack';
import { CommitteeRepository, type KeyedPackRow, type PackKey } from './committee.repository';
import { CommitteeQueueView } from './dto';

/** Rows of a pack section read at a time: the pack streams, so memory holds one batch. */
const PACK_BATCH = 2000;
/** Before every row of any section. */
const START: PackKey = ['-infinity', '', -1];

/** The monitoring committee's desk: what waits on it, and what happened each month. */
@Injectable()
export class CommitteeService {
  constructor(
    private readonly db: Database,
    private readonly packs: CommitteeRepository,
    private readonly verification: VerificationService,
    private readonly escalations: EscalationsService,
    private readonly revisions: PlanRevisionsService,
  ) {}

  /**
   * The first page of each: declarations awaiting verification (oldest first, with evidence), live
   * cases of each level (oldest first), and the revisions awaiting approval. The rest of a list is
   * paged from its own route (`next` → GET /api/declarations/pending, /api/escalations?level=…).
   */
  async queue(actor: Actor): Promise<CommitteeQueueView> {
    const level = (n: 1 | 2 | 3 | 4) => this.escalations.list(actor, { status: 'live', level: n });
    const [declarations, l1, l2, l3, l4, revisions] = await Promise.all([
      this.verification.pending(actor),
      level(1),
      level(2),
      level(3),
      level(4),
      this.revisions.pending(),
    ]);
    return { declarations, cases: { 1: l1, 2: l2, 3: l3, 4: l4 }, revisions };
  }

  /**
   * The month's pack: its summaries are counted by PostgreSQL before anything is sent (a failure
   * there is an ordinary error answer); its rows are read in batches as the answer is written.
   */
  async pack(month: string): Promise<PackStream> {
    const range = packMonth(month);
    const counts = await this.packs.counts(this.db.reader, range.start, range.end);
    return {
      month: range,
      byPortfolio: summarise(counts, (r) => r.portfolio),
      byAgency: summarise(counts, (r) => r.agency),
      rows: (section) => this.sectionRows(section, range.start, range.end),
    };
  }

  private async *sectionRows(section: PackSection, start: Date, end: Date): AsyncGenerator<PackRow[]> {
    const read = { verifications: this.packs.verifications, cases: this.packs.cases, tranches: this.packs.tranches }[section].bind(this.packs);
    let after = START;
    for (;;) {
      const found: KeyedPackRow[] = await read(this.db.reader, start, end, after, PACK_BATCH);
      yield found.map(({ key_at: _at, key_id: _id, key_part: _part, ...row }) => row);
      if (found.length < PACK_BATCH) return;
      const last = found[found.length - 1];
      after = [last.key_at, last.key_id, last.key_part];
    }
  }
}
