import { Injectable } from '@nestjs/common';
import {
  breachAt,
  isOverLimit,
  isStage,
  jalaliMonthsBetween,
  lastJalaliMonths,
  msToHours,
  type StageClock,
  stageDurationMs,
  type StageLimits,
  stageOwner,
  STAGES,
  summarizeStageTimes,
} from '@pelekan/core';
import type { Actor } from '../common/actor';
import { InvalidInput } from '../common/errors';
import { AppConfig } from '../config';
import { stageLimits } from '../escalations/period';
import { Database } from '../database/database';
import { PlanRevisionsService } from '../action-plans/plan-revisions.service';
import { EscalationsService } from '../escalations/escalations.service';
import { VerificationService } from '../verification/verification.service';
import { packMonth, type PackRow, type PackSection, type PackStream, summarise } from './committee-pack';
import { CommitteeRepository, type KeyedPackRow, type PackKey, type StageClockRow, StageClocksRepository } from './committee.repository';
import { CommitteeQueueView, StageCasesView, StageOverLimitView, StageTimesQueryDto, StageTimesView } from './dto';

/** Rows of a pack section read at a time: the pack streams, so memory holds one batch. */
const PACK_BATCH = 2000;
/** Before every row of any section. */
const START: PackKey = ['-infinity', '', -1];
/** The stages over their limit one answer lists (the longest first); `overLimitTotal` counts them all. */
const OVER_LIMIT_SHOWN = 1000;
/** The longest range of months the statistics read at once. */
const MAX_MONTHS = 36;

type JalaliMonth = { year: number; month: number };
const monthKey = (m: JalaliMonth) => `${m.year}-${String(m.month).padStart(2, '0')}`;

/** A "1405-08" month of the query (packMonth's reading), or a 400 naming `field`. */
function queryMonth(field: string, text: string): JalaliMonth {
  try {
    const { year, month } = packMonth(text);
    return { year, month };
  } catch {
    throw InvalidInput.field(field, `${text} is not a Jalali month (e.g. 1405-08)`);
  }
}

/** The monitoring committee's desk: what waits on it, and what happened each month. */
@Injectable()
export class CommitteeService {
  constructor(
    private readonly db: Database,
    private readonly packs: CommitteeRepository,
    private readonly verification: VerificationService,
    private readonly escalations: EscalationsService,
    private readonly revisions: PlanRevisionsService,
    private readonly stageClocks: StageClocksRepository,
    private readonly config: AppConfig,
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

  /**
   * How long each stage took (core stage-clock.ts): per stage, the median and 90th percentile of the
   * stages that ended in the months asked (Jalali, Tehran time; default the last three), by the month
   * they ended in, by agency and by member; and every stage ended in the range or open now that took
   * longer than its limit, with the case the sweep opened for it.
   */
  async stageTimes(query: StageTimesQueryDto, now = new Date()): Promise<StageTimesView> {
    const to = query.to ? queryMonth('to', query.to) : lastJalaliMonths(now, 1).to;
    const from = query.from ? queryMonth('from', query.from) : lastJalaliMonths(packMonth(monthKey(to)).start, 3).from;
    const months = jalaliMonthsBetween(from, to);
    if (months.length === 0) throw InvalidInput.field('from', `${monthKey(from)} is after ${monthKey(to)}`);
    if (months.length > MAX_MONTHS) throw InvalidInput.field('from', `at most ${MAX_MONTHS} months at once`);
    const start = packMonth(monthKey(from)).start;
    const end = packMonth(monthKey(to)).end;
    const limits: StageLimits = stageLimits(this.config);

    const rows = (await this.stageClocks.clocks(this.db.reader, start, end)).filter((r) => isStage(r.stage));
    const clocks = new Map<StageClockRow, StageClock>(
      rows.map((r) => [r, { stage: r.stage as StageClock['stage'], startedAt: r.startedAt, endedAt: r.endedAt, deadlineAt: r.deadlineAt, agencyId: r.agencyId, memberId: r.memberId }]),
    );
    const summary = summarizeStageTimes([...clocks.values()], start, end);

    const over = rows
      .filter((r) => isOverLimit(clocks.get(r)!, limits, now))
      .map((r) => ({ r, ms: stageDurationMs(clocks.get(r)!, now) }))
      .sort((a, b) => b.ms - a.ms);
    const shown = over.slice(0, OVER_LIMIT_SHOWN);
    const cases = await this.stageClocks.casesOf(this.db.reader, shown.map(({ r }) => r));
    const caseOf = new Map(cases.map((c) => [`${c.stage}/${c.subjectId}/${c.startedAt.getTime()}`, c.id]));

    const agencyIds = [...new Set(summary.flatMap((s) => s.byAgency.map((a) => a.agencyId)))];
    const memberIds = [...new Set(summary.flatMap((s) => s.byMember.map((m) => m.memberId)))];
    const [agencies, members] = await Promise.all([
      this.stageClocks.agencies(this.db.reader, agencyIds),
      this.stageClocks.members(this.db.reader, memberIds),
    ]);
    const agency = new Map(agencies.map((a) => [a.id, a]));
    const member = new Map(members.map((u) => [u.id, u]));

    return {
      from: monthKey(from),
      to: monthKey(to),
      limits: STAGES.map((stage) => ({ stage, owner: stageOwner(stage), limitHours: msToHours(limits[stage]) })),
      stages: summary.map((s) => ({
        stage: s.stage,
        owner: s.owner,
        byMonth: s.byMonth,
        byAgency: s.byAgency.map(({ agencyId, ...stats }) => {
          const a = agency.get(agencyId);
          return { organizationId: agencyId, code: a?.code ?? '', nameEn: a?.nameEn ?? '', nameFa: a?.nameFa ?? '', ...stats };
        }),
        byMember: s.byMember.map(({ memberId, ...stats }) => ({ userId: memberId, displayName: member.get(memberId)?.displayName ?? '', ...stats })),
      })),
      overLimit: shown.map(({ r, ms }): StageOverLimitView => {
        const clock = clocks.get(r)!;
        return {
          stage: r.stage,
          owner: stageOwner(clock.stage),
          subjectId: r.subjectId,
          itemId: r.itemId,
          trancheId: r.trancheId,
          projectId: r.projectId,
          projectCode: r.projectCode,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          hours: msToHours(ms),
          limitHours: msToHours(breachAt(clock, limits).getTime() - r.startedAt.getTime()),
          caseId: caseOf.get(`${r.stage}/${r.subjectId}/${r.startedAt.getTime()}`) ?? null,
        };
      }),
      overLimitTotal: over.length,
    };
  }

  /** The stage cases the sweep opened (live: highest level first, then oldest). */
  async stageCases(status: 'live' | 'resolved' = 'live'): Promise<StageCasesView> {
    const found = await this.stageClocks.stageCases(this.db.reader, status, 500);
    return { items: found.map(({ party, ...c }) => ({ ...c, owner: party })) };
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
