import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor';
import { Database } from '../database/database';
import { PlanRevisionsService } from '../action-plans/plan-revisions.service';
import { EscalationsService } from '../escalations/escalations.service';
import { VerificationService } from '../verification/verification.service';
import { packMonth, summarise } from './committee-pack';
import { CommitteeRepository } from './committee.repository';
import { CasesByLevelView, CommitteePackView, CommitteeQueueView } from './dto';

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

  /** Declarations awaiting verification (oldest first, with evidence), live cases by level, revisions awaiting approval. */
  async queue(actor: Actor): Promise<CommitteeQueueView> {
    const [declarations, cases, revisions] = await Promise.all([
      this.verification.pending(actor),
      this.escalations.list(actor, { status: 'live' }),
      this.revisions.pending(),
    ]);
    const byLevel: CasesByLevelView = { 1: [], 2: [], 3: [], 4: [] };
    for (const c of cases) byLevel[c.level as 1 | 2 | 3 | 4].push(c);
    return { declarations, cases: byLevel, revisions };
  }

  async pack(month: string): Promise<CommitteePackView> {
    const range = packMonth(month);
    const m = this.db.reader;
    const verifications = await this.packs.verifications(m, range.start, range.end);
    const cases = await this.packs.cases(m, range.start, range.end);
    const tranches = await this.packs.tranches(m, range.start, range.end);
    const all = [...verifications, ...cases, ...tranches];
    return {
      month: range,
      verifications,
      cases,
      tranches,
      byPortfolio: summarise(all, (r) => r.portfolio),
      byAgency: summarise(all, (r) => r.agency),
    };
  }
}
