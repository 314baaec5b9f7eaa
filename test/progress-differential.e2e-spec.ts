/**
 * Differential test of the progress and staleness rules: random projects with random items (weights
 * that need not add up to 100, verified and declared percents, verified timestamps, retired items,
 * confidential projects) are written into a real PostgreSQL database; what the production SQL path
 * reads back (PortalRepository.projects → publicProgress, ProjectsRepository.projectSummaries →
 * isStale) must equal the core rules applied to the generated data directly (weightedProgress,
 * isStale over the latest verified update of the current items).
 *
 * DIFF_RUNS worlds (default 100); DIFF_SEED replays a run (the seed is in the describe name and printed).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { hundredthsToNumber, isStale, weightedProgress } from '@pelekan/core';
import { Database } from '../libs/modules/src/database/database';
import { dataSourceOptions } from '../libs/modules/src/database/database.module';
import { PortalRepository } from '../libs/modules/src/portal/portal.repository';
import { publicProgress } from '../libs/modules/src/portal/public-progress';
import { ProjectsRepository } from '../libs/modules/src/projects/projects.repository';
import { createTestDatabase } from './support/harness';

const SEED = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.DIFF_RUNS ?? 100);

const DAY = 86_400_000;
const STALE_AFTER_MS = 30 * DAY;
/** The clock of the comparison: staleness is a pure function of it, so it is fixed. */
const NOW = new Date('2031-03-21T08:30:00.000Z');

interface GeneratedItem {
  weight: number; // hundredths, 1..10000
  verified: number;
  declared: number;
  /** Milliseconds before NOW of the last verified update, or null when never verified. */
  verifiedAgo: number | null;
  removed: boolean;
}

interface GeneratedProject {
  confidential: boolean;
  /** Milliseconds before NOW of the project's registration. */
  createdAgo: number;
  items: GeneratedItem[];
}

/** Ages spread around the staleness threshold, its exact edge included. */
const age = fc.oneof(
  fc.integer({ min: 0, max: 3 * STALE_AFTER_MS }),
  fc.constantFrom(STALE_AFTER_MS, STALE_AFTER_MS - 1, STALE_AFTER_MS + 1, 0),
);

const item: fc.Arbitrary<GeneratedItem> = fc.record({
  weight: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(1, 2500, 3333, 10_000)),
  verified: fc.integer({ min: 0, max: 100 }),
  declared: fc.integer({ min: 0, max: 100 }),
  verifiedAgo: fc.option(age, { nil: null }),
  // One item in five retired from the plan: retired items count for nothing.
  removed: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

const project: fc.Arbitrary<GeneratedProject> = fc.record({
  confidential: fc.boolean(),
  createdAgo: age,
  items: fc.array(item, { maxLength: 8 }),
});

const world = fc.array(project, { minLength: 1, maxLength: 5 });

/** What the core rules say about one generated project. */
function expected(p: GeneratedProject) {
  const current = p.items.filter((i) => !i.removed);
  const verifiedTimes = current.filter((i) => i.verifiedAgo !== null).map((i) => NOW.getTime() - i.verifiedAgo!);
  const lastVerifiedAt = verifiedTimes.length ? new Date(Math.max(...verifiedTimes)) : null;
  const createdAt = new Date(NOW.getTime() - p.createdAgo);
  const percent = (pick: (i: GeneratedItem) => number) =>
    p.confidential ? null : hundredthsToNumber(weightedProgress(current.map((i) => ({ weight: i.weight, percent: pick(i) }))));
  return {
    verifiedPercent: percent((i) => i.verified),
    declaredPercent: percent((i) => i.declared),
    lastVerifiedAt: lastVerifiedAt?.toISOString() ?? null,
    stale: isStale(lastVerifiedAt, createdAt, NOW, STALE_AFTER_MS),
  };
}

describe(`progress and staleness: production SQL against the core rules (DIFF_SEED=${SEED} DIFF_RUNS=${RUNS})`, () => {
  let source: DataSource;
  let db: Database;
  let agencyId: string;
  const portal = new PortalRepository();
  const projects = new ProjectsRepository();
  let worlds = 0;

  beforeAll(async () => {
    console.log(`progress differential: DIFF_SEED=${SEED} DIFF_RUNS=${RUNS} (set DIFF_SEED to replay)`);
    const { appUrl } = await createTestDatabase();
    // The application's own restricted role, as production connects.
    source = new DataSource({ ...dataSourceOptions(appUrl), extra: { max: 2 } });
    await source.initialize();
    db = new Database(source);
    agencyId = await db.transaction(async (tx) => {
      const [org] = await tx.query(
        `INSERT INTO organizations (code, name_fa, name_en) VALUES ('diff-agency', 'دستگاه', 'Differential agency') RETURNING id`,
      );
      return org.id as string;
    });
  });
  afterAll(async () => {
    await source?.destroy();
  });

  /** Writes one world under a fresh portfolio; the project ids in generation order. */
  async function write(tx: EntityManager, portfolioId: string, generated: GeneratedProject[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [n, p] of generated.entries()) {
      const [{ id }] = await tx.query(
        `INSERT INTO projects (portfolio_id, code, name_fa, name_en, lead_agency_id, confidential, created_at)
         VALUES ($1, $2, 'پروژه', $3, $4, $5, $6) RETURNING id`,
        [portfolioId, `D-${n + 1}`, `Project ${n + 1}`, agencyId, p.confidential, new Date(NOW.getTime() - p.createdAgo)],
      );
      ids.push(id);
      for (const [k, i] of p.items.entries()) {
        await tx.query(
          `INSERT INTO action_items (project_id, code, title_fa, title_en, owner_agency_id, weight_hundredths, planned_start, planned_end,
                                     verified_percent, declared_percent, last_verified_at, removed_at)
           VALUES ($1, $2, 'اقدام', 'Item', $3, $4, '2030-01-01T00:00:00Z', '2030-06-01T00:00:00Z', $5, $6, $7, $8)`,
          [
            id,
            String(k + 1),
            agencyId,
            i.weight,
            i.verified,
            i.declared,
            i.verifiedAgo === null ? null : new Date(NOW.getTime() - i.verifiedAgo),
            i.removed ? NOW : null,
          ],
        );
      }
    }
    return ids;
  }

  it('reads every project as the core rules compute it', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (generated) => {
        const portfolioId = randomUUID();
        const ids = await db.transaction(async (tx) => {
          await tx.query(`INSERT INTO portfolios (id, code, name_fa, name_en) VALUES ($1, $2, 'سبد', 'Differential portfolio')`, [
            portfolioId,
            `DIFF-${++worlds}`,
          ]);
          return write(tx, portfolioId, generated);
        });
        const m = db.reader;
        const publicRows = await portal.projects(m, { portfolioId });
        const summaries = await projects.projectSummaries(m, { portfolioId }, null, null);
        expect(publicRows).toHaveLength(generated.length);
        for (const [n, p] of generated.entries()) {
          const want = expected(p);
          const publicRow = publicRows.find((r) => r.id === ids[n])!;
          const read = publicProgress(publicRow, NOW, STALE_AFTER_MS);
          const got = {
            verifiedPercent: read.verifiedPercent,
            declaredPercent: read.declaredPercent,
            lastVerifiedAt: publicRow.lastVerifiedAt?.toISOString() ?? null,
            stale: read.stale,
          };
          expect({ project: n, ...got }).toEqual({ project: n, ...want });

          // The project page reads the same row by id.
          const [single] = await portal.projects(m, { portfolioId, projectId: ids[n] });
          expect(publicProgress(single, NOW, STALE_AFTER_MS)).toEqual(read);

          // The authenticated project list: same latest verified update, same staleness.
          const summary = summaries.find((r) => r.id === ids[n])!;
          expect({
            project: n,
            lastVerifiedAt: summary.lastVerifiedAt?.toISOString() ?? null,
            stale: isStale(summary.lastVerifiedAt, summary.createdAt, NOW, STALE_AFTER_MS),
          }).toEqual({ project: n, lastVerifiedAt: want.lastVerifiedAt, stale: want.stale });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
