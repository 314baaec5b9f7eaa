/**
 * Open data in the standards (issue 15): the OC4IDS 0.9.5 project package validates against the
 * standard's JSON Schema (ajv, draft-04) and the IATI 2.03 activities against the XSD (xmllint), for
 * the demo data and for a generated national-size portfolio; money invariants hold across the package.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { Pool } from 'pg';
import type { ValidateFunction } from 'ajv';
import { generateNationalData, scaled } from '../bench/src/generate';
import { assertLedgerInvariants } from './support/ledger-invariants';
import { createTestDatabase, type Harness, startHarness } from './support/harness';

const STANDARDS = join(__dirname, 'fixtures/standards');
const XSD = join(STANDARDS, 'iati-2.03/iati-activities-schema.xsd');

/** The package validator: ajv for draft-04, the project schema registered first, the standard's own keywords declared. */
function packageValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  for (const keyword of ['codelist', 'openCodelist', 'versionId', 'deprecated']) ajv.addKeyword({ keyword, schemaType: ['string', 'boolean', 'object'] });
  ajv.addSchema(JSON.parse(readFileSync(join(STANDARDS, 'oc4ids-0.9.5/project-schema.json'), 'utf8')));
  return ajv.compile(JSON.parse(readFileSync(join(STANDARDS, 'oc4ids-0.9.5/project-package-schema.json'), 'utf8')));
}

function expectValid(validate: ValidateFunction, pkg: unknown): void {
  const ok = validate(pkg);
  expect(ok ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

/** xmllint --schema; fails clearly when libxml2-utils is missing. */
function xmllint(xml: string): { ok: boolean; output: string } {
  const which = spawnSync('xmllint', ['--version']);
  if (which.error) throw new Error('xmllint is not installed: install Debian/Ubuntu package libxml2-utils (npm test installs it)');
  const file = join(mkdtempSync(join(tmpdir(), 'pelekan-iati-')), 'iati.xml');
  writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.slice(0, 4000) };
}

interface Pkg {
  projects: Array<{
    id: string;
    budget?: { amount: { amount: number; currency: string } };
    milestones?: Array<{ id: string; status: string; value: { amount: number } }>;
    transactions?: Array<{ id: string; value: { amount: number }; relatedImplementationMilestone: { id: string } }>;
  }>;
}

/** Money invariants: met/partly met milestones have their transactions, transactions within the budget, ids unique. */
function checkInvariants(pkg: Pkg): { milestones: number; transactions: number } {
  const ids = new Set<string>();
  let milestones = 0;
  let transactions = 0;
  for (const p of pkg.projects) {
    const paid = new Map<string, bigint>();
    let total = 0n;
    for (const t of p.transactions ?? []) {
      expect([p.id, t.id, ids.has(`${p.id}/${t.id}`)]).toEqual([p.id, t.id, false]);
      ids.add(`${p.id}/${t.id}`);
      expect(Number.isSafeInteger(t.value.amount)).toBe(true);
      const id = t.relatedImplementationMilestone.id;
      paid.set(id, (paid.get(id) ?? 0n) + BigInt(t.value.amount));
      total += BigInt(t.value.amount);
      transactions++;
    }
    for (const m of p.milestones ?? []) {
      milestones++;
      const sum = paid.get(m.id) ?? 0n;
      if (m.status === 'met') expect([p.id, m.id, sum]).toEqual([p.id, m.id, BigInt(m.value.amount)]);
      if (m.status === 'partiallyMet') expect([p.id, m.id, sum > 0n && sum < BigInt(m.value.amount)]).toEqual([p.id, m.id, true]);
      if (m.status === 'scheduled' || m.status === 'notMet') expect([p.id, m.id, sum]).toEqual([p.id, m.id, 0n]);
    }
    if (p.budget) expect([p.id, total <= BigInt(p.budget.amount.amount)]).toEqual([p.id, true]);
    else expect([p.id, total]).toEqual([p.id, 0n]);
  }
  return { milestones, transactions };
}

describe('open data in the standards', () => {
  const validate = packageValidator();

  it('rejects a broken package: a milestone status outside the codelist', () => {
    const broken = {
      uri: 'https://example.org/p.json',
      publishedDate: '2025-01-01T00:00:00Z',
      version: '0.9',
      publisher: { name: 'x' },
      projects: [{ id: 'oc4ids-pelekan-1', milestones: [{ id: 'tranche-1', type: 'financing', status: 'released' }] }],
    };
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toContain('/projects/0/milestones/0/status');
    expect(xmllint('<iati-activities version="2.03"><iati-activity><title/></iati-activity></iati-activities>').ok).toBe(false);
  });

  describe('the demo data', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ demoData: true, worker: false });
    });
    afterAll(() => h?.close());

    it('publishes an OC4IDS package that validates and keeps the money invariants, per portfolio and per project', async () => {
      const answer = await h.http.get('/api/public/open-data/oc4ids.json');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const pkg = answer.body as Pkg & { version: string };
      expect(pkg.version).toBe('0.9');
      expectValid(validate, pkg);
      const counts = checkInvariants(pkg);
      const [{ n }] = await h.asOwner<{ n: number }>('SELECT count(*)::int AS n FROM projects WHERE NOT confidential');
      expect(pkg.projects).toHaveLength(n);
      console.log(`demo OC4IDS: ${pkg.projects.length} projects, ${counts.milestones} milestones, ${counts.transactions} transactions`);
      // 304 with the ETag
      const again = await h.http.request('GET', '/api/public/open-data/oc4ids.json', { headers: { 'if-none-match': answer.headers.get('etag')! } });
      expect(again.status).toBe(304);

      const [one] = await h.asOwner<{ id: string }>('SELECT id FROM projects WHERE NOT confidential ORDER BY code LIMIT 1');
      const single = await h.http.get(`/api/public/projects/${one.id}/oc4ids.json`);
      expect(single.status).toBe(200);
      expectValid(validate, single.body);
      expect(single.body.projects.map((p: { id: string }) => p.id)).toEqual([`oc4ids-pelekan-${one.id}`]);
      const secret = await h.asOwner<{ id: string }>('SELECT id FROM projects WHERE confidential LIMIT 1');
      expect(secret).toHaveLength(1); // the demo's one confidential project
      expect((await h.http.get(`/api/public/projects/${secret[0].id}/oc4ids.json`)).status).toBe(404);
    });

    it('publishes IATI activities that validate against the 2.03 XSD, a title with & < > " included', async () => {
      const [p] = await h.asOwner<{ id: string }>('SELECT id FROM projects WHERE NOT confidential ORDER BY code LIMIT 1');
      await h.asOwner(`UPDATE projects SET name_en = 'Roads & <bridges> "A" ''B''', name_fa = 'راه & <پل>' WHERE id = $1`, [p.id]);
      const answer = await h.http.get('/api/public/open-data/iati-activities.xml');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
      const xml = answer.body as string;
      expect(xml).toContain('Roads &amp; &lt;bridges&gt; &quot;A&quot; &apos;B&apos;');
      const lint = xmllint(xml);
      expect(lint.output).not.toMatch(/fails to validate|error/i);
      expect(lint.ok).toBe(true);
      const [{ n }] = await h.asOwner<{ n: number }>('SELECT count(*)::int AS n FROM projects WHERE NOT confidential');
      expect(xml.match(/<iati-activity /g)).toHaveLength(n);
      const [{ e }] = await h.asOwner<{ e: number }>('SELECT count(*)::int AS e FROM ledger_entries e JOIN projects p ON p.id = e.project_id WHERE NOT p.confidential');
      expect((xml.match(/<transaction-type code="3"\/>/g) ?? []).length).toBe(e);
    });
  });

  describe('a generated national-size portfolio', () => {
    let h: Harness;
    let size = '';
    const factor = Number(process.env.OPEN_STANDARDS_SCALE ?? '0.25');
    beforeAll(async () => {
      const db = await createTestDatabase();
      const pool = new Pool({ connectionString: db.ownerUrl });
      try {
        const gen = await generateNationalData(pool, scaled(factor));
        size = `${gen.projects} projects, ${gen.items} items, ${gen.tranches} tranches (scale ${factor})`;
      } finally {
        await pool.end();
      }
      h = await startHarness({ ownerUrl: db.ownerUrl, worker: false });
    }, 600_000);
    afterAll(() => h?.close());

    it('validates a sample of the OC4IDS package and every invariant over all of it', async () => {
      const started = Date.now();
      const answer = await h.http.get('/api/public/open-data/oc4ids.json');
      expect(answer.status).toBe(200);
      const pkg = answer.body as Pkg & Record<string, unknown>;
      const every = Math.max(1, Math.floor(pkg.projects.length / 300));
      const sample = { ...pkg, projects: pkg.projects.filter((_, i) => i % every === 0) };
      expectValid(validate, sample);
      const counts = checkInvariants(pkg);
      expect(counts.transactions).toBeGreaterThan(0);
      // The generated releases were paid as the release path pays (bench/src/generate.ts): the ledger's own rules hold.
      await assertLedgerInvariants(h);
      console.log(
        `generated OC4IDS: ${size}; package ${pkg.projects.length} projects, ${counts.milestones} milestones, ${counts.transactions} transactions; ` +
          `${sample.projects.length} validated by the schema; built and checked in ${Date.now() - started} ms`,
      );
    }, 600_000);

    it('validates the IATI activities of the whole portfolio', async () => {
      const answer = await h.http.get('/api/public/open-data/iati-activities.xml');
      expect(answer.status).toBe(200);
      const lint = xmllint(answer.body as string);
      expect(lint.output).not.toMatch(/fails to validate/);
      expect(lint.ok).toBe(true);
    }, 600_000);
  });
});
