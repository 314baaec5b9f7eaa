import { currentItemSumsLateral } from './item-sums.sql';

/**
 * The portal's per-project facts as set-based SQL, for the headline figures, progress per agency and
 * the sortable project list. Each column is the core rule computed by the database:
 *
 * - `verified_h`: weighted verified progress in hundredths, Σ w·p·100 / Σ w rounded half up
 *   (core `progressFromSums`; the sums are numeric, so the floor is explicit), 0 without a plan, null when confidential;
 * - `declared_h`: self-declared progress in hundredths (core `selfDeclaredProgress`): the declarations
 *   on the plan when it has one, else the report's figure, else null; null when confidential;
 * - `stale`: no verified update (or registration) at or after `$1` = now − STALE_AFTER (core `isStale`:
 *   now − t > STALE_AFTER ⇔ t < now − STALE_AFTER, exact at millisecond cut-offs).
 *
 * test/portal-figures.e2e-spec.ts holds these to the per-project views, which apply the core rules.
 */
export const PORTAL_FACTS_SQL = `
  SELECT pr.id, pr.code, pr.name_fa, pr.name_en, pr.portfolio_id, pr.confidential, pr.repeats,
         CASE WHEN pr.confidential THEN NULL ELSE pr.budget_rials END AS budget_rials,
         CASE WHEN pr.confidential THEN NULL ELSE coalesce(t.released, 0) END AS released_rials,
         pf.monitoring_paused_at IS NOT NULL AS paused,
         coalesce(i.last_verified_at, pr.created_at) < $1::timestamptz AS stale,
         CASE WHEN pr.confidential THEN NULL
              WHEN coalesce(i.weight_sum, 0) = 0 THEN 0
              ELSE floor((200 * i.verified_weighted + i.weight_sum) / (2 * i.weight_sum))::bigint END AS verified_h,
         CASE WHEN pr.confidential THEN NULL
              WHEN coalesce(i.weight_sum, 0) > 0 THEN floor((200 * i.declared_weighted + i.weight_sum) / (2 * i.weight_sum))::bigint
              WHEN jsonb_typeof(pr.reported -> 'actualProgressPct') = 'number'
                THEN round((pr.reported ->> 'actualProgressPct')::numeric * 100)::bigint
         END AS declared_h
    FROM projects pr
    JOIN portfolios pf ON pf.id = pr.portfolio_id
    ${currentItemSumsLateral()}
    LEFT JOIN LATERAL (SELECT sum(released_rials) AS released FROM tranches x WHERE x.project_id = pr.id) t ON true`;

/** The sorts of the public project list: each one's key expression over PORTAL_FACTS_SQL's columns and its cursor part. */
export const PORTAL_SORTS = {
  code: { key: 'f.code COLLATE pelekan_numeric', part: 'text', cast: 'text' },
  name_fa: { key: 'f.name_fa', part: 'text', cast: 'text' },
  name_en: { key: 'f.name_en', part: 'text', cast: 'text' },
  // Unknown amounts (no budget set, confidential) sort below every known one.
  budget: { key: 'coalesce(f.budget_rials, -1)', part: 'text', cast: 'numeric' },
  released: { key: 'coalesce(f.released_rials, -1)', part: 'text', cast: 'numeric' },
  verified: { key: 'coalesce(f.verified_h, -1)', part: 'int', cast: 'bigint' },
  // The gap between self-declared and verified; projects without one sort below every gap.
  gap: { key: 'coalesce(f.declared_h - f.verified_h, -100001)', part: 'int', cast: 'bigint' },
} as const;
export type PortalSort = keyof typeof PORTAL_SORTS;
export const PORTAL_SORT_NAMES = Object.keys(PORTAL_SORTS) as PortalSort[];
