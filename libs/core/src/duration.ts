/** Durations as settings write them: "10 days", "36 h", "1.5 hours", "250 ms". */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/;

const UNIT_MS: Record<string, number> = { ms: 1, millisecond: 1, s: 1000, second: 1000, m: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000, d: 86_400_000, day: 86_400_000 };

/** Milliseconds of a duration (rounded); throws a RangeError for anything that is not one. */
export function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match) throw new RangeError(`"${text}" is not a duration such as "10 days", "10d" or "36h"`);
  const unit = ['ms', 's', 'm', 'h', 'd'].includes(match[2]) ? match[2] : match[2].replace(/s$/, '');
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}
