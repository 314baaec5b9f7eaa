/**
 * Stage clocks (issue 13): how long each declaration and tranche spends in each stage, who owns the
 * stage, its limit, and the statistics the committee reads (median and 90th percentile per stage and
 * Jalali month, per agency and per member). A stage over its limit escalates the party that owns it,
 * never the agency: a declaration the committee has not decided in time is the committee's breach.
 *
 * The stages, each from the instant it starts to the instant its owner ends it:
 * - `declaration_decided` (committee): declared → decided (accepted, accepted lower or rejected). A
 *   declaration superseded by a newer one before a decision leaves no clock.
 * - `field_checked` (committee): the sample that selected the acceptance opened → its field check.
 * - `appeal_decided` (committee): appeal filed → decided; its limit is the appeal's own deadline
 *   (`APPEAL_DEADLINE` after filing, recorded on the appeal).
 * - `tranche_approved` (pbo): the gate opened (awaiting approval, or held) → the PBO approved or rejected.
 *   A gate that closes again before a decision stops the clock without a decision: no clock.
 * - `tranche_paid` (pbo): approved → paid (the ledger entry). An approval voided before payment: no clock.
 * - `remainder_decided` (pbo): the tranche lapsed → the PBO decided on its remainder.
 *
 * Pure: no framework, no database, browser-safe. The database's view `stage_clocks` lists every clock
 * (migration 1733110000000-stage-clocks); the API's statistics and list of breaches are computed here.
 */
import { ESCALATION_LEVELS, type EscalationLevel, TOP_LEVEL } from './escalation';
import { durationMs } from './duration';
import { jalaliMonthRange, toJalali } from './jalali';

export const STAGE_OWNERS = ['committee', 'pbo'] as const;
export type StageOwner = (typeof STAGE_OWNERS)[number];

export const STAGE_DEFINITIONS = [
  { stage: 'declaration_decided', owner: 'committee', fa: 'تصمیم دربارهٔ اظهار پیشرفت', en: 'declaration decided' },
  { stage: 'field_checked', owner: 'committee', fa: 'بازدید میدانی نمونه', en: 'sampled acceptance field-checked' },
  { stage: 'appeal_decided', owner: 'committee', fa: 'تصمیم دربارهٔ اعتراض', en: 'appeal decided' },
  { stage: 'tranche_approved', owner: 'pbo', fa: 'تصویب قسط پس از باز شدن دروازه', en: 'tranche approved once its gate opened' },
  { stage: 'tranche_paid', owner: 'pbo', fa: 'پرداخت قسط تصویب‌شده', en: 'approved tranche paid' },
  { stage: 'remainder_decided', owner: 'pbo', fa: 'تصمیم دربارهٔ ماندهٔ سررسیدشده', en: 'lapsed remainder decided' },
] as const;
export type Stage = (typeof STAGE_DEFINITIONS)[number]['stage'];
export const STAGES: readonly Stage[] = STAGE_DEFINITIONS.map((d) => d.stage);

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

export function stageOwner(stage: Stage): StageOwner {
  return STAGE_DEFINITIONS.find((d) => d.stage === stage)!.owner;
}

// ---------------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------------

/** The limit of every stage, in milliseconds. */
export type StageLimits = Readonly<Record<Stage, number>>;

/** The stage whose limit is APPEAL_DEADLINE, not STAGE_LIMITS. */
export const APPEAL_STAGE: Stage = 'appeal_decided';

export const DEFAULT_STAGE_LIMITS =
  'declaration_decided=10 days,field_checked=30 days,tranche_approved=10 days,tranche_paid=5 days,remainder_decided=30 days';
export const DEFAULT_APPEAL_DEADLINE = '30 days';

/** Milliseconds of "10 days", "10d", "36 h", "90 minutes"…; throws for anything else or for zero. */
export function parseStageDuration(text: string): number {
  const ms = durationMs(text);
  if (ms <= 0) throw new RangeError(`"${text}" must be longer than zero`);
  return ms;
}

/**
 * The limits as STAGE_LIMITS sets them: comma-separated `stage=duration` pairs, e.g.
 * "declaration_decided=10d,tranche_paid=5 days". A stage not named keeps its default
 * (DEFAULT_STAGE_LIMITS); the appeal stage's limit is `appealDeadline` (APPEAL_DEADLINE) and may not
 * be set here. Throws a RangeError saying what is wrong: an unknown stage, one named twice, a bad duration.
 */
export function parseStageLimits(text: string, appealDeadline: string = DEFAULT_APPEAL_DEADLINE): StageLimits {
  const limits: Partial<Record<Stage, number>> = {};
  const read = (source: string, overriding: boolean) => {
    const seen = new Set<string>();
    for (const part of source.split(',').map((p) => p.trim())) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq < 0) throw new RangeError(`"${part}" is not stage=duration (e.g. declaration_decided=10 days)`);
      const stage = part.slice(0, eq).trim();
      if (!isStage(stage)) throw new RangeError(`"${stage}" is not a stage; the stages are ${STAGES.join(', ')}`);
      if (stage === APPEAL_STAGE) throw new RangeError(`the limit of ${APPEAL_STAGE} is APPEAL_DEADLINE, not STAGE_LIMITS`);
      if (overriding && seen.has(stage)) throw new RangeError(`${stage} is named twice`);
      seen.add(stage);
      try {
        limits[stage] = parseStageDuration(part.slice(eq + 1));
      } catch (e) {
        throw new RangeError(`${stage}: ${(e as Error).message}`, { cause: e });
      }
    }
  };
  read(DEFAULT_STAGE_LIMITS, false);
  read(text, true);
  try {
    limits[APPEAL_STAGE] = parseStageDuration(appealDeadline);
  } catch (e) {
    throw new RangeError(`APPEAL_DEADLINE: ${(e as Error).message}`, { cause: e });
  }
  return limits as StageLimits;
}

// ---------------------------------------------------------------------------------------------------
// One clock
// ---------------------------------------------------------------------------------------------------

/** One stage of one declaration, appeal or tranche, as the view `stage_clocks` lists it. */
export interface StageClock {
  stage: Stage;
  startedAt: Date;
  /** Null while the stage is open. */
  endedAt: Date | null;
  /** The appeal's recorded deadline (appeal_decided); null for other stages: their limit applies. */
  deadlineAt?: Date | null;
  /** The item owner's agency (declaration stages) or the project's lead agency (tranche stages); null for a confidential project without one. */
  agencyId: string | null;
  /** Who ended it (the deciding member or officer); null while open. */
  memberId: string | null;
}

/** How long the stage took, or has taken by `now` while open. */
export function stageDurationMs(clock: StageClock, now: Date): number {
  return (clock.endedAt ?? now).getTime() - clock.startedAt.getTime();
}

/** The instant the stage breaches its limit: the appeal's own deadline, else its start plus the stage's limit. */
export function breachAt(clock: StageClock, limits: StageLimits): Date {
  return clock.deadlineAt ?? new Date(clock.startedAt.getTime() + limits[clock.stage]);
}

/**
 * The breach rule: a stage is over its limit when it ended, or is still open at `now`, strictly after
 * the instant it breaches (`breachAt`). A stage ended exactly at its limit is on time.
 */
export function isOverLimit(clock: StageClock, limits: StageLimits, now: Date): boolean {
  return (clock.endedAt ?? now).getTime() > breachAt(clock, limits).getTime();
}

// ---------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------

/**
 * The nearest-rank percentile of values sorted ascending: the value at rank ⌈p·n/100⌉ (1-based), for
 * p in 1..100, so always one of the values (never interpolated). The median is p = 50: for an even
 * count, the lower of the two middle values. The rank is computed in integers, so no floating-point
 * product can round it past a whole rank. PostgreSQL's percentile_disc(p/100) is the same definition.
 * Throws for an empty list.
 */
export function nearestRank(sortedAsc: readonly number[], p: number): number {
  if (!Number.isInteger(p) || p < 1 || p > 100) throw new RangeError(`percentile ${p} must be an integer from 1 to 100`);
  const n = sortedAsc.length;
  if (n === 0) throw new RangeError('no values');
  const rank = Math.floor((p * n + 99) / 100);
  return sortedAsc[rank - 1];
}

/** Hours of a duration, to the hundredth. */
export function msToHours(ms: number): number {
  return Math.round(ms / 36_000) / 100;
}

export interface DurationStats {
  count: number;
  medianHours: number;
  p90Hours: number;
}

/** Count, median and 90th percentile (nearest rank) of durations in ms, in hours. Throws for none. */
export function durationStats(durationsMs: readonly number[]): DurationStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return { count: sorted.length, medianHours: msToHours(nearestRank(sorted, 50)), p90Hours: msToHours(nearestRank(sorted, 90)) };
}

/** "1405-08": the Jalali month (Tehran's wall clock) of an instant. */
export function jalaliMonthKey(instant: Date): string {
  const { year, month } = toJalali(instant);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The Jalali months from `from` to `to` inclusive, as "1405-08" keys. */
export function jalaliMonthsBetween(from: { year: number; month: number }, to: { year: number; month: number }): string[] {
  const keys: string[] = [];
  for (let y = from.year, m = from.month; y < to.year || (y === to.year && m <= to.month); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    keys.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return keys;
}

/** The `count` Jalali months ending with the one `now` is in: the default range of the statistics. */
export function lastJalaliMonths(now: Date, count: number): { from: { year: number; month: number }; to: { year: number; month: number } } {
  const { year, month } = toJalali(now);
  const index = year * 12 + (month - 1) - (count - 1);
  return { from: { year: Math.floor(index / 12), month: (index % 12) + 1 }, to: { year, month } };
}

/** The instants a range of Jalali months covers: the first month's start to the instant after the last one. */
export function jalaliMonthsSpan(from: { year: number; month: number }, to: { year: number; month: number }): { start: Date; end: Date } {
  return { start: jalaliMonthRange(from.year, from.month).start, end: jalaliMonthRange(to.year, to.month).end };
}

export interface StageSummary {
  stage: Stage;
  owner: StageOwner;
  /** By the Jalali month each stage ENDED in, oldest first. */
  byMonth: Array<{ month: string } & DurationStats>;
  byAgency: Array<{ agencyId: string } & DurationStats>;
  byMember: Array<{ memberId: string } & DurationStats>;
}

/**
 * The statistics of every stage over the clocks that ended in [start, end): open stages (and those
 * ended outside the range) count in breaches, not here. Groups: the Jalali month the stage ended in,
 * the agency, the member who ended it (a clock without an agency or a member is left out of that
 * grouping only). Every stage is listed, in STAGES order; groups in key order.
 */
export function summarizeStageTimes(clocks: readonly StageClock[], start: Date, end: Date): StageSummary[] {
  return STAGES.map((stage) => {
    const months = new Map<string, number[]>();
    const agencies = new Map<string, number[]>();
    const members = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, key: string | null, ms: number) => {
      if (key === null) return;
      const list = map.get(key);
      if (list) list.push(ms);
      else map.set(key, [ms]);
    };
    for (const clock of clocks) {
      if (clock.stage !== stage || clock.endedAt === null) continue;
      if (clock.endedAt.getTime() < start.getTime() || clock.endedAt.getTime() >= end.getTime()) continue;
      const ms = stageDurationMs(clock, clock.endedAt);
      add(months, jalaliMonthKey(clock.endedAt), ms);
      add(agencies, clock.agencyId, ms);
      add(members, clock.memberId, ms);
    }
    const stats = <K extends string>(map: Map<string, number[]>, key: K) =>
      [...map.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, values]) => ({ [key]: k, ...durationStats(values) }) as { [P in K]: string } & DurationStats);
    return { stage, owner: stageOwner(stage), byMonth: stats(months, 'month'), byAgency: stats(agencies, 'agencyId'), byMember: stats(members, 'memberId') };
  });
}

// ---------------------------------------------------------------------------------------------------
// Stage cases: a breach escalated like a stalled item
// ---------------------------------------------------------------------------------------------------

/**
 * A stage case opens on the escalation ladder's committee level (3, "committee agenda"): a stage is
 * owned by the committee or the PBO, never the agency, so the agency levels (1, 2) do not apply. It
 * climbs one level per full period while the stage stays open, to the top (4, the IT Executive Council).
 */
export const STAGE_CASE_FIRST_LEVEL: EscalationLevel = 3;

/**
 * Who hears of a stage case at `level`: the owning party's active users (committee members, PBO
 * officers) below the top; the council (administrators) at the top, as for an item's case (core
 * escalation audienceFor: level 3 of the committee's party is the committee, the top is the council).
 */
export function stageCaseAudienceRole(level: EscalationLevel, owner: StageOwner): 'committee' | 'pbo' | 'admin' {
  if (level === TOP_LEVEL) return 'admin';
  return owner;
}

/** The levels a stage case can stand at, with their names. */
export const STAGE_CASE_LEVELS = ESCALATION_LEVELS.filter((l) => l.level >= STAGE_CASE_FIRST_LEVEL);
