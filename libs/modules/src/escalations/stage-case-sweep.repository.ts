import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ESCALATION_LEVELS,
  STAGE_CASE_FIRST_LEVEL,
  STAGE_DEFINITIONS,
  STAGE_OWNERS,
  stageCaseAudienceRole,
  type StageLimits,
  STAGES,
  type SweepClock,
} from '@pelekan/core';
import { rows } from '../database/database';
import { derivedLevelSql, sqlText } from './escalation-sweep.sql';

export interface StageCaseCounts {
  /** Stages open past their limit at the sweep's instant. */
  breached: number;
  opened: number;
  climbed: number;
  resolved: number;
  notified: number;
}

/** The owner party of each stage (core STAGE_DEFINITIONS). */
const PARTY_SQL = (stage: string) => `CASE ${stage} ${STAGE_DEFINITIONS.map((d) => `WHEN ${sqlText(d.stage)} THEN ${sqlText(d.owner)}`).join(' ')} END`;

/** Who each (level, party) of a stage case reaches (core stageCaseAudienceRole), with the level's and stage's names. */
function audienceValuesSql(): string {
  const values: string[] = [];
  for (const { level, fa, en } of ESCALATION_LEVELS) {
    if (level < STAGE_CASE_FIRST_LEVEL) continue;
    for (const party of STAGE_OWNERS) values.push(`(${level}, ${sqlText(party)}, ${sqlText(stageCaseAudienceRole(level, party))}, ${sqlText(fa)}, ${sqlText(en)})`);
  }
  return `(VALUES ${values.join(', ')}) AS ladder(level, party, role, level_fa, level_en)`;
}
const STAGE_NAMES_SQL = `(VALUES ${STAGE_DEFINITIONS.map((d) => `(${sqlText(d.stage)}, ${sqlText(d.fa)}, ${sqlText(d.en)})`).join(', ')}) AS names(stage, fa, en)`;

/**
 * The sweep's step over stage clocks (core stage-clock.ts), in the sweep's transaction: a stage open
 * past its limit escalates the party that owns it (the committee or the PBO), like a stalled item but
 * never the agency. Set-based, a few statements whatever the number of clocks:
 * - resolves every live stage case whose clock has ended (or is gone: a declaration superseded);
 * - climbs every live case one level per full period it has stood at its level (core derivedLevel by
 *   the sweep's cutoffs, up to the council), recording the new level at the sweep's instant;
 * - opens a case, on the committee level of the ladder, for every open clock past its limit (core
 *   isOverLimit: its appeal deadline, else its start plus STAGE_LIMITS) without a live case;
 * - tells everyone a case newly reaches (core stageCaseAudienceRole): the owning party's active users,
 *   the council at the top. Notices name the stage case as their subject; kind stage_case_opened / _climbed.
 */
@Injectable()
export class StageCaseSweepRepository {
  async apply(m: EntityManager, sweepId: string, clock: SweepClock, limits: StageLimits): Promise<StageCaseCounts> {
    const { at } = clock;
    // Every open clock, read once, and whether it is past its limit now (core isOverLimit).
    await m.query(
      `CREATE TEMP TABLE sweep_stage_open ON COMMIT DROP AS
       SELECT s.stage, s.subject_id, s.started_at, s.item_id, s.tranche_id, s.project_id,
              $1::timestamptz > coalesce(s.deadline_at, s.started_at + l.limit_ms * interval '1 millisecond') AS breached
         FROM open_stage_clocks s JOIN unnest($2::text[], $3::bigint[]) AS l(stage, limit_ms) ON l.stage = s.stage`,
      [at, [...STAGES], STAGES.map((s) => limits[s])],
    );
    // What changed, with everything a notice names: the notices then join only by primary keys (a join back to
    // stage_cases, whose statistics do not yet know of the cases just opened, was planned as a nested scan).
    await m.query(
      `CREATE TEMP TABLE sweep_stage_changes (case_id uuid, kind text, level smallint, party text, stage text, project_id uuid,
                                              item_id uuid, tranche_id uuid, started_at timestamptz) ON COMMIT DROP`,
    );

    // Resolve: the clock the case was opened for is no longer open.
    await m.query(
      `WITH resolved AS (
         UPDATE stage_cases c SET resolved_at = $1, resolved_sweep_id = $2
          WHERE c.resolved_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM sweep_stage_open s
                             WHERE s.stage = c.stage AND s.subject_id = c.subject_id AND s.started_at = c.started_at)
         RETURNING c.*)
       INSERT INTO sweep_stage_changes SELECT id, 'resolved', level, party, stage, project_id, item_id, tranche_id, started_at FROM resolved`,
      [at, sweepId],
    );

    // Climb: one level per full period at its level (the cutoffs of this sweep), recorded now.
    await m.query(
      `WITH climbed AS (
         UPDATE stage_cases c SET level = x.now_level, level_changed_at = $1
           FROM (SELECT id, ${derivedLevelSql('level', 'level_changed_at', '$2::timestamptz[]')} AS now_level
                   FROM stage_cases WHERE resolved_at IS NULL) x
          WHERE x.id = c.id AND x.now_level > c.level
         RETURNING c.*)
       INSERT INTO sweep_stage_changes SELECT id, 'climbed', level, party, stage, project_id, item_id, tranche_id, started_at FROM climbed`,
      [at, clock.levelCutoffs],
    );

    // Open: every clock past its limit without a live case (one per stage and subject, by a unique index).
    await m.query(
      `WITH opened AS (
         INSERT INTO stage_cases (stage, subject_id, started_at, item_id, tranche_id, project_id, party, level, opened_at, level_changed_at, opened_sweep_id)
         SELECT b.stage, b.subject_id, b.started_at, b.item_id, b.tranche_id, b.project_id, ${PARTY_SQL('b.stage')},
                ${STAGE_CASE_FIRST_LEVEL}, $1, $1, $2
           FROM sweep_stage_open b
          WHERE b.breached AND NOT EXISTS (SELECT 1 FROM stage_cases c WHERE c.stage = b.stage AND c.subject_id = b.subject_id AND c.resolved_at IS NULL)
         RETURNING *)
       INSERT INTO sweep_stage_changes SELECT id, 'opened', level, party, stage, project_id, item_id, tranche_id, started_at FROM opened`,
      [at, sweepId],
    );

    const [{ notified }] = await rows<{ notified: number }>(
      m,
      `WITH sent AS (
         INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en, created_at)
         SELECT u.id, 'stage_case_' || ch.kind, NULL, ch.case_id,
                format('دیرکرد مرحلهٔ «%s» طرح %s — سطح %s', names.fa, p.code, ladder.level_fa),
                format('Stage over its limit: %s, project %s — level %s, %s', names.en, p.code, ch.level, ladder.level_en),
                format('مرحلهٔ «%s» %s از مهلت خود گذشته و هنوز باز است.', names.fa, coalesce('بند ' || i.code, 'قسط ' || t.number)),
                format('The stage "%s" of %s has been open since %s (Tehran), past its limit.', names.en,
                       coalesce('item ' || i.code, 'tranche ' || t.number), to_char(ch.started_at AT TIME ZONE 'Asia/Tehran', 'YYYY-MM-DD')),
                $1
           FROM sweep_stage_changes ch
           JOIN ${audienceValuesSql()} ON ladder.level = ch.level AND ladder.party = ch.party
           JOIN ${STAGE_NAMES_SQL} ON names.stage = ch.stage
           JOIN users u ON u.active AND u.role = ladder.role
           JOIN projects p ON p.id = ch.project_id
           LEFT JOIN action_items i ON i.id = ch.item_id
           LEFT JOIN tranches t ON t.id = ch.tranche_id
          WHERE ch.kind IN ('opened', 'climbed')
         RETURNING 1)
       SELECT count(*)::int AS notified FROM sent`,
      [at],
    );
    const [counts] = await rows<Omit<StageCaseCounts, 'notified'>>(
      m,
      `SELECT (SELECT count(*)::int FROM sweep_stage_open WHERE breached) AS breached,
              count(*) FILTER (WHERE kind = 'opened')::int AS opened, count(*) FILTER (WHERE kind = 'climbed')::int AS climbed,
              count(*) FILTER (WHERE kind = 'resolved')::int AS resolved
         FROM sweep_stage_changes`,
    );
    return { ...counts, notified };
  }
}
