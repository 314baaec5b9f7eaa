/**
 * The escalation ladder (BRIEF: a stalled item climbs one level per period while unresolved), and the
 * one definition of every rule of the sweep: what is stalled and why, when a case resolves or climbs,
 * the level it climbs to, which party is escalated and who each level reaches.
 *
 * A case's level is not rewritten each period: it follows from the level and instant it was recorded
 * at and the periods since (`derivedLevel`), judged by the instants each sweep records
 * (`levelCutoffs`). So a sweep writes only what changed: the cases it opens, the ones it resolves,
 * and notices to the people a case newly reaches.
 *
 * The sweep itself runs as set-based SQL over every item (national scale). Its ladder is generated
 * from these definitions (libs/modules/src/escalations/escalation-sweep.sql.ts: the party, the derived
 * level, the top level, audiences and who belongs to each) and its stall, resolve and climb conditions
 * are held to `planSweep` below by a differential test (test/escalation-differential.e2e-spec.ts) that
 * runs both over the same random data, sweep after sweep.
 */
import { addJalaliMonths, gregorianToJalali, jalaliToGregorian, tehranOffsetMs } from './jalali';

export const ESCALATION_LEVELS = [
  { level: 1, key: 'agency_focal_point', fa: 'کارشناس مسئول دستگاه', en: 'Agency focal point' },
  { level: 2, key: 'agency_head', fa: 'رئیس دستگاه', en: 'Head of agency' },
  { level: 3, key: 'committee_agenda', fa: 'دستور کار کمیته پایش', en: 'Monitoring committee agenda' },
  { level: 4, key: 'executive_council', fa: 'شورای اجرایی فناوری اطلاعات', en: 'IT Executive Council' },
] as const;
export type EscalationLevel = 1 | 2 | 3 | 4;
export type EscalationLevelInfo = (typeof ESCALATION_LEVELS)[number];
/** A new case starts here. */
export const FIRST_LEVEL: EscalationLevel = 1;
/** A case stops climbing here. */
export const TOP_LEVEL: EscalationLevel = 4;

export function levelInfo(level: EscalationLevel): EscalationLevelInfo {
  return ESCALATION_LEVELS[level - 1];
}

/** Why an item is stalled. A declaration waiting on the committee escalates the committee, not the agency. */
export const STALL_REASONS = ['overdue', 'no_movement', 'verification_overdue'] as const;
export type StallReason = (typeof STALL_REASONS)[number];
export const ESCALATED_PARTIES = ['agency', 'committee'] as const;
export type EscalatedParty = (typeof ESCALATED_PARTIES)[number];

export function partyFor(reason: StallReason): EscalatedParty {
  return reason === 'verification_overdue' ? 'committee' : 'agency';
}

/** The audience each level reaches, as user groups the inbox resolves to people. */
export type Audience = 'owner_focal_points' | 'owner_heads' | 'committee' | 'council';

export function audienceFor(level: EscalationLevel, party: EscalatedParty): Audience {
  if (level === TOP_LEVEL) return 'council';
  if (party === 'committee' || level === 3) return 'committee';
  return level === 1 ? 'owner_focal_points' : 'owner_heads';
}

/**
 * Who belongs to each audience: active users of `role`; for `ofOwnerAgency`, only the item owner's;
 * for `headsOnly`, only its heads, or all of its users when it has no active head.
 */
export interface AudienceRule {
  role: 'agency' | 'committee' | 'admin';
  ofOwnerAgency: boolean;
  headsOnly: boolean;
}
export const AUDIENCE_RULES: Readonly<Record<Audience, AudienceRule>> = {
  owner_focal_points: { role: 'agency', ofOwnerAgency: true, headsOnly: false },
  owner_heads: { role: 'agency', ofOwnerAgency: true, headsOnly: true },
  committee: { role: 'committee', ofOwnerAgency: false, headsOnly: false },
  council: { role: 'admin', ofOwnerAgency: false, headsOnly: false },
};

export interface SweepUser {
  id: string;
  role: string;
  organizationId: string | null;
  active: boolean;
  agencyHead: boolean;
}

/** Whether `user` hears of a case on an item of `ownerAgencyId` at `audience`; `users` are everyone (for the heads rule). */
export function reaches(audience: Audience, user: SweepUser, ownerAgencyId: string, users: readonly SweepUser[]): boolean {
  const rule = AUDIENCE_RULES[audience];
  if (!user.active || user.role !== rule.role) return false;
  if (rule.ofOwnerAgency && user.organizationId !== ownerAgencyId) return false;
  if (!rule.headsOnly || user.agencyHead) return true;
  return !users.some((u) => u.active && u.agencyHead && u.organizationId === ownerAgencyId);
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

/** Why the committee may not move an item's due date to `newDue`, or null: it must be in the future and later than the current one. */
export function dueExtensionRefusal(newDue: Date, currentDue: Date, now: Date): string | null {
  if (newDue.getTime() <= now.getTime()) return 'must be in the future';
  if (newDue.getTime() <= currentDue.getTime()) return `must be after the current due date ${currentDue.toISOString()}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------------

/**
 * The sweep period: "monthly" (the default: a Jalali month, swept at Tehran midnight on the 1st of
 * each Jalali month) or a fixed duration such as "30 days" or "5 seconds" (tests).
 */
export type EscalationPeriod =
  | { kind: 'monthly'; approxSeconds: number; text: string }
  | { kind: 'fixed'; seconds: number; text: string };

const UNITS: Record<string, number> = { s: 1, second: 1, m: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 };

export function parseEscalationPeriod(text: string): EscalationPeriod {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'monthly' || trimmed === '1 month') return { kind: 'monthly', approxSeconds: 30 * 86400, text: 'monthly' };
  const match = /^(\d+)\s*(s|seconds?|m|minutes?|h|hours?|d|days?)$/.exec(trimmed);
  if (!match) throw new Error(`"${text}" is not a period; use "monthly" or a duration like "30 days" or "10 seconds"`);
  const unit = match[2] === 's' ? 's' : match[2].replace(/s$/, '');
  const seconds = Number(match[1]) * UNITS[unit];
  if (seconds < 1) throw new Error('the escalation period must be at least one second');
  return { kind: 'fixed', seconds, text: `${seconds} seconds` };
}

export function periodSeconds(period: EscalationPeriod): number {
  return period.kind === 'monthly' ? period.approxSeconds : period.seconds;
}

/**
 * `at` moved by `count` periods (negative: back). A month is a Jalali month on Tehran's wall clock
 * (the schedule sweeps at Tehran midnight on the 1st of each Jalali month, so one sweep is exactly one
 * period after the last): the same Jalali day, clamped to the target month's length, at the same wall
 * time (31 Shahrivar plus a month is 30 Mehr; 30 Esfand of a leap year plus a year of months
 * is 29 Esfand). With the wall clock read as Jalali (y, m, d) and time t:
 * m' = m + count carried into the year, d' = min(d, length(y', m')), result = Tehran's (y', m', d', t).
 */
export function shiftByPeriods(at: Date, period: EscalationPeriod, count: number): Date {
  if (period.kind === 'fixed') return new Date(at.getTime() + count * period.seconds * 1000);
  const offset = tehranOffsetMs(at);
  const wall = new Date(at.getTime() + offset);
  const target = jalaliToGregorian(
    addJalaliMonths(gregorianToJalali(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate()), count),
  );
  const targetWall = Date.UTC(
    target.year,
    target.month - 1,
    target.day,
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  );
  return new Date(targetWall - tehranOffsetMs(new Date(targetWall - offset)));
}

/** The instant one period before `at`: what waited since then waited a full period. */
export function periodCutoff(at: Date, period: EscalationPeriod): Date {
  return shiftByPeriods(at, period, -1);
}

// ---------------------------------------------------------------------------------------------------
// The level of a case, derived
// ---------------------------------------------------------------------------------------------------

/**
 * The instants a sweep at `at` judges levels by: the k-th lies k periods before `at`, for k = 1 up to
 * the number of climbs from the first level to the top (the first is `periodCutoff`). Each sweep
 * records its own, so what it judged can be judged again later exactly as it was.
 */
export function levelCutoffs(at: Date, period: EscalationPeriod): Date[] {
  return Array.from({ length: TOP_LEVEL - FIRST_LEVEL }, (_, k) => shiftByPeriods(at, period, -(k + 1)));
}

/**
 * The level a case recorded at `level` at `since` stands at when judged by a sweep's `cutoffs`: one
 * level higher for each full period since (each cutoff at or after `since`), never past the top. With
 * no cutoffs (no sweep has judged it), the level it was recorded at.
 */
export function derivedLevel(level: EscalationLevel, since: Date, cutoffs: readonly Date[] | null): EscalationLevel {
  const periods = (cutoffs ?? []).filter((cutoff) => since.getTime() <= cutoff.getTime()).length;
  return Math.min(TOP_LEVEL, level + periods) as EscalationLevel;
}

/** What the level of a case is derived from. */
export interface RecordedLevel {
  status: 'open' | 'awaiting_revision' | 'resolved';
  /** The level it was recorded at, at `levelChangedAt` (for a case the sweep opens: the first level, when it opened). */
  level: EscalationLevel;
  levelChangedAt: Date;
  /** The level it stopped at when it stopped climbing (awaiting a revision, or resolved); null while open. */
  frozenLevel: EscalationLevel | null;
}

/** A case's level as a sweep with these cutoffs judges it: an open case climbs; any other keeps the level it stopped at. */
export function caseLevel(kase: RecordedLevel, cutoffs: readonly Date[] | null): EscalationLevel {
  if (kase.status !== 'open') return kase.frozenLevel ?? kase.level;
  return derivedLevel(kase.level, kase.levelChangedAt, cutoffs);
}

/**
 * One sweep's clock: its instant, the cutoff one period earlier (what stalls), the cutoffs it judges
 * levels by, and those of the sweep before it (null if none recorded any): a case climbs at this
 * sweep when it stands higher by these cutoffs than by the previous ones.
 */
export interface SweepClock {
  at: Date;
  cutoff: Date;
  levelCutoffs: Date[];
  previousCutoffs: Date[] | null;
}

export function sweepClock(at: Date, period: EscalationPeriod, previousCutoffs: Date[] | null): SweepClock {
  return { at, cutoff: periodCutoff(at, period), levelCutoffs: levelCutoffs(at, period), previousCutoffs };
}

/** A sweep is overdue when the last one is older than a period and a half (or there has been none). */
export function isSweepOverdue(lastSweepAt: Date | null, now: Date, period: EscalationPeriod): boolean {
  const periodMs = (period.kind === 'monthly' ? 31 * 86400 : period.seconds) * 1000;
  return lastSweepAt === null || now.getTime() - lastSweepAt.getTime() > periodMs * 1.5;
}

// ---------------------------------------------------------------------------------------------------
// What the sweep decides
// ---------------------------------------------------------------------------------------------------

/** An action item as the sweep sees it. */
export interface SweepItem {
  id: string;
  ownerAgencyId: string;
  verifiedPercent: number;
  removedAt: Date | null;
  /** Its portfolio's monitoring is paused. */
  monitoringPaused: boolean;
  /** No escalation before this instant (after a committee decision). */
  quietUntil: Date | null;
  /** When each of its pending progress declarations was made. */
  pendingDeclaredAt: readonly Date[];
  /** The extended due date, if the committee extended it. */
  dueAt: Date | null;
  plannedStart: Date;
  plannedEnd: Date;
  /** When its verified percent last changed, if ever. */
  progressMovedAt: Date | null;
  createdAt: Date;
}

/** A case not yet resolved, as recorded (its level derives from these: `caseLevel`). */
export interface LiveCase extends RecordedLevel {
  id: string;
  itemId: string;
  reason: StallReason;
  party: EscalatedParty;
  status: 'open' | 'awaiting_revision';
  openedAt: Date;
}

export type SweepResolution = 'moved' | 'item_removed';

/** Unfinished, in the plan, and its portfolio's monitoring not paused: the items a sweep examines. */
export function isMonitored(item: SweepItem): boolean {
  return item.verifiedPercent < 100 && item.removedAt === null && !item.monitoringPaused;
}

/** The due date: the committee's extension, else the planned end. */
export function dueDate(item: SweepItem): Date {
  return item.dueAt ?? item.plannedEnd;
}

/**
 * Why the item is stalled at `at` (`cutoff`: one period earlier), or null. A declaration waiting less
 * than a period means the committee still has time: the item is not stalled; one waiting longer
 * escalates the committee. Otherwise an item past its due date is overdue, and one started a period
 * ago without verified movement for a period has not moved.
 */
export function stallReason(item: SweepItem, at: Date, cutoff: Date): StallReason | null {
  if (!isMonitored(item)) return null;
  if (item.quietUntil !== null && item.quietUntil > at) return null;
  if (item.pendingDeclaredAt.length > 0) {
    const oldest = Math.min(...item.pendingDeclaredAt.map((d) => d.getTime()));
    return oldest <= cutoff.getTime() ? 'verification_overdue' : null;
  }
  if (dueDate(item) < at) return 'overdue';
  const lastMoved = item.progressMovedAt ?? item.createdAt;
  return item.plannedStart <= cutoff && lastMoved <= cutoff ? 'no_movement' : null;
}

/**
 * Whether a live case resolves by itself: its item left the plan, reached 100%, or moved since the
 * case opened; or an open case's item is no longer stalled (for a declaration left unverified: no
 * longer for that reason). A case awaiting a required revision resolves only by movement or the revision.
 */
export function caseResolution(kase: LiveCase, item: SweepItem, stall: StallReason | null): SweepResolution | null {
  if (item.removedAt !== null) return 'item_removed';
  const moved = item.verifiedPercent === 100 || (item.progressMovedAt !== null && item.progressMovedAt > kase.openedAt);
  const settled = kase.status === 'open' && (stall === null || (kase.reason === 'verification_overdue' && stall !== kase.reason));
  return moved || settled ? 'moved' : null;
}

/**
 * The level an open case that stays live climbs to at this sweep: the level it stands at by this
 * sweep's cutoffs, if higher than by the previous sweep's (one level per full period while its item
 * stays stalled: an open case whose item is no longer stalled resolves instead); else null.
 */
export function climbedLevel(kase: LiveCase, clock: SweepClock): EscalationLevel | null {
  if (kase.status !== 'open') return null;
  const now = caseLevel(kase, clock.levelCutoffs);
  return now > caseLevel(kase, clock.previousCutoffs) ? now : null;
}

export interface PlannedCase {
  /** Null for a case the sweep opens. */
  caseId: string | null;
  itemId: string;
  reason: StallReason;
  party: EscalatedParty;
  level: EscalationLevel;
}

export interface SweepPlan {
  examined: number;
  stalled: Map<string, StallReason>;
  resolved: Array<{ caseId: string; itemId: string; level: EscalationLevel; resolution: SweepResolution }>;
  climbed: PlannedCase[];
  opened: PlannedCase[];
}

/**
 * Everything one sweep does to these items and their live cases. A case resolves at the level it
 * stood at before this sweep (by the previous sweep's cutoffs), and keeps it.
 */
export function planSweep(items: readonly SweepItem[], liveCases: readonly LiveCase[], clock: SweepClock): SweepPlan {
  const { at, cutoff } = clock;
  const byId = new Map(items.map((item) => [item.id, item]));
  const stalled = new Map<string, StallReason>();
  for (const item of items) {
    const reason = stallReason(item, at, cutoff);
    if (reason) stalled.set(item.id, reason);
  }
  const plan: SweepPlan = { examined: items.filter(isMonitored).length, stalled, resolved: [], climbed: [], opened: [] };
  const stillLive = new Set<string>();
  for (const kase of liveCases) {
    const item = byId.get(kase.itemId);
    if (!item) throw new Error(`case ${kase.id} names item ${kase.itemId}, which is not among the items`);
    const stall = stalled.get(item.id) ?? null;
    const resolution = caseResolution(kase, item, stall);
    if (resolution) {
      plan.resolved.push({ caseId: kase.id, itemId: item.id, level: caseLevel(kase, clock.previousCutoffs), resolution });
      continue;
    }
    stillLive.add(item.id);
    const level = climbedLevel(kase, clock);
    if (level) plan.climbed.push({ caseId: kase.id, itemId: item.id, reason: kase.reason, party: kase.party, level });
  }
  for (const [itemId, reason] of stalled) {
    if (!stillLive.has(itemId)) plan.opened.push({ caseId: null, itemId, reason, party: partyFor(reason), level: FIRST_LEVEL });
  }
  return plan;
}

export interface SweepNotice {
  kind: 'opened' | 'climbed';
  caseId: string | null;
  itemId: string;
  audience: Audience;
  userId: string;
}

/** Every party a case newly reaches (opened or climbed) hears of it: one notice per user. */
export function sweepNotices(plan: SweepPlan, items: readonly SweepItem[], users: readonly SweepUser[]): SweepNotice[] {
  const owner = new Map(items.map((item) => [item.id, item.ownerAgencyId]));
  const notices: SweepNotice[] = [];
  for (const [kind, cases] of [['opened', plan.opened], ['climbed', plan.climbed]] as const) {
    for (const kase of cases) {
      const audience = audienceFor(kase.level, kase.party);
      const ownerAgencyId = owner.get(kase.itemId)!;
      for (const user of users) {
        if (reaches(audience, user, ownerAgencyId, users)) notices.push({ kind, caseId: kase.caseId, itemId: kase.itemId, audience, userId: user.id });
      }
    }
  }
  return notices;
}
