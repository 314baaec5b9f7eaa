import {
  AUDIENCE_RULES,
  type Audience,
  audienceFor,
  ESCALATED_PARTIES,
  ESCALATION_LEVELS,
  FIRST_LEVEL,
  nextLevel,
  partyFor,
  STALL_REASONS,
  type StallReason,
} from '@pelekan/core';

/**
 * The ladder of the set-based sweep, as SQL generated from the pure definitions in libs/core
 * (escalation.ts), so the SQL cannot drift from them: the party of each reason (`partyFor`), the level
 * each level climbs to (`nextLevel`, so the top level too), the first level, the audience of each
 * (level, party) (`audienceFor`) and who belongs to each audience (`AUDIENCE_RULES`).
 */

/** A SQL string literal. */
export function sqlText(value: string | number): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

const LEVELS = ESCALATION_LEVELS.map((l) => l.level);

/** The party a case opened for `reason` escalates. */
export function partySql(reason: string): string {
  return `CASE ${reason} ${STALL_REASONS.map((r) => `WHEN ${sqlText(r)} THEN ${sqlText(partyFor(r))}`).join(' ')} END`;
}

/** The levels from which a case can still climb. */
export function climbableLevelsSql(): string {
  return LEVELS.filter((l) => nextLevel(l) !== l).join(', ');
}

/** The level a case at `level` climbs to. */
export function nextLevelSql(level: string): string {
  return `CASE ${level} ${LEVELS.map((l) => `WHEN ${l} THEN ${nextLevel(l)}`).join(' ')} END`;
}

export const FIRST_LEVEL_SQL = String(FIRST_LEVEL);

/** Who each (level, party) reaches, and the level's name, as a VALUES list. */
export function ladderValuesSql(): string {
  const rows: string[] = [];
  for (const { level, fa, en } of ESCALATION_LEVELS) {
    for (const party of ESCALATED_PARTIES) {
      const audience = audienceFor(level, party);
      rows.push(`(${level}, ${sqlText(party)}, ${sqlText(audience)}, ${sqlText(fa)}, ${sqlText(en)})`);
    }
  }
  return `(VALUES ${rows.join(', ')}) AS ladder(level, party, audience, level_fa, level_en)`;
}

/**
 * Whether user `u` belongs to `audience` (a SQL expression naming the audience) for an item owned by
 * `owner`: the condition `reaches` (libs/core) evaluates, one WHEN per audience.
 */
export function audienceMemberSql(audience: string, u: string, owner: string): string {
  const whens = (Object.keys(AUDIENCE_RULES) as Audience[]).map((name) => {
    const rule = AUDIENCE_RULES[name];
    const conditions = [`${u}.role = ${sqlText(rule.role)}`];
    if (rule.ofOwnerAgency) conditions.push(`${u}.organization_id = ${owner}`);
    if (rule.headsOnly) {
      conditions.push(
        `(${u}.agency_head OR NOT EXISTS (SELECT 1 FROM users h WHERE h.active AND h.agency_head AND h.organization_id = ${owner}))`,
      );
    }
    return `WHEN ${sqlText(name)} THEN ${conditions.join(' AND ')}`;
  });
  return `${u}.active AND CASE ${audience} ${whens.join(' ')} ELSE false END`;
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
