import {
  AUDIENCE_RULES,
  type Audience,
  audienceFor,
  ESCALATED_PARTIES,
  ESCALATION_LEVELS,
  FIRST_LEVEL,
  partyFor,
  STALL_REASONS,
  type StallReason,
  TOP_LEVEL,
} from '@pelekan/core';

/**
 * The ladder of the set-based sweep, as SQL generated from the pure definitions in libs/core
 * (escalation.ts), so the SQL cannot drift from them: the party of each reason (`partyFor`), the
 * level a case stands at (`derivedLevel`, `caseLevel`: the recorded level, one more per cutoff at or
 * after the instant it was recorded, never past the top), the first level, the audience of each
 * (level, party) (`audienceFor`) and who belongs to each audience (`AUDIENCE_RULES`).
 */

/** A SQL string literal. */
export function sqlText(value: string | number): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The party a case opened for `reason` escalates. */
export function partySql(reason: string): string {
  return `CASE ${reason} ${STALL_REASONS.map((r) => `WHEN ${sqlText(r)} THEN ${sqlText(partyFor(r))}`).join(' ')} END`;
}

export const FIRST_LEVEL_SQL = String(FIRST_LEVEL);

/** How many cutoffs a sweep records (core levelCutoffs): one per climb from the first level to the top. */
export const CUTOFF_COUNT = TOP_LEVEL - FIRST_LEVEL;

/**
 * core derivedLevel: the level recorded as `level` at `since`, judged by `cutoffs` (a timestamptz[]
 * expression, NULL when no sweep recorded any): one more per cutoff at or after `since`, at most the top.
 */
export function derivedLevelSql(level: string, since: string, cutoffs: string): string {
  const periods = Array.from({ length: CUTOFF_COUNT }, (_, k) => `coalesce(${since} <= (${cutoffs})[${k + 1}], false)::int`);
  return `least(${TOP_LEVEL}, ${level} + ${periods.join(' + ')})::smallint`;
}

/** core caseLevel, for the escalation_cases row `c`: an open case climbs; any other keeps the level it stopped at. */
export function caseLevelSql(c: string, cutoffs: string): string {
  return `CASE WHEN ${c}.status = 'open' THEN ${derivedLevelSql(`${c}.level`, `${c}.level_changed_at`, cutoffs)}
          ELSE coalesce(${c}.frozen_level, ${c}.level) END`;
}

/** The cutoffs of the latest sweep (by the instant it judged): what every read of a case's level is judged by. */
export const LATEST_CUTOFFS_SQL = `(SELECT level_cutoffs FROM sweep_runs ORDER BY at DESC, started_at DESC LIMIT 1)`;

/** Who each (level, party) reaches, the level's name, and whether its audience is the item owner's people. */
export function ladderValuesSql(): string {
  const rows: string[] = [];
  for (const { level, fa, en } of ESCALATION_LEVELS) {
    for (const party of ESCALATED_PARTIES) {
      const audience = audienceFor(level, party);
      const ownerScoped = AUDIENCE_RULES[audience].ofOwnerAgency;
      rows.push(`(${level}, ${sqlText(party)}, ${sqlText(audience)}, ${sqlText(fa)}, ${sqlText(en)}, ${ownerScoped})`);
    }
  }
  return `(VALUES ${rows.join(', ')}) AS ladder(level, party, audience, level_fa, level_en, owner_scoped)`;
}

/** The scope every member of an audience that is not the owner agency's people shares. */
export const ALL_SCOPE = sqlText('all');

/**
 * Everyone each audience reaches, as rows (audience, scope, user_id): the condition `reaches` (libs/core)
 * evaluates, one branch per audience. `scope` is the user's organization for an audience of the item
 * owner's people (joined on the owner), else 'all'; so a sweep finds its recipients by equality, not
 * by testing every user against every case.
 */
export function recipientsSql(): string {
  const branches = (Object.keys(AUDIENCE_RULES) as Audience[]).map((name) => {
    const rule = AUDIENCE_RULES[name];
    if (rule.headsOnly && !rule.ofOwnerAgency) throw new Error(`audience ${name}: a heads-only rule must be of the owner agency`);
    const conditions = ['u.active', `u.role = ${sqlText(rule.role)}`];
    if (rule.headsOnly) {
      conditions.push(
        `(u.agency_head OR NOT EXISTS (SELECT 1 FROM users h WHERE h.active AND h.agency_head AND h.organization_id = u.organization_id))`,
      );
    }
    const scope = rule.ofOwnerAgency ? 'u.organization_id::text' : ALL_SCOPE;
    return `SELECT ${sqlText(name)} AS audience, ${scope} AS scope, u.id AS user_id FROM users u WHERE ${conditions.join(' AND ')}`;
  });
  return `(${branches.join(' UNION ALL ')})`;
}

/**
 * The notices of newly reached cases: `source` lists them (kind, level, party, item_id, reason,
 * owner_agency_id), `caseId` is each one's case id (an expression over `ch`). Every member of the
 * audience its (level, party) reaches (core sweepNotices) is found by equality on (audience, scope)
 * first, so only the cases someone hears of are looked up. `$1` is the sweep's instant.
 */
export function noticesSql(source: string, caseId: string): string {
  return `INSERT INTO notifications (user_id, kind, case_id, subject_id, title_fa, title_en, body_fa, body_en, created_at)
    SELECT r.user_id, 'escalation_' || ch.kind, ${caseId}, ch.item_id,
           format('پیگیری بند %s طرح %s — سطح %s', i.code, p.code, ladder.level_fa),
           format('Escalation: item %s of %s — level %s, %s', i.code, p.code, ch.level, ladder.level_en),
           format('بند «%s» (%s) %s.', i.title_fa, o.name_fa, ${reasonTextSql('ch.reason', 'fa')}),
           format('Item "%s" (%s) %s.', i.title_en, o.name_en, ${reasonTextSql('ch.reason', 'en')}),
           $1
      FROM (${source}) ch
      JOIN ${ladderValuesSql()} ON ladder.level = ch.level AND ladder.party = ch.party
      JOIN ${recipientsSql()} r
        ON r.audience = ladder.audience AND r.scope = CASE WHEN ladder.owner_scoped THEN ch.owner_agency_id::text ELSE ${ALL_SCOPE} END
      JOIN action_items i ON i.id = ch.item_id
      JOIN projects p ON p.id = i.project_id
      JOIN organizations o ON o.id = i.owner_agency_id`;
}

/** What a notification says of each reason. */
export const REASON_TEXT: Readonly<Record<StallReason, { fa: string; en: string }>> = {
  overdue: { fa: 'از موعد خود گذشته است', en: 'is past its due date' },
  no_movement: { fa: 'در یک دوره پیشرفت تأییدشده نداشته است', en: 'has had no verified progress for a period' },
  verification_overdue: {
    fa: 'اظهار پیشرفتش بیش از یک دوره در انتظار تأیید کمیته مانده است',
    en: 'has a progress declaration waiting on the committee for more than a period',
  },
};

export function reasonTextSql(reason: string, lang: 'fa' | 'en'): string {
  return `CASE ${reason} ${STALL_REASONS.map((r) => `WHEN ${sqlText(r)} THEN ${sqlText(REASON_TEXT[r][lang])}`).join(' ')} END`;
}

/** A StallReason as a SQL literal (type-checked against the core's reasons). */
export function reasonSql(reason: StallReason): string {
  return sqlText(reason);
}
