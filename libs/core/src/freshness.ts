/**
 * Finding 10 of the brief: a project whose progress nobody has verified for longer than STALE_AFTER is
 * shown as stale. The clock starts at the last verified update, or at the project's creation.
 */
export function isStale(lastVerifiedAt: Date | null, createdAt: Date, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - (lastVerifiedAt ?? createdAt).getTime() > staleAfterMs;
}
