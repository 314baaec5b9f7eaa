/**
 * The escalation sweep runs as set-based SQL (national scale); its rules are defined once, in
 * libs/core/src/escalation.ts. This test holds the two together: fast-check makes random worlds
 * (organizations, users, portfolios paused or not, items with any dates, verified percents, removal,
 * quiet periods and pending declarations, live or resolved cases at any level, recorded at any
 * instant, and the sweep before: none, one without recorded cutoffs, or one a period, half a period or
 * two periods earlier), writes each to a real PostgreSQL database, then sweeps it several times, a
 * period, two periods or half a period apart, with committee decisions and item movement in between.
 * Each sweep runs the production SQL (EscalationSweepRepository.apply) and the core (planSweep,
 * sweepNotices) over the same rows and asserts the same answer: which items are stalled and why, which
 * cases resolve, climb (to what level) and open (for which party), and who is told. After each sweep
 * every case's level as the API reads it (EscalationsRepository, derived from the latest sweep) must
 * be the core's caseLevel, and at the end each case's ladder (the escalation_ladder view: openings and
 * climbs derived, resolutions stored) must be exactly what the core's plans said, sweep after sweep.
 * Each world lives in one transaction that is rolled back, so worlds never see each other.
 *
 * Dates are drawn around the boundaries that matter (the first sweep's instant and one period before
 * it, to the millisecond). Replay a failure with the seed printed in the suite's name:
 *   DIFF_SEED=<seed> DIFF_RUNS=<runs> npx jest --selectProjects integration test/escalation-differential.e2e-spec.ts
 */
import fc from 'fast-check';
import { DataSource, type EntityManager } from 'typeorm';
import {
  caseLevel,
  derivedLevel,
  type EscalationLevel,
  type EscalationPeriod,
  levelCutoffs,
  type LiveCase,
  parseEscalationPeriod,
  periodCutoff,
  planSweep,
  shiftByPeriods,
  STALL_REASONS,
  sweepClock,
  type SweepItem,
  sweepNotices,
  type SweepUser,
} from '@pelekan/core';
import { EscalationSweepRepository } from '../libs/modules/src/escalations/escalation-sweep.repository';
import { EscalationsRepository } from '../libs/modules/src/escalations/escalations.repository';
import { createTestDatabase } from './support/harness';

const SEED = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.DIFF_RUNS ?? 150);

// ---------------------------------------------------------------------------------------------------
// Random worlds
// ---------------------------------------------------------------------------------------------------

/** An instant relative to the sweep's (`at`) or to one period before it (`cutoff`). */
type When = { from: 'at' | 'cutoff'; by: '-P' | '-1s' | '-1ms' | '0' | '+1ms' | '+1s' | '+P' };
const when: fc.Arbitrary<When> = fc.record({
  from: fc.constantFrom('at' as const, 'cutoff' as const),
  by: fc.constantFrom('-P' as const, '-1s' as const, '-1ms' as const, '0' as const, '+1ms' as const, '+1s' as const, '+P' as const),
});
/** `arb` or null, in the ratio `values` : `nulls`. */
const maybe = <T>(arb: fc.Arbitrary<T>, nulls = 1, values = 1) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: nulls }, { arbitrary: arb, weight: values });
const mostly = (p: number) => fc.integer({ min: 1, max: 100 }).map((n) => n <= p * 100);

/** The sweep before the first: none, one recorded before levels were derived (no cutoffs), or one this long before. */
const PREVIOUS = ['none', 'legacy', 'period', 'period-1ms', 'period+1ms', 'half', 'two periods'] as const;
/** Each further sweep, after the one before: a period later, two (one missed), or half a period (a "sweep now"). */
const STEPS = ['period', 'period', 'period', 'two periods', 'half'] as const;

const REASONS = [...STALL_REASONS];
const world = fc.record({
  period: fc.constantFrom('3 seconds', '1 day', '30 days', 'monthly'),
  at: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-01-01T00:00:00Z'), noInvalidDate: true }),
  previous: fc.constantFrom(...PREVIOUS),
  steps: fc.array(fc.constantFrom(...STEPS), { maxLength: 3 }),
  pausedPortfolios: fc.tuple(mostly(0.25), mostly(0.25)),
  users: fc.array(
    fc.record({
      role: fc.constantFrom('agency', 'agency', 'committee', 'admin', 'pbo'),
      org: fc.nat(2),
      active: mostly(0.8),
      head: mostly(0.3),
    }),
    { maxLength: 10 },
  ),
  projects: fc.array(fc.record({ portfolio: fc.nat(1), lead: fc.nat(2) }), { minLength: 1, maxLength: 3 }),
  items: fc.array(
    fc.record({
      project: fc.nat(2),
      owner: fc.nat(2),
      verifiedPercent: fc.constantFrom(0, 0, 40, 99, 100),
      removedAt: maybe(when, 8),
      dueAt: maybe(when),
      plannedStart: when,
      plannedEnd: when,
      progressMovedAt: maybe(when, 2),
      createdAt: when,
      quietUntil: maybe(when, 4),
      pendingDeclaredAt: maybe(when, 2),
      liveCase: maybe(
        fc.record({
          status: fc.constantFrom('open' as const, 'open' as const, 'awaiting_revision' as const),
          reason: fc.constantFrom(...REASONS),
          party: fc.constantFrom('agency' as const, 'committee' as const),
          level: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
          openedAt: when,
          levelChangedAt: when,
          /** Awaiting a revision: the level it stopped at is recorded (else it was fixed before levels were derived). */
          frozen: mostly(0.7),
        }),
        1,
        2,
      ),
      resolvedCase: mostly(0.2),
      /** After the first sweep: the committee requires a revision or accepts a justification of its live case. */
      decision: fc.constantFrom(null, null, null, null, 'require_revision' as const, 'accept_justification' as const),
      /** After this sweep (0 = the first), its verified progress moves. */
      movesAfter: maybe(fc.nat(2), 4),
    }),
    { minLength: 1, maxLength: 16 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

function clock(at: Date, period: EscalationPeriod) {
  const cutoff = periodCutoff(at, period);
  const p = at.getTime() - cutoff.getTime();
  const offsets = { '-P': -p, '-1s': -1000, '-1ms': -1, '0': 0, '+1ms': 1, '+1s': 1000, '+P': p };
  return { cutoff, time: (w: When) => new Date((w.from === 'at' ? at : cutoff).getTime() + offsets[w.by]) };
}

/** The instant of the sweep before the first (null: none). */
function previousAt(w: World, period: EscalationPeriod): Date | null {
  const periodBefore = shiftByPeriods(w.at, period, -1);
  switch (w.previous) {
    case 'none':
      return null;
    case 'legacy':
    case 'period':
      return periodBefore;
    case 'period-1ms':
      return new Date(periodBefore.getTime() - 1);
    case 'period+1ms':
      return new Date(periodBefore.getTime() + 1);
    case 'half':
      return new Date(w.at.getTime() - (w.at.getTime() - periodBefore.getTime()) / 2);
    case 'two periods':
      return shiftByPeriods(w.at, period, -2);
  }
}

/** The instants of the world's sweeps: the first at `w.at`, each further one a step after the one before. */
function sweepInstants(w: World, period: EscalationPeriod): Date[] {
  const instants = [w.at];
  for (const step of w.steps) {
    const last = instants[instants.length - 1];
    if (step === 'half') instants.push(new Date(last.getTime() + (shiftByPeriods(last, period, 1).getTime() - last.getTime()) / 2));
    else instants.push(shiftByPeriods(last, period, step === 'period' ? 1 : 2));
  }
  return instants;
}

// ---------------------------------------------------------------------------------------------------
// Writing a world, reading it back as the core sees it
// ---------------------------------------------------------------------------------------------------

async function one(m: EntityManager, sql: string, params: unknown[]): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(sql, params);
  return row.id;
}

interface ItemRow {
  id: string;
  owner_agency_id: string;
  verified_percent: number;
  removed_at: Date | null;
  monitoring_paused_at: Date | null;
  escalation_quiet_until: Date | null;
  due_at: Date | null;
  planned_start: Date;
  planned_end: Date;
  progress_moved_at: Date | null;
  created_at: Date;
}
interface CaseRow {
  id: string;
  item_id: string;
  reason: LiveCase['reason'];
  party: LiveCase['party'];
  level: EscalationLevel;
  status: LiveCase['status'] | 'resolved';
  opened_at: Date;
  level_changed_at: Date;
  frozen_level: EscalationLevel | null;
}
interface UserRow {
  id: string;
  role: string;
  organization_id: string | null;
  active: boolean;
  agency_head: boolean;
}

/** Writes the world; answers each item's id, in the world's order. */
async function write(m: EntityManager, w: World, time: (x: When) => Date, previousCutoffs: Date[] | null): Promise<string[]> {
  const itemIds: string[] = [];
  const orgs: string[] = [];
  for (const k of [0, 1, 2]) {
    orgs.push(await one(m, `INSERT INTO organizations (code, name_fa, name_en) VALUES ($1, $1, $1) RETURNING id`, [`diff-org-${k}`]));
  }
  const declarer = await one(
    m,
    `INSERT INTO users (username, password_hash, role, display_name, active) VALUES ('diff-declarer', 'x', 'pbo', 'declarer', false) RETURNING id`,
    [],
  );
  for (const [k, u] of w.users.entries()) {
    await m.query(
      `INSERT INTO users (username, password_hash, role, organization_id, display_name, active, agency_head) VALUES ($1, 'x', $2, $3, $1, $4, $5)`,
      [`diff-user-${k}`, u.role, u.role === 'agency' || u.role === 'committee' ? orgs[u.org] : null, u.active, u.head],
    );
  }
  const portfolios: string[] = [];
  for (const [k, paused] of w.pausedPortfolios.entries()) {
    portfolios.push(
      await one(m, `INSERT INTO portfolios (code, name_fa, name_en, monitoring_paused_at) VALUES ($1, $1, $1, $2) RETURNING id`, [
        `DIFF-${k}`,
        paused ? time({ from: 'cutoff', by: '0' }) : null,
      ]),
    );
  }
  const projects: string[] = [];
  for (const [k, p] of w.projects.entries()) {
    projects.push(
      await one(m, `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id) VALUES ($1, $2, $2, $2, $3) RETURNING id`, [
        portfolios[p.portfolio],
        `D${k}`,
        orgs[p.lead],
      ]),
    );
  }
  for (const [k, i] of w.items.entries()) {
    const projectId = projects[i.project % projects.length];
    const start = time(i.plannedStart);
    const end = time(i.plannedEnd) > start ? time(i.plannedEnd) : new Date(start.getTime() + 86400_000);
    const opt = (x: When | null) => (x === null ? null : time(x));
    const itemId = await one(
      m,
      `INSERT INTO action_items (project_id, code, title_fa, title_en, owner_agency_id, weight_hundredths, planned_start, planned_end,
                                 verified_percent, declared_percent, removed_at, due_at, progress_moved_at, created_at, escalation_quiet_until)
       VALUES ($1, $2, $2, $2, $3, 100, $4, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [projectId, `I${k}`, orgs[i.owner], start, end, i.verifiedPercent, opt(i.removedAt), opt(i.dueAt), opt(i.progressMovedAt), time(i.createdAt), opt(i.quietUntil)],
    );
    itemIds.push(itemId);
    if (i.pendingDeclaredAt) {
      await m.query(`INSERT INTO progress_declarations (item_id, percent, note, declared_by, declared_at) VALUES ($1, 50, 'diff', $2, $3)`, [
        itemId,
        declarer,
        time(i.pendingDeclaredAt),
      ]);
    }
    if (i.resolvedCase) {
      await m.query(
        `INSERT INTO escalation_cases (item_id, project_id, reason, party, level, status, opened_at, level_changed_at, resolved_at, resolution)
         VALUES ($1, $2, 'overdue', 'agency', 2, 'resolved', $3, $3, $3, 'moved')`,
        [itemId, projectId, time({ from: 'cutoff', by: '-P' })],
      );
    }
    if (i.liveCase) {
      const c = i.liveCase;
      // A revision required since the last sweep fixed the level the case stood at by that sweep.
      const frozen = c.status === 'awaiting_revision' && c.frozen ? derivedLevel(c.level, time(c.levelChangedAt), previousCutoffs) : null;
      await m.query(
        `INSERT INTO escalation_cases (item_id, project_id, reason, party, level, status, opened_at, level_changed_at, frozen_level)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [itemId, projectId, c.reason, c.party, c.level, c.status, time(c.openedAt), time(c.levelChangedAt), frozen],
      );
    }
  }
  return itemIds;
}

/** Every item, live case and user in the database, as plain rows mapped to the core's types. */
async function readInputs(m: EntityManager): Promise<{ items: SweepItem[]; cases: LiveCase[]; users: SweepUser[] }> {
  const pending: Array<{ item_id: string; declared_at: Date }> = await m.query(
    `SELECT item_id, declared_at FROM progress_declarations WHERE status = 'pending'`,
  );
  const itemRows: ItemRow[] = await m.query(
    `SELECT i.*, pf.monitoring_paused_at FROM action_items i JOIN projects p ON p.id = i.project_id JOIN portfolios pf ON pf.id = p.portfolio_id`,
  );
  const items = itemRows.map((r): SweepItem => ({
    id: r.id,
    ownerAgencyId: r.owner_agency_id,
    verifiedPercent: r.verified_percent,
    removedAt: r.removed_at,
    monitoringPaused: r.monitoring_paused_at !== null,
    quietUntil: r.escalation_quiet_until,
    pendingDeclaredAt: pending.filter((d) => d.item_id === r.id).map((d) => d.declared_at),
    dueAt: r.due_at,
    plannedStart: r.planned_start,
    plannedEnd: r.planned_end,
    progressMovedAt: r.progress_moved_at,
    createdAt: r.created_at,
  }));
  const caseRows: CaseRow[] = await m.query(`SELECT * FROM escalation_cases WHERE status <> 'resolved'`);
  const cases = caseRows.map((r): LiveCase => ({
    id: r.id,
    itemId: r.item_id,
    reason: r.reason,
    party: r.party,
    level: r.level,
    status: r.status as LiveCase['status'],
    openedAt: r.opened_at,
    levelChangedAt: r.level_changed_at,
    frozenLevel: r.frozen_level,
  }));
  const userRows: UserRow[] = await m.query(`SELECT id, role, organization_id, active, agency_head FROM users`);
  const users = userRows.map((r): SweepUser => ({
    id: r.id,
    role: r.role,
    organizationId: r.organization_id,
    active: r.active,
    agencyHead: r.agency_head,
  }));
  return { items, cases, users };
}

const sorted = (rows: string[][]) => rows.map((r) => r.join(' ')).sort();

// ---------------------------------------------------------------------------------------------------

describe(`escalation sweep: the SQL decides as the core does (DIFF_SEED=${SEED} DIFF_RUNS=${RUNS})`, () => {
  let source: DataSource;
  const sweep = new EscalationSweepRepository();
  const casesRepo = new EscalationsRepository();

  beforeAll(async () => {
    const { appUrl } = await createTestDatabase();
    source = new DataSource({ type: 'postgres', url: appUrl, extra: { max: 1 } });
    await source.initialize();
  });
  afterAll(() => source?.destroy());

  it('finds the same stalled items, resolves, climbs and opens the same cases, tells the same people, and reads the same levels and ladders, sweep after sweep', async () => {
    console.log(`escalation differential: DIFF_SEED=${SEED} DIFF_RUNS=${RUNS}`);
    const tally = { worlds: 0, sweeps: 0, items: 0, stalled: 0, resolved: 0, climbed: 0, climbedPast2: 0, opened: 0, notified: 0, levelsRead: 0 };
    const property = fc.asyncProperty(world, async (w) => {
      const period = parseEscalationPeriod(w.period);
      const { time } = clock(w.at, period);
      const before = previousAt(w, period);
      let previousCutoffs = before && w.previous !== 'legacy' ? levelCutoffs(before, period) : null;
      const runner = source.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        const m = runner.manager;
        const itemIds = await write(m, w, time, previousCutoffs);
        if (w.previous === 'legacy') {
          await m.query(`INSERT INTO sweep_runs (run_key, at, period_seconds) VALUES ('diff-legacy', $1, 1)`, [before]);
        } else if (before) {
          await sweep.startRun(m, 'diff-before', sweepClock(before, period, null), 1);
        }
        /** The ladder the core's plans draw: [item, kind, level, at] of every opening, climb and sweep resolution. */
        const ladder: string[][] = [];
        const instants = sweepInstants(w, period);
        for (const [k, at] of instants.entries()) {
          expect(await sweep.latestCutoffs(m)).toEqual(previousCutoffs);
          const clockNow = sweepClock(at, period, previousCutoffs);
          const { items, cases, users } = await readInputs(m);

          // The core's answer.
          const plan = planSweep(items, cases, clockNow);
          const notices = sweepNotices(plan, items, users);
          const core = {
            counts: {
              examined: plan.examined,
              stalled: plan.stalled.size,
              opened: plan.opened.length,
              climbed: plan.climbed.length,
              resolved: plan.resolved.length,
              notified: notices.length,
            },
            stalled: sorted([...plan.stalled].map(([item, reason]) => [item, reason])),
            resolved: sorted(plan.resolved.map((r) => [r.caseId, String(r.level), r.resolution])),
            climbed: sorted(plan.climbed.map((c) => [String(c.caseId), c.itemId, String(c.level), c.party, c.reason])),
            opened: sorted(plan.opened.map((c) => [c.itemId, String(c.level), c.party, c.reason])),
            told: sorted(notices.map((n) => [n.kind, n.itemId, n.userId])),
          };

          // The production SQL's answer, over the same rows.
          const sweepId = await sweep.startRun(m, `diff-${SEED}-${k}`, clockNow, 1);
          const counts = await sweep.apply(m, sweepId, clockNow);
          type LadderRow = { kind: string; level: string; event_reason: string; case_id: string; item_id: string; party: string; reason: string };
          const events: LadderRow[] = await m.query(
            `SELECT e.kind, e.level::text, e.reason AS event_reason, c.id AS case_id, c.item_id, c.party, c.reason
               FROM escalation_ladder e JOIN escalation_cases c ON c.id = e.case_id
              WHERE e.sweep_id = $1 OR (e.kind = 'opened' AND e.at = $2 AND e.id IS NULL)`,
            [sweepId, at],
          );
          const of = (kind: string) => events.filter((e) => e.kind === kind);
          const sql = {
            counts,
            stalled: sorted((await m.query<Array<{ item_id: string; reason: string }>>(`SELECT item_id, reason FROM sweep_stalled`)).map((r) => [r.item_id, r.reason])),
            resolved: sorted(of('resolved').map((e) => [e.case_id, e.level, e.event_reason])),
            climbed: sorted(of('climbed').map((e) => [e.case_id, e.item_id, e.level, e.party, e.reason])),
            opened: sorted(of('opened').map((e) => [e.item_id, e.level, e.party, e.reason])),
            told: sorted(
              (
                await m.query<Array<{ kind: string; item_id: string; user_id: string }>>(
                  `SELECT substr(n.kind, length('escalation_') + 1) AS kind, c.item_id, n.user_id
                     FROM notifications n JOIN escalation_cases c ON c.id = n.case_id
                    WHERE n.kind LIKE 'escalation_%' AND n.created_at = $1`,
                  [at],
                )
              ).map((r) => [r.kind, r.item_id, r.user_id]),
            ),
          };
          expect(sql).toEqual(core);
          await m.query('DROP TABLE sweep_stalled, sweep_changes, sweep_to_open');
          previousCutoffs = clockNow.levelCutoffs;
          for (const c of plan.opened) ladder.push([c.itemId, 'opened', String(c.level), at.toISOString()]);
          for (const c of plan.climbed) ladder.push([c.itemId, 'climbed', String(c.level), at.toISOString()]);
          for (const r of plan.resolved) ladder.push([r.itemId, 'resolved', String(r.level), at.toISOString()]);

          // Every case's level as the API reads it: the core's, judged by this (the latest) sweep.
          const all: CaseRow[] = await m.query('SELECT * FROM escalation_cases');
          const read = new Map<string, number>();
          for (const status of ['open', 'awaiting_revision', 'resolved'] as const) {
            // Page by page (keyset on level, opening, id), as the API reads them.
            let after: [number, string, string] | null = null;
            for (;;) {
              const page = await casesRepo.list(m, { status }, 7, after);
              for (const kase of page) {
                expect(read.has(kase.id)).toBe(false);
                read.set(kase.id, kase.level);
              }
              if (page.length < 7) break;
              const last = page[page.length - 1];
              after = [last.level, last.cursorAt, last.id];
            }
          }
          const expected = new Map(
            all.map((r) => [r.id, caseLevel({ status: r.status, level: r.level, levelChangedAt: r.level_changed_at, frozenLevel: r.frozen_level }, previousCutoffs)]),
          );
          expect(read).toEqual(expected);

          // Between sweeps: the committee decides (fixing the level as read), items move.
          for (const [n, i] of w.items.entries()) {
            const live = all.find((r) => r.item_id === itemIds[n] && r.status === 'open');
            if (k === 0 && i.decision && live) {
              const locked = await casesRepo.lock(m, live.id);
              if (i.decision === 'require_revision') await casesRepo.markAwaitingRevision(m, live.id, locked!.level);
              else await casesRepo.resolve(m, live.id, 'justified', locked!.level);
            }
            if (i.movesAfter === k) await m.query('UPDATE action_items SET progress_moved_at = $2 WHERE id = $1', [itemIds[n], new Date(at.getTime() + 1)]);
          }
          tally.sweeps++;
          tally.climbedPast2 += plan.climbed.filter((c) => c.level > 2).length;
          tally.levelsRead += read.size;
          for (const key of ['stalled', 'resolved', 'climbed', 'opened', 'notified'] as const) tally[key] += counts[key];
        }

        // The ladder of every case, as the API and the committee pack read it, is what the plans drew.
        const drawn: Array<{ item_id: string; kind: string; level: string; at: Date }> = await m.query(
          `SELECT c.item_id, e.kind, e.level::text, e.at FROM escalation_ladder e JOIN escalation_cases c ON c.id = e.case_id
            WHERE e.kind IN ('opened', 'climbed') OR e.sweep_id IS NOT NULL`,
        );
        const sweptAt = new Set(instants.map((d) => d.toISOString()));
        expect(sorted(drawn.filter((e) => sweptAt.has(e.at.toISOString())).map((e) => [e.item_id, e.kind, e.level, e.at.toISOString()]))).toEqual(
          sorted(ladder),
        );
        tally.worlds++;
        tally.items += w.items.length;
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
    await fc.assert(property, { seed: SEED, numRuns: RUNS });
    // What the worlds exercised (a property that never escalates anything would prove little).
    console.log(`escalation differential: ${JSON.stringify(tally)}`);
    expect(Math.min(tally.stalled, tally.resolved, tally.climbed, tally.climbedPast2, tally.opened, tally.notified)).toBeGreaterThan(0);
    expect(tally.sweeps).toBeGreaterThan(tally.worlds);
  });
});
