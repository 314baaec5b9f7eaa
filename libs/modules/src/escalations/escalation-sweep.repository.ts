import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type SweepClock, TOP_LEVEL } from '@pelekan/core';
import type { SweepOutcome } from '@pelekan/workflows/escalation.contract';
import { row, rows } from '../database/database';
import { caseLevelSql, CUTOFF_COUNT, derivedLevelSql, FIRST_LEVEL_SQL, noticesSql, partySql, reasonSql } from './escalation-sweep.sql';

/** One sweep at a time, whoever started it; a committee decision waits for a running sweep (shared). */
export const SWEEP_LOCK = 7_301_777;

export type SweepCounts = Omit<SweepOutcome, 'sweepId'>;

/** A recorded sweep, as GET /escalations/sweeps lists it. */
export interface SweepRunRow {
  id: string;
  runKey: string;
  at: Date;
  periodSeconds: number;
  startedAt: Date;
  finishedAt: Date | null;
  examined: number;
  stalled: number;
  opened: number;
  climbed: number;
  resolved: number;
  notified: number;
}

// Items that count: unfinished, in the plan, in a portfolio whose monitoring is not paused (core isMonitored).
const MONITORED = `i.verified_percent < 100 AND i.removed_at IS NULL AND pf.monitoring_paused_at IS NULL`;
const ITEMS = `action_items i JOIN projects p ON p.id = i.project_id JOIN portfolios pf ON pf.id = p.portfolio_id`;

/**
 * The sweep's SQL: a handful of set-based statements over all items, whatever their number. The
 * stall, resolve and climb conditions mirror core stallReason, caseResolution and climbedLevel (held
 * to them by test/escalation-differential.e2e-spec.ts); the ladder is generated from core
 * (escalation-sweep.sql.ts). Levels are derived, never rewritten: a sweep writes the cases it opens,
 * the ones it resolves (and their resolution events) and the notices; the opening and every climb are
 * read back from the cases and the cutoffs each run records (the escalation_ladder view).
 */
@Injectable()
export class EscalationSweepRepository {
  private readonly logger = new Logger(EscalationSweepRepository.name);

  /**
   * Bulk work over every item (no interactive statement timeout; memory for its hash joins over a
   * million items and cases, which would otherwise spill to disk), one sweep at a time.
   */
  async lockSweeps(m: EntityManager): Promise<void> {
    await m.query('SET LOCAL statement_timeout = 0');
    await m.query(`SET LOCAL work_mem = '128MB'`);
    await m.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
  }

  /** Waits for a running sweep to commit (a decision that fixes a case's level takes this first). */
  async awaitRunningSweep(m: EntityManager): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock_shared($1)', [SWEEP_LOCK]);
  }

  async findRun(m: EntityManager, runKey: string): Promise<(SweepOutcome & { at: Date }) | null> {
    return row<SweepOutcome & { at: Date }>(
      m,
      `SELECT id AS "sweepId", at, examined, stalled, opened, climbed, resolved, notified FROM sweep_runs WHERE run_key = $1`,
      [runKey],
    );
  }

  /** The level cutoffs of the latest sweep (by the instant it judged), or null if none recorded any. */
  async latestCutoffs(m: EntityManager): Promise<Date[] | null> {
    const latest = await row<{ cutoffs: Date[] | null }>(
      m,
      'SELECT level_cutoffs AS cutoffs FROM sweep_runs ORDER BY at DESC, started_at DESC LIMIT 1',
    );
    return latest?.cutoffs ?? null;
  }

  async startRun(m: EntityManager, runKey: string, clock: SweepClock, periodSeconds: number): Promise<string> {
    const started = await row<{ id: string }>(
      m,
      `INSERT INTO sweep_runs (run_key, at, period_seconds, level_cutoffs, previous_cutoffs, top_level)
       VALUES ($1, $2, $3, $4::timestamptz[], $5::timestamptz[], $6) RETURNING id`,
      [runKey, clock.at, periodSeconds, clock.levelCutoffs, clock.previousCutoffs, TOP_LEVEL],
    );
    return started!.id;
  }

  async finishRun(m: EntityManager, sweepId: string, counts: SweepCounts): Promise<void> {
    await m.query(
      `UPDATE sweep_runs SET finished_at = clock_timestamp(), examined = $2, stalled = $3, opened = $4, climbed = $5,
              resolved = $6, notified = $7 WHERE id = $1`,
      [sweepId, counts.examined, counts.stalled, counts.opened, counts.climbed, counts.resolved, counts.notified],
    );
  }

  async recentRuns(m: EntityManager, limit: number): Promise<SweepRunRow[]> {
    return rows<SweepRunRow>(
      m,
      `SELECT id, run_key AS "runKey", at, period_seconds::int AS "periodSeconds", started_at AS "startedAt",
              finished_at AS "finishedAt", examined, stalled, opened, climbed, resolved, notified
         FROM sweep_runs ORDER BY at DESC LIMIT $1`,
      [limit],
    );
  }

  /**
   * One sweep (`clock`: core sweepClock): finds the stalled items, resolves, climbs and opens cases,
   * records the resolutions under `sweepId` and tells every party a case newly reaches. Inside the
   * caller's transaction (its temporary tables live until it commits).
   */
  async apply(m: EntityManager, sweepId: string, clock: SweepClock): Promise<SweepCounts> {
    const q = this.timed(m);
    const { at, cutoff } = clock;
    const [{ examined }] = await q<{ examined: number }>(`SELECT count(*)::int AS examined FROM ${ITEMS} WHERE ${MONITORED}`);

    // Stalled now, and why (core stallReason). Pending declarations are grouped once and hash-joined.
    await q('CREATE TEMP TABLE sweep_stalled (item_id uuid, project_id uuid, owner_agency_id uuid, reason text) ON COMMIT DROP');
    const [{ stalled }] = await q<{ stalled: number }>(
      `WITH stalled AS (
         INSERT INTO sweep_stalled
         SELECT item_id, project_id, owner_agency_id, reason FROM (
           SELECT i.id AS item_id, i.project_id, i.owner_agency_id,
                  CASE WHEN i.escalation_quiet_until > $1 THEN NULL
                       WHEN pd.oldest IS NOT NULL THEN CASE WHEN pd.oldest <= $2 THEN ${reasonSql('verification_overdue')} END
                       WHEN coalesce(i.due_at, i.planned_end) < $1 THEN ${reasonSql('overdue')}
                       WHEN i.planned_start <= $2 AND coalesce(i.progress_moved_at, i.created_at) <= $2 THEN ${reasonSql('no_movement')}
                  END AS reason
             FROM ${ITEMS}
             LEFT JOIN (SELECT item_id, min(declared_at) AS oldest FROM progress_declarations
                         WHERE status = 'pending' GROUP BY item_id) pd ON pd.item_id = i.id
            WHERE ${MONITORED}) x
          WHERE reason IS NOT NULL
         RETURNING 1)
       SELECT count(*)::int AS stalled FROM stalled`,
      [at, cutoff],
    );
    await q('ANALYZE sweep_stalled');

    await q(
      `CREATE TEMP TABLE sweep_changes (case_id uuid, kind text, level smallint, party text, item_id uuid, reason text,
                                        owner_agency_id uuid) ON COMMIT DROP`,
    );

    // Resolve (core caseResolution), at the level it stood at before this sweep, which it keeps.
    await q(
      `WITH resolved AS (
         UPDATE escalation_cases c
            SET status = 'resolved', resolved_at = $1, frozen_level = ${caseLevelSql('c', '$2::timestamptz[]')},
                resolution = CASE WHEN i.removed_at IS NOT NULL THEN 'item_removed' ELSE 'moved' END
           FROM action_items i LEFT JOIN sweep_stalled s ON s.item_id = i.id
          WHERE i.id = c.item_id AND c.status <> 'resolved'
            AND (i.removed_at IS NOT NULL OR i.verified_percent = 100
                 OR coalesce(i.progress_moved_at, '-infinity') > c.opened_at
                 OR (c.status = 'open' AND (s.item_id IS NULL
                                            OR (c.reason = ${reasonSql('verification_overdue')} AND s.reason <> c.reason))))
         RETURNING c.id, c.frozen_level, c.party, c.item_id, c.resolution)
       INSERT INTO sweep_changes SELECT id, 'resolved', frozen_level, party, item_id, resolution FROM resolved`,
      [at, clock.previousCutoffs],
    );

    // Climb (core climbedLevel): nothing is written to the case; an open case still live (so its item is
    // stalled) climbs when it stands higher by this sweep's cutoffs than by the last one's. Only cases
    // recorded between the previous sweep's last cutoff and this one's first can (earlier ones were
    // already at the top).
    await q(
      `INSERT INTO sweep_changes
       SELECT id, 'climbed', now_level, party, item_id, reason, owner_agency_id FROM (
         SELECT c.id, c.party, c.item_id, c.reason, s.owner_agency_id,
                ${derivedLevelSql('c.level', 'c.level_changed_at', '$1::timestamptz[]')} AS now_level,
                ${derivedLevelSql('c.level', 'c.level_changed_at', '$2::timestamptz[]')} AS before_level
           FROM escalation_cases c JOIN sweep_stalled s ON s.item_id = c.item_id
          WHERE c.status = 'open' AND c.level_changed_at <= ($1::timestamptz[])[1]
            AND c.level_changed_at > coalesce(($2::timestamptz[])[${CUTOFF_COUNT}], '-infinity')) x
        WHERE now_level > before_level`,
      [clock.levelCutoffs, clock.previousCutoffs],
    );

    // Open: one live case per stalled item (a unique index guarantees it), at the first level from now.
    // The items without one are listed first: checking inside the INSERT would re-read the rows it is
    // appending (quadratic). In item order, the item checks and the unique index walk forward.
    await q(
      `CREATE TEMP TABLE sweep_to_open ON COMMIT DROP AS
       SELECT s.* FROM sweep_stalled s
        WHERE NOT EXISTS (SELECT 1 FROM escalation_cases c WHERE c.item_id = s.item_id AND c.status <> 'resolved')`,
    );
    const [{ opened }] = await q<{ opened: number }>(
      `WITH opened AS (
         INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at, derived_ladder)
         SELECT s.item_id, s.project_id, s.reason, ${partySql('s.reason')}, ${FIRST_LEVEL_SQL}, $1, $1, true FROM sweep_to_open s
          ORDER BY s.item_id
         RETURNING 1)
       SELECT count(*)::int AS opened FROM opened`,
      [at],
    );

    await q(
      `INSERT INTO escalation_events (case_id, at, kind, level, sweep_id, reason)
       SELECT case_id, $1, kind, level, $2, reason FROM sweep_changes WHERE kind = 'resolved'`,
      [at, sweepId],
    );

    // Every party a case newly reaches hears of it in the inbox (core sweepNotices): the cases opened
    // (their ids looked up only for those someone hears of) and those that climbed.
    await q('ANALYZE sweep_changes, sweep_to_open');
    const openedNotices = noticesSql(
      `SELECT 'opened' AS kind, ${FIRST_LEVEL_SQL}::smallint AS level, ${partySql('s.reason')} AS party, s.item_id, s.reason, s.owner_agency_id
         FROM sweep_to_open s`,
      `(SELECT c.id FROM escalation_cases c WHERE c.item_id = ch.item_id AND c.status <> 'resolved')`,
    );
    const climbedNotices = noticesSql(`SELECT * FROM sweep_changes WHERE kind = 'climbed'`, 'ch.case_id');
    let notified = 0;
    for (const notices of [openedNotices, climbedNotices]) {
      const [sent] = await q<{ notified: number }>(`WITH sent AS (${notices} RETURNING 1) SELECT count(*)::int AS notified FROM sent`, [at]);
      notified += sent.notified;
    }

    const [counts] = await q<{ climbed: number; resolved: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'climbed')::int AS climbed, count(*) FILTER (WHERE kind = 'resolved')::int AS resolved
         FROM sweep_changes`,
    );
    return { examined, stalled, opened, ...counts, notified };
  }

  /** PELEKAN_SWEEP_PROFILE=1 logs each statement's time (used to tune the sweep at scale). */
  private timed(m: EntityManager) {
    const profile = process.env.PELEKAN_SWEEP_PROFILE === '1';
    return async <T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> => {
      const t0 = performance.now();
      const result = await rows<T>(m, sql, params);
      if (profile) this.logger.warn(`${(performance.now() - t0).toFixed(0)} ms: ${sql.trim().slice(0, 70).replace(/\s+/g, ' ')}`);
      return result;
    };
  }
}
