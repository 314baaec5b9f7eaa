import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SweepOutcome } from '@pelekan/workflows/escalation.contract';
import { row, rows } from '../database/database';
import {
  audienceMemberSql,
  climbableLevelsSql,
  FIRST_LEVEL_SQL,
  ladderValuesSql,
  nextLevelSql,
  partySql,
  reasonSql,
  reasonTextSql,
} from './escalation-sweep.sql';

const SWEEP_LOCK = 7_301_777; // one sweep at a time, whoever started it

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
 * The sweep's SQL: a handful of set-based statements over all items, whatever their number. `$1` is
 * the sweep's instant and `$2` the cutoff one period earlier (core periodCutoff). The stall, resolve
 * and climb conditions mirror core stallReason, caseResolution and climbedLevel (held to them by
 * test/escalation-differential.e2e-spec.ts); the ladder is generated from core (escalation-sweep.sql.ts).
 */
@Injectable()
export class EscalationSweepRepository {
  private readonly logger = new Logger(EscalationSweepRepository.name);

  /** Bulk work over every item (no interactive statement timeout), one sweep at a time. */
  async lockSweeps(m: EntityManager): Promise<void> {
    await m.query('SET LOCAL statement_timeout = 0');
    await m.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
  }

  async findRun(m: EntityManager, runKey: string): Promise<(SweepOutcome & { at: Date }) | null> {
    return row<SweepOutcome & { at: Date }>(
      m,
      `SELECT id AS "sweepId", at, examined, stalled, opened, climbed, resolved, notified FROM sweep_runs WHERE run_key = $1`,
      [runKey],
    );
  }

  async startRun(m: EntityManager, runKey: string, at: Date, periodSeconds: number): Promise<string> {
    const started = await row<{ id: string }>(
      m,
      `INSERT INTO sweep_runs (run_key, at, period_seconds) VALUES ($1, $2, $3) RETURNING id`,
      [runKey, at, periodSeconds],
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
   * One sweep at `at`: finds the stalled items, resolves, climbs and opens cases, records their events
   * under `sweepId` and tells every party a case newly reaches. Inside the caller's transaction (its
   * temporary tables live until it commits).
   */
  async apply(m: EntityManager, sweepId: string, at: Date, cutoff: Date): Promise<SweepCounts> {
    const q = this.timed(m);
    const params = [at, cutoff];
    const [{ examined }] = await q<{ examined: number }>(`SELECT count(*)::int AS examined FROM ${ITEMS} WHERE ${MONITORED}`);

    // Stalled now, and why (core stallReason).
    await q(
      `CREATE TEMP TABLE sweep_stalled ON COMMIT DROP AS
       SELECT i.id AS item_id, i.project_id,
              CASE WHEN pd.oldest IS NOT NULL THEN ${reasonSql('verification_overdue')}
                   WHEN coalesce(i.due_at, i.planned_end) < $1 THEN ${reasonSql('overdue')}
                   ELSE ${reasonSql('no_movement')} END AS reason
         FROM ${ITEMS}
         LEFT JOIN LATERAL (SELECT min(d.declared_at) AS oldest FROM progress_declarations d
                             WHERE d.item_id = i.id AND d.status = 'pending') pd ON true
        WHERE ${MONITORED}
          AND (i.escalation_quiet_until IS NULL OR i.escalation_quiet_until <= $1)
          AND CASE WHEN pd.oldest IS NOT NULL THEN pd.oldest <= $2
                   ELSE coalesce(i.due_at, i.planned_end) < $1
                        OR (i.planned_start <= $2 AND coalesce(i.progress_moved_at, i.created_at) <= $2)
              END`,
      params,
    );
    await q('CREATE INDEX ON sweep_stalled (item_id)');
    await q('ANALYZE sweep_stalled');
    const [{ stalled }] = await q<{ stalled: number }>('SELECT count(*)::int AS stalled FROM sweep_stalled');

    await q(
      `CREATE TEMP TABLE sweep_changes (case_id uuid, kind text, level smallint, party text, item_id uuid, reason text)
       ON COMMIT DROP`,
    );

    // Resolve (core caseResolution).
    await q(
      `WITH resolved AS (
         UPDATE escalation_cases c
            SET status = 'resolved', resolved_at = $1,
                resolution = CASE WHEN i.removed_at IS NOT NULL THEN 'item_removed' ELSE 'moved' END
           FROM action_items i
          WHERE i.id = c.item_id AND c.status <> 'resolved'
            AND (i.removed_at IS NOT NULL OR i.verified_percent = 100
                 OR coalesce(i.progress_moved_at, '-infinity') > c.opened_at
                 OR (c.status = 'open' AND c.reason = ${reasonSql('verification_overdue')}
                     AND NOT EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id AND s.reason = c.reason))
                 OR (c.status = 'open' AND NOT EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id)))
         RETURNING c.id, c.level, c.party, c.item_id, c.reason, c.resolution)
       INSERT INTO sweep_changes SELECT id, 'resolved', level, party, item_id, resolution FROM resolved`,
      [at],
    );

    // Climb (core climbedLevel): one level per full period at the current level, while still stalled.
    await q(
      `WITH climbed AS (
         UPDATE escalation_cases c SET level = ${nextLevelSql('c.level')}, level_changed_at = $1
          WHERE c.status = 'open' AND c.level IN (${climbableLevelsSql()}) AND c.level_changed_at <= $2
            AND EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id)
         RETURNING c.id, c.level, c.party, c.item_id, c.reason)
       INSERT INTO sweep_changes SELECT id, 'climbed', level, party, item_id, reason FROM climbed`,
      params,
    );

    // Open: one live case per stalled item (a unique index guarantees it). The items without one are
    // listed first: checking inside the INSERT would re-read the rows it is appending (quadratic).
    await q(
      `CREATE TEMP TABLE sweep_to_open ON COMMIT DROP AS
       SELECT s.* FROM sweep_stalled s
        WHERE NOT EXISTS (SELECT 1 FROM escalation_cases c WHERE c.item_id = s.item_id AND c.status <> 'resolved')`,
    );
    await q(
      `WITH opened AS (
         INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at)
         SELECT s.item_id, s.project_id, s.reason, ${partySql('s.reason')}, ${FIRST_LEVEL_SQL}, $1, $1 FROM sweep_to_open s
         RETURNING id, level, party, item_id, reason)
       INSERT INTO sweep_changes SELECT id, 'opened', level, party, item_id, reason FROM opened`,
      [at],
    );

    await q(
      `INSERT INTO escalation_events (case_id, at, kind, level, sweep_id, reason)
       SELECT case_id, $1, kind, level, $2, reason FROM sweep_changes`,
      [at, sweepId],
    );

    // Every party a case newly reaches hears of it in the inbox (core sweepNotices).
    const [{ notified }] = await q<{ notified: number }>(
      `WITH sent AS (
         INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en, created_at)
         SELECT u.id, 'escalation_' || ch.kind, ch.case_id, ch.item_id,
                format('پیگیری بند %s طرح %s — سطح %s', i.code, p.code, ladder.level_fa),
                format('Escalation: item %s of %s — level %s, %s', i.code, p.code, ch.level, ladder.level_en),
                format('بند «%s» (%s) %s.', i.title_fa, o.name_fa, ${reasonTextSql('ch.reason', 'fa')}),
                format('Item "%s" (%s) %s.', i.title_en, o.name_en, ${reasonTextSql('ch.reason', 'en')}),
                $1
           FROM sweep_changes ch
           JOIN ${ladderValuesSql()} ON ladder.level = ch.level AND ladder.party = ch.party
           JOIN action_items i ON i.id = ch.item_id
           JOIN projects p ON p.id = i.project_id
           JOIN organizations o ON o.id = i.owner_agency_id
           JOIN users u ON ${audienceMemberSql('ladder.audience', 'u', 'i.owner_agency_id')}
          WHERE ch.kind IN ('opened', 'climbed')
         RETURNING 1)
       SELECT count(*)::int AS notified FROM sent`,
      [at],
    );

    const [counts] = await q<{ opened: number; climbed: number; resolved: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'opened')::int AS opened, count(*) FILTER (WHERE kind = 'climbed')::int AS climbed,
              count(*) FILTER (WHERE kind = 'resolved')::int AS resolved FROM sweep_changes`,
    );
    return { examined, stalled, ...counts, notified };
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
