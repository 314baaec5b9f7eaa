import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { audienceFor, ESCALATION_LEVELS, type EscalatedParty, type EscalationLevel } from '@pelekan/core';
import type { SweepOutcome, SweepRequest } from '@pelekan/workflows/escalation.contract';
import { AppConfig } from '../config';
import { escalationPeriod } from './period';

const SWEEP_LOCK = 7_301_777; // one sweep at a time, whoever started it

/**
 * Who each (level, party) reaches, and the level's name, as a VALUES list built from the pure ladder
 * in libs/core, so the SQL and the rules cannot drift apart.
 */
function ladderValues(): string {
  const rows: string[] = [];
  for (const { level, fa, en } of ESCALATION_LEVELS) {
    for (const party of ['agency', 'committee'] as EscalatedParty[]) {
      const audience = audienceFor(level as EscalationLevel, party);
      rows.push(`(${level}, '${party}', '${audience}', '${fa}', '${en}')`);
    }
  }
  return `(VALUES ${rows.join(', ')}) AS ladder(level, party, audience, level_fa, level_en)`;
}

/**
 * The monthly sweep, set-based: a handful of statements over all items, whatever their number.
 * One transaction; a retry of the same run (same run key) returns the run already recorded.
 */
@Injectable()
export class EscalationSweep {
  private readonly logger = new Logger(EscalationSweep.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async run(request: SweepRequest): Promise<SweepOutcome> {
    const period = escalationPeriod(this.config);
    const at = new Date(request.at);
    const outcome = await this.db.transaction(async (manager) => {
      // PELEKAN_SWEEP_PROFILE=1 logs each statement's time (used to tune the sweep at scale).
      const profile = process.env.PELEKAN_SWEEP_PROFILE === '1';
      const tx = {
        query: async (sql: string, args?: unknown[]) => {
          const t0 = performance.now();
          const result = await manager.query(sql, args);
          if (profile) this.logger.warn(`${(performance.now() - t0).toFixed(0)} ms: ${sql.trim().slice(0, 70).replace(/\s+/g, ' ')}`);
          return result;
        },
      };
      // Bulk work over every item: the interactive statement timeout does not apply to it.
      await tx.query('SET LOCAL statement_timeout = 0');
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
      const [done] = await tx.query(
        `SELECT id AS "sweepId", examined, stalled, opened, climbed, resolved, notified FROM sweep_runs WHERE run_key = $1`,
        [request.runKey],
      );
      if (done) return done as SweepOutcome;
      const [{ id: sweepId }] = await tx.query(
        `INSERT INTO sweep_runs (run_key, at, period_seconds) VALUES ($1, $2, extract(epoch FROM $3::interval)) RETURNING id`,
        [request.runKey, at, period.sql],
      );
      const params = [at, period.sql];

      // Items that count: unfinished, in the plan, in a portfolio whose monitoring is not paused.
      const [{ examined }] = await tx.query(
        `SELECT count(*)::int AS examined FROM action_items i
           JOIN projects p ON p.id = i.project_id JOIN portfolios pf ON pf.id = p.portfolio_id
          WHERE i.verified_percent < 100 AND i.removed_at IS NULL AND pf.monitoring_paused_at IS NULL`,
      );

      // Stalled now, and why. A declaration waiting less than a period means the committee still has
      // time: the item is not stalled. One waiting longer escalates the committee.
      await tx.query(
        `CREATE TEMP TABLE sweep_stalled ON COMMIT DROP AS
         SELECT i.id AS item_id, i.project_id,
                CASE WHEN pd.oldest <= $1::timestamptz - $2::interval THEN 'verification_overdue'
                     WHEN coalesce(i.due_at, i.planned_end) < $1 THEN 'overdue'
                     ELSE 'no_movement' END AS reason
           FROM action_items i
           JOIN projects p ON p.id = i.project_id
           JOIN portfolios pf ON pf.id = p.portfolio_id
           LEFT JOIN LATERAL (SELECT min(d.declared_at) AS oldest FROM progress_declarations d
                               WHERE d.item_id = i.id AND d.status = 'pending') pd ON true
          WHERE i.verified_percent < 100 AND i.removed_at IS NULL AND pf.monitoring_paused_at IS NULL
            AND (i.escalation_quiet_until IS NULL OR i.escalation_quiet_until <= $1)
            AND CASE WHEN pd.oldest IS NOT NULL THEN pd.oldest <= $1::timestamptz - $2::interval
                     ELSE coalesce(i.due_at, i.planned_end) < $1
                          OR (i.planned_start <= $1::timestamptz - $2::interval
                              AND coalesce(i.progress_moved_at, i.created_at) <= $1::timestamptz - $2::interval)
                END`,
        params,
      );
      await tx.query('CREATE INDEX ON sweep_stalled (item_id)');
      await tx.query('ANALYZE sweep_stalled');
      const [{ stalled }] = await tx.query('SELECT count(*)::int AS stalled FROM sweep_stalled');

      await tx.query(
        `CREATE TEMP TABLE sweep_changes (case_id uuid, kind text, level smallint, party text, item_id uuid, reason text)
         ON COMMIT DROP`,
      );

      // Resolve: the item moved since the case opened, reached 100%, left the plan, or is no longer
      // stalled. A case awaiting a required revision resolves only by movement or the revision.
      await tx.query(
        `WITH resolved AS (
           UPDATE escalation_cases c
              SET status = 'resolved', resolved_at = $1,
                  resolution = CASE WHEN i.removed_at IS NOT NULL THEN 'item_removed' ELSE 'moved' END
             FROM action_items i
            WHERE i.id = c.item_id AND c.status <> 'resolved'
              AND (i.removed_at IS NOT NULL OR i.verified_percent = 100
                   OR coalesce(i.progress_moved_at, '-infinity') > c.opened_at
                   OR (c.status = 'open' AND c.reason = 'verification_overdue'
                       AND NOT EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id AND s.reason = c.reason))
                   OR (c.status = 'open' AND NOT EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id)))
           RETURNING c.id, c.level, c.party, c.item_id, c.reason, c.resolution)
         INSERT INTO sweep_changes SELECT id, 'resolved', level, party, item_id, resolution FROM resolved`,
        [at],
      );

      // Climb: one level per full period at the current level, while still stalled.
      await tx.query(
        `WITH climbed AS (
           UPDATE escalation_cases c SET level = c.level + 1, level_changed_at = $1
            WHERE c.status = 'open' AND c.level < 4 AND c.level_changed_at <= $1::timestamptz - $2::interval
              AND EXISTS (SELECT 1 FROM sweep_stalled s WHERE s.item_id = c.item_id)
           RETURNING c.id, c.level, c.party, c.item_id, c.reason)
         INSERT INTO sweep_changes SELECT id, 'climbed', level, party, item_id, reason FROM climbed`,
        params,
      );

      // Open: one live case per stalled item (a unique index guarantees it). The items without one are
      // listed first: checking inside the INSERT would re-read the rows it is appending (quadratic).
      await tx.query(
        `CREATE TEMP TABLE sweep_to_open ON COMMIT DROP AS
         SELECT s.* FROM sweep_stalled s
          WHERE NOT EXISTS (SELECT 1 FROM escalation_cases c WHERE c.item_id = s.item_id AND c.status <> 'resolved')`,
      );
      await tx.query(
        `WITH opened AS (
           INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at)
           SELECT s.item_id, s.project_id, s.reason,
                  CASE WHEN s.reason = 'verification_overdue' THEN 'committee' ELSE 'agency' END, 1, $1, $1
             FROM sweep_to_open s
           RETURNING id, level, party, item_id, reason)
         INSERT INTO sweep_changes SELECT id, 'opened', level, party, item_id, reason FROM opened`,
        [at],
      );

      await tx.query(
        `INSERT INTO escalation_events (case_id, at, kind, level, sweep_id, reason)
         SELECT case_id, $1, kind, level, $2, reason FROM sweep_changes`,
        [at, sweepId],
      );

      // Every party a case newly reaches hears of it in the inbox.
      const notified = await tx.query(
        `WITH sent AS (
           INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en, created_at)
           SELECT u.id, 'escalation_' || ch.kind, ch.case_id, ch.item_id,
                  format('پیگیری بند %s طرح %s — سطح %s', i.code, p.code, ladder.level_fa),
                  format('Escalation: item %s of %s — level %s, %s', i.code, p.code, ch.level, ladder.level_en),
                  format('بند «%s» (%s) %s.', i.title_fa, o.name_fa,
                         CASE ch.reason WHEN 'overdue' THEN 'از موعد خود گذشته است'
                                        WHEN 'no_movement' THEN 'در یک دوره پیشرفت تأییدشده نداشته است'
                                        ELSE 'اظهار پیشرفتش بیش از یک دوره در انتظار تأیید کمیته مانده است' END),
                  format('Item "%s" (%s) %s.', i.title_en, o.name_en,
                         CASE ch.reason WHEN 'overdue' THEN 'is past its due date'
                                        WHEN 'no_movement' THEN 'has had no verified progress for a period'
                                        ELSE 'has a progress declaration waiting on the committee for more than a period' END),
                  $1
             FROM sweep_changes ch
             JOIN ${ladderValues()} ON ladder.level = ch.level AND ladder.party = ch.party
             JOIN action_items i ON i.id = ch.item_id
             JOIN projects p ON p.id = i.project_id
             JOIN organizations o ON o.id = i.owner_agency_id
             JOIN users u ON u.active AND CASE ladder.audience
                  WHEN 'owner_focal_points' THEN u.role = 'agency' AND u.organization_id = i.owner_agency_id
                  WHEN 'owner_heads' THEN u.role = 'agency' AND u.organization_id = i.owner_agency_id
                       AND (u.agency_head OR NOT EXISTS (SELECT 1 FROM users h WHERE h.active AND h.agency_head
                                                          AND h.organization_id = i.owner_agency_id))
                  WHEN 'committee' THEN u.role = 'committee'
                  ELSE u.role = 'admin' END
            WHERE ch.kind IN ('opened', 'climbed')
           RETURNING 1)
         SELECT count(*)::int AS n FROM sent`,
        [at],
      );

      const counts = await tx.query(
        `SELECT count(*) FILTER (WHERE kind = 'opened')::int AS opened, count(*) FILTER (WHERE kind = 'climbed')::int AS climbed,
                count(*) FILTER (WHERE kind = 'resolved')::int AS resolved FROM sweep_changes`,
      );
      const result: SweepOutcome = { sweepId, examined, stalled, ...counts[0], notified: notified[0].n };
      await tx.query(
        `UPDATE sweep_runs SET finished_at = clock_timestamp(), examined = $2, stalled = $3, opened = $4, climbed = $5,
                resolved = $6, notified = $7 WHERE id = $1`,
        [sweepId, result.examined, result.stalled, result.opened, result.climbed, result.resolved, result.notified],
      );
      return result;
    });
    this.logger.log(
      `sweep ${request.runKey}: ${outcome.examined} examined, ${outcome.opened} opened, ${outcome.climbed} climbed, ${outcome.resolved} resolved`,
    );
    return outcome;
  }
}
