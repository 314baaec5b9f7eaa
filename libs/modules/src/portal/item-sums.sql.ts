/**
 * The project's current items (not removed) summed as every public read adds them up: weight, verified
 * and self-declared progress weighted by it, and the last verification. `extra` adds columns over the
 * same rows (`a`). One text, so the portal, its figures and the open standards never drift apart.
 */
export function currentItemSumsLateral(extra = ''): string {
  return `LEFT JOIN LATERAL (
    SELECT sum(a.weight_hundredths::bigint) AS weight_sum,
           sum(a.weight_hundredths::bigint * a.verified_percent) AS verified_weighted,
           sum(a.weight_hundredths::bigint * a.declared_percent) AS declared_weighted,
           max(a.last_verified_at) AS last_verified_at${extra}
      FROM action_items a WHERE a.project_id = pr.id AND a.removed_at IS NULL
  ) i ON true`;
}
