/**
 * The escalation ladder (BRIEF: a stalled item climbs one level per period while unresolved) and
 * the rules that do not need a database: periods, levels, who each level reaches.
 */

export const ESCALATION_LEVELS = [
  { level: 1, key: 'agency_focal_point', fa: 'کارشناس مسئول دستگاه', en: 'Agency focal point' },
  { level: 2, key: 'agency_head', fa: 'رئیس دستگاه', en: 'Head of agency' },
  { level: 3, key: 'committee_agenda', fa: 'دستور کار کمیته پایش', en: 'Monitoring committee agenda' },
  { level: 4, key: 'executive_council', fa: 'شورای اجرایی فناوری اطلاعات', en: 'IT Executive Council' },
] as const;
export type EscalationLevel = 1 | 2 | 3 | 4;
export const TOP_LEVEL: EscalationLevel = 4;

/** Why an item is stalled. A declaration waiting on the committee escalates the committee, not the agency. */
export type StallReason = 'overdue' | 'no_movement' | 'verification_overdue';
export type EscalatedParty = 'agency' | 'committee';

export function partyFor(reason: StallReason): EscalatedParty {
  return reason === 'verification_overdue' ? 'committee' : 'agency';
}

/** The audience each level reaches, as user groups the inbox resolves to people. */
export type Audience = 'owner_focal_points' | 'owner_heads' | 'committee' | 'council';

export function audienceFor(level: EscalationLevel, party: EscalatedParty): Audience {
  if (level === 4) return 'council';
  if (party === 'committee' || level === 3) return 'committee';
  return level === 1 ? 'owner_focal_points' : 'owner_heads';
}

export function nextLevel(level: EscalationLevel): EscalationLevel {
  return Math.min(level + 1, TOP_LEVEL) as EscalationLevel;
}

export const COMMITTEE_CASE_DECISIONS = [
  'extend_due_date',
  'require_revision',
  'hold_tranches',
  'accept_justification',
] as const;
export type CommitteeCaseDecision = (typeof COMMITTEE_CASE_DECISIONS)[number];

/**
 * The sweep period: "monthly" (the default: a calendar month, swept at Tehran midnight on the 1st)
 * or a fixed duration such as "30 days" or "5 seconds" (tests).
 */
export type EscalationPeriod =
  | { kind: 'monthly'; sql: string; approxSeconds: number; text: string }
  | { kind: 'fixed'; sql: string; seconds: number; text: string };

const UNITS: Record<string, number> = { s: 1, second: 1, m: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 };

export function parseEscalationPeriod(text: string): EscalationPeriod {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'monthly' || trimmed === '1 month') {
    return { kind: 'monthly', sql: '1 month', approxSeconds: 30 * 86400, text: 'monthly' };
  }
  const match = /^(\d+)\s*(s|seconds?|m|minutes?|h|hours?|d|days?)$/.exec(trimmed);
  if (!match) throw new Error(`"${text}" is not a period; use "monthly" or a duration like "30 days" or "10 seconds"`);
  const unit = match[2] === 's' ? 's' : match[2].replace(/s$/, '');
  const seconds = Number(match[1]) * UNITS[unit];
  if (seconds < 1) throw new Error('the escalation period must be at least one second');
  return { kind: 'fixed', sql: `${seconds} seconds`, seconds, text: `${seconds} seconds` };
}

export function periodSeconds(period: EscalationPeriod): number {
  return period.kind === 'monthly' ? period.approxSeconds : period.seconds;
}
