/**
 * Finding 6 of the report: the supervisor was also the supervised. A verifier may not belong to
 * the item's owner agency or the project's lead agency, nor to an organization above or below
 * them (a ministry verifying its own subsidiary's project is the same conflict).
 */

/** `lineage` lists an organization followed by its ancestors. */
export function conflictsOfInterest(
  verifierLineage: readonly string[],
  supervisedLineages: ReadonlyArray<readonly string[]>,
): string[] {
  const verifier = verifierLineage[0];
  const conflicts: string[] = [];
  for (const supervised of supervisedLineages) {
    const supervisedOrg = supervised[0];
    if (supervised.includes(verifier) || verifierLineage.includes(supervisedOrg)) conflicts.push(supervisedOrg);
  }
  return [...new Set(conflicts)];
}
