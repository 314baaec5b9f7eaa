/**
 * Verification you can trust (issue 13), over HTTP on real Temporal and PostgreSQL: a published sample
 * recomputed by the documented script and by this test from the formula alone; a selected declaration
 * holding its tranche's gate until its field check confirms it; a discrepancy closing a gate and
 * raising the agency's next probability; who may field-check; appeals in and out of time, by whom, and
 * an overturn that opens a gate and moves the tranche.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { EscalationSweep } from '@pelekan/modules';
import { declare } from './support/demo';
import { createUser, orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';
import { assertLedgerInvariants } from './support/ledger-invariants';

const run = promisify(execFile);

/** u and the selection from the formula alone (not the project's code): SHA-256, first 8 bytes, / 2^64; u < p. */
function recompute(seed: string, declarationId: string, p: string): { draw: string; selected: boolean } {
  const draw = BigInt(`0x${createHash('sha256').update(`${seed}:${declarationId}`).digest('hex').slice(0, 16)}`);
  const [whole, fraction = ''] = p.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole) * scale + BigInt(fraction || '0');
  return { draw: String(draw), selected: draw * scale < numerator * (1n << 64n) };
}

describe('verification you can trust', () => {
  let h: Harness;
  let agency: string;
  let insiderOrg: string;
  /** Samples may not overlap: each one covers the acceptances since the previous one. */
  let lastTo = new Date('2020-01-01T00:00:00Z');

  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
  const until = (id: string, test: (t: any) => boolean) => eventually(() => tranche(id), test, 30_000);
  const item = async (id: string) => (await h.db.query('SELECT verified_percent AS p FROM action_items WHERE id = $1', [id]))[0].p as number;
  const accept = async (itemId: string, percent: number, member = 'committee.mict') => {
    const d = await declare(h.http, 'agency.demo', itemId, percent);
    const decided = await h.http.as(member).post(`/api/declarations/${d.id}/decision`, { decision: 'accept' });
    expect(decided.status).toBe(201);
    return d.id as string;
  };
  const openSample = async (seed: string, baseRate: number, alwaysAboveRials: string) => {
    const periodTo = new Date();
    const opened = await h.http.as('admin').post('/api/verification-samples', {
      periodFrom: lastTo.toISOString(),
      periodTo: periodTo.toISOString(),
      seed,
      baseRate,
      alwaysAboveRials,
    });
    expect([opened.status, opened.body.code]).toEqual([201, undefined]);
    lastTo = periodTo;
    return opened.body;
  };
  /** A project whose tranche funds B and is gated by A (A → B): verifying A opens the gate. */
  const withTranche = async (code: string, amountRials = '1000') => {
    const p = await projectWithPlan(
      h.http,
      code,
      agency,
      { items: [{ code: 'A', weight: 50, budgetRials: amountRials }, { code: 'B', weight: 50, budgetRials: amountRials }], links: [{ from: 'A', to: 'B' }] },
      { collaboratingAgencyIds: [insiderOrg] },
    );
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('B')], amountRials });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('waiting_on_items');
    return { ...p, itemId: p.item('A'), trancheId: created.body.id as string };
  };

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    agency = await orgId(h.http, 'demo-agency');
    const mict = (await h.db.query(`SELECT organization_id AS id FROM users WHERE username = 'committee.mict'`))[0].id;
    await createUser(h.http, 'committee.mict2', 'committee', mict);
    // A member of the PBO's organization: a party to the projects below that take the PBO as a collaborator.
    insiderOrg = (await h.db.query(`SELECT id FROM organizations WHERE name_en = 'Plan and Budget Organization'`))[0].id;
    await createUser(h.http, 'committee.insider', 'committee', insiderOrg);
  });
  afterAll(() => h?.close());

  it('refuses a bad sample with 400 naming the field', async () => {
    const now = new Date();
    const base = { periodFrom: '2021-01-01T00:00:00Z', periodTo: now.toISOString(), seed: 'x', baseRate: 0.1, alwaysAboveRials: '1000' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ baseRate: 1.5 }, 'baseRate'],
      [{ baseRate: 0.1234567 }, 'baseRate'],
      [{ periodTo: new Date(now.getTime() + 86_400_000).toISOString() }, 'periodTo'],
      [{ periodTo: '2020-06-01T00:00:00Z' }, 'periodTo'],
      [{ alwaysAboveRials: '1.5' }, 'alwaysAboveRials'],
      [{ seed: '' }, 'seed'],
      [{ periodFrom: 'last month' }, 'periodFrom'],
    ];
    for (const [change, field] of cases) {
      const answer = await h.http.as('admin').post('/api/verification-samples', { ...base, ...change });
      expect([JSON.stringify(change), answer.status]).toEqual([JSON.stringify(change), 400]);
      expect(answer.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect((await h.http.as('committee.mict').post('/api/verification-samples', base)).status).toBe(403);
  });

  it('publishes a sample that the documented script and the bare formula both recompute', async () => {
    const p = await projectWithPlan(h.http, 'VT-POP', agency, {
      items: ['A', 'B', 'C', 'D', 'E', 'F'].map((code, n) => ({ code, weight: n < 2 ? 20 : 15, budgetRials: '100' })),
      links: [],
    });
    for (const code of ['A', 'B', 'C', 'D', 'E', 'F']) await accept(p.item(code), 50);
    const opened = await openSample('dice 3-5-1-6 at the meeting of 12 Azar', 0.5, '999999999999');
    const published = (await h.http.get(`/api/public/verification-samples/${opened.id}`)).body;
    expect(published).toMatchObject({ seed: 'dice 3-5-1-6 at the meeting of 12 Azar', baseRate: '0.5', population: 6, formula: expect.stringContaining('SHA-256') });
    expect(published.draws).toHaveLength(6);
    for (const d of published.draws) {
      expect(d).toMatchObject({ basis: 'agency_risk', agencyDiscrepancies: 0, p: '0.5' });
      expect({ id: d.declarationId, ...recompute(published.seed, d.declarationId, d.p) }).toEqual({ id: d.declarationId, draw: d.draw, selected: d.selected });
    }
    expect(published.selected).toBe(published.draws.filter((d: any) => d.selected).length);

    const dir = mkdtempSync(join(tmpdir(), 'pelekan-sample-'));
    writeFileSync(join(dir, 'sample.json'), JSON.stringify(published));
    const script = await run('node', ['dist/apps/api/src/cli.js', 'verify-sample', join(dir, 'sample.json')]);
    expect(script.stdout).toContain('sample ok');
    const steered = { ...published, draws: published.draws.map((d: any, n: number) => (n === 0 ? { ...d, selected: !d.selected } : d)) };
    writeFileSync(join(dir, 'steered.json'), JSON.stringify(steered));
    const refused = await run('node', ['dist/apps/api/src/cli.js', 'verify-sample', join(dir, 'steered.json')]).catch((e) => e);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(published.draws[0].declarationId);

    const listed = (await h.http.get('/api/public/verification-samples')).body;
    expect(listed.map((s: any) => s.id)).toContain(opened.id);
    const overlap = await h.http.as('admin').post('/api/verification-samples', { periodFrom: '2021-01-01T00:00:00Z', periodTo: lastTo.toISOString(), seed: 'again', baseRate: 1, alwaysAboveRials: '0' });
    expect([overlap.status, overlap.body.code]).toEqual([409, 'sample_period_overlaps']);
  });

  it('holds a selected declaration out of its gate until an independent field check confirms it', async () => {
    const t = await withTranche('VT-HOLD');
    const declarationId = await accept(t.itemId, 100);
    await until(t.trancheId, (x) => x.state === 'awaiting_approval');
    const sample = await openSample('hold', 0, '1000');
    const draw = (await h.http.get(`/api/public/verification-samples/${sample.id}`)).body.draws.find((d: any) => d.declarationId === declarationId);
    expect(draw).toMatchObject({ basis: 'tranche_at_or_above', p: '1', selected: true });
    expect(await item(t.itemId)).toBe(0);
    await until(t.trancheId, (x) => x.state === 'waiting_on_items');
    const early = await h.http.as('pbo.officer2').post(`/api/tranches/${t.trancheId}/decision`, { action: 'approve' });
    expect(early.status).toBe(409);

    const due = (await h.http.as('committee.arao').get('/api/field-checks/due')).body.items.find((d: any) => d.declarationId === declarationId);
    expect(due).toMatchObject({ acceptedPercent: 100, mayCheck: true, whyNot: null, acceptedByName: 'Committee member (Ministry of ICT)' });
    const sameOrg = await h.http.as('committee.mict2').post(`/api/declarations/${declarationId}/field-check`, { outcome: 'confirmed', reason: 'seen' });
    expect([sameOrg.status, sameOrg.body.code]).toEqual([403, 'same_organization']);
    const insider = await h.http.as('committee.insider').post(`/api/declarations/${declarationId}/field-check`, { outcome: 'confirmed', reason: 'seen' });
    expect([insider.status, insider.body.code]).toEqual([403, 'conflict_of_interest']);
    const dueTo = async (member: string) => (await h.http.as(member).get('/api/field-checks/due')).body.items.find((d: any) => d.declarationId === declarationId);
    expect(await dueTo('committee.mict2')).toMatchObject({ mayCheck: false, whyNot: 'same_organization' });
    expect(await dueTo('committee.insider')).toMatchObject({ mayCheck: false, whyNot: 'conflict_of_interest' });
    const bad = await h.http.as('committee.arao').post(`/api/declarations/${declarationId}/field-check`, { outcome: 'discrepancy', reason: 'x' });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'verifiedPercent']);

    const photo = await h.http.as('committee.arao').upload('/api/evidence', 'site-visit.pdf', Buffer.from('%PDF-1.4\n% site visit\n%%EOF\n'));
    expect(photo.status).toBe(201);
    const confirmed = await h.http
      .as('committee.arao')
      .post(`/api/declarations/${declarationId}/field-check`, { outcome: 'confirmed', reason: 'built as declared', evidenceIds: [photo.body.id] });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({ outcome: 'confirmed', verifiedPercent: 100, itemVerifiedPercent: 100, evidenceIds: [photo.body.id] });
    const again = await h.http.as('committee.arao').post(`/api/declarations/${declarationId}/field-check`, { outcome: 'confirmed', reason: 'twice' });
    expect([again.status, again.body.code]).toEqual([409, 'already_checked']);
    await until(t.trancheId, (x) => x.state === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${t.trancheId}/decision`, { action: 'approve' })).status).toBe(201);
    await until(t.trancheId, (x) => x.state === 'released');
    await assertLedgerInvariants(h);

    const unselected = await accept((await withTranche('VT-NOTSEL')).itemId, 30);
    const notSelected = await h.http.as('committee.arao').post(`/api/declarations/${unselected}/field-check`, { outcome: 'confirmed', reason: 'x' });
    expect([notSelected.status, notSelected.body.code]).toEqual([409, 'not_selected']);
  });

  it('lowers progress and closes the gate on a discrepancy, and raises the agency’s next probability', async () => {
    const t = await withTranche('VT-DISC');
    const declarationId = await accept(t.itemId, 100);
    await until(t.trancheId, (x) => x.state === 'awaiting_approval');
    await openSample('discrepancy', 0, '1');
    await until(t.trancheId, (x) => x.state === 'waiting_on_items');
    const found = await h.http
      .as('committee.arao')
      .post(`/api/declarations/${declarationId}/field-check`, { outcome: 'discrepancy', verifiedPercent: 40, reason: 'the servers are not installed' });
    expect(found.body).toMatchObject({ outcome: 'discrepancy', verifiedPercent: 40, itemVerifiedPercent: 40 });
    expect(await item(t.itemId)).toBe(40);
    // The gate, read from the database by the approval itself, stays closed at 40 %: no approval can pay it.
    const refused = await h.http.as('pbo.officer2').post(`/api/tranches/${t.trancheId}/decision`, { action: 'approve' });
    expect(refused.status).toBe(409);
    expect((await tranche(t.trancheId)).state).toBe('waiting_on_items');

    const rates = (await h.http.get('/api/public/discrepancy-rates')).body;
    const demo = rates.byAgency.find((a: any) => a.organizationId === agency);
    expect(demo).toMatchObject({ discrepancies: 1 });
    expect(demo.rate).toBeCloseTo(demo.discrepancies / demo.checks);
    const mict = rates.byMember.find((m: any) => m.displayName.includes('Ministry of ICT'));
    expect(mict).toMatchObject({ discrepancies: 1 });
    expect((await h.http.as('committee.arao').get('/api/verification/discrepancy-rates')).body.byAgency).toEqual(rates.byAgency);

    const next = await withTranche('VT-NEXT', '50');
    const nextDeclaration = await accept(next.itemId, 20);
    const sample = await openSample('next month', 0.1, '1000000');
    const draw = (await h.http.get(`/api/public/verification-samples/${sample.id}`)).body.draws.find((d: any) => d.declarationId === nextDeclaration);
    expect(draw).toMatchObject({ basis: 'agency_risk', agencyDiscrepancies: 1, p: '0.2' });
  });

  it('hears an appeal: in time, once, with evidence the committee had, decided by another member', async () => {
    const t = await withTranche('VT-APPEAL');
    const d = await declare(h.http, 'agency.demo', t.itemId, 100);
    const late = await h.http.as('agency.demo').upload('/api/evidence', 'later.pdf', Buffer.from('%PDF-1.4\n% later\n%%EOF\n'));
    const rejected = await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'reject', reason: 'photos unclear' });
    const decisionId = rejected.body.decision.id;
    expect(rejected.body.decision.appealableUntil).toEqual(expect.any(String));
    const after = await h.http.as('agency.demo').upload('/api/evidence', 'after.pdf', Buffer.from('%PDF-1.4\n% after\n%%EOF\n'));

    const tooNew = await h.http.as('agency.demo').post(`/api/verification-decisions/${decisionId}/appeal`, { reason: 'see', evidenceIds: [after.body.id] });
    expect([tooNew.status, tooNew.body.errors?.[0]?.field]).toEqual([400, 'evidenceIds']);
    const byCommittee = await h.http.as('committee.arao').post(`/api/verification-decisions/${decisionId}/appeal`, { reason: 'x' });
    expect(byCommittee.status).toBe(403);
    const appeal = await h.http
      .as('agency.demo')
      .post(`/api/verification-decisions/${decisionId}/appeal`, { reason: 'the photos show the racks installed', evidenceIds: [d.evidence[0].id, late.body.id] });
    expect(appeal.status).toBe(201);
    expect(appeal.body).toMatchObject({ status: 'pending', decisionOutcome: 'rejected', declaredPercent: 100 });
    const twice = await h.http.as('agency.demo').post(`/api/verification-decisions/${decisionId}/appeal`, { reason: 'again' });
    expect([twice.status, twice.body.code]).toEqual([409, 'already_appealed']);

    const byDecider = await h.http.as('committee.mict').post(`/api/appeals/${appeal.body.id}/decision`, { action: 'overturn', reason: 'I was wrong' });
    expect([byDecider.status, byDecider.body.code]).toEqual([403, 'original_decider']);
    const byInsider = await h.http.as('committee.insider').post(`/api/appeals/${appeal.body.id}/decision`, { action: 'overturn', reason: 'ours' });
    expect([byInsider.status, byInsider.body.code]).toEqual([403, 'conflict_of_interest']);
    const queue = (await h.http.as('committee.arao').get('/api/appeals?status=pending')).body.items;
    expect(queue.find((a: any) => a.id === appeal.body.id)).toMatchObject({ mayDecide: true });

    expect((await tranche(t.trancheId)).state).toBe('waiting_on_items');
    const overturned = await h.http.as('committee.arao').post(`/api/appeals/${appeal.body.id}/decision`, { action: 'overturn', verifiedPercent: 100, reason: 'the photos suffice' });
    expect(overturned.status).toBe(201);
    expect(overturned.body).toMatchObject({ status: 'overturned', verifiedPercent: 100 });
    expect(await item(t.itemId)).toBe(100);
    await until(t.trancheId, (x) => x.state === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${t.trancheId}/decision`, { action: 'approve' })).status).toBe(201);
    await until(t.trancheId, (x) => x.state === 'released');
    const final = await h.http.as('committee.mict2').post(`/api/appeals/${appeal.body.id}/decision`, { action: 'uphold', reason: 'no' });
    expect([final.status, final.body.code]).toEqual([409, 'appeal_decided']);
    const shown = (await h.http.as('agency.demo').get(`/api/declarations/${d.id}`)).body.decision;
    expect(shown).toMatchObject({ appeal: { id: appeal.body.id, status: 'overturned' }, appealableUntil: null });
    await assertLedgerInvariants(h);
  });

  it('refuses an appeal out of time, and of an acceptance in full', async () => {
    const t = await withTranche('VT-LATE');
    const d = await declare(h.http, 'agency.demo', t.itemId, 80);
    const lower = await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'accept_lower', verifiedPercent: 50, reason: 'half' });
    await h.db.query(`UPDATE verification_decisions SET decided_at = now() - interval '11 days' WHERE id = $1`, [lower.body.decision.id]);
    const late = await h.http.as('agency.demo').post(`/api/verification-decisions/${lower.body.decision.id}/appeal`, { reason: 'too late' });
    expect([late.status, late.body.code]).toEqual([409, 'appeal_window_closed']);
    const full = await accept((await withTranche('VT-FULL')).itemId, 60);
    const fullDecision = (await h.http.as('agency.demo').get(`/api/declarations/${full}`)).body.decision;
    expect(fullDecision.appealableUntil).toBeNull();
    const notAppealable = await h.http.as('agency.demo').post(`/api/verification-decisions/${fullDecision.id}/appeal`, { reason: 'more' });
    expect([notAppealable.status, notAppealable.body.code]).toEqual([409, 'not_appealable']);
  });

  it('escalates an appeal left undecided past its deadline to the committee, and resolves it once decided', async () => {
    const t = await withTranche('VT-DEADLINE');
    const d = await declare(h.http, 'agency.demo', t.itemId, 90);
    const lower = await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'accept_lower', verifiedPercent: 60, reason: 'two sites missing' });
    const appeal = await h.http.as('agency.demo').post(`/api/verification-decisions/${lower.body.decision.id}/appeal`, { reason: 'both sites are live' });
    expect(appeal.status).toBe(201);
    const filedAt = new Date(appeal.body.filedAt).getTime();
    expect(new Date(appeal.body.deadlineAt).getTime() - filedAt).toBe(30 * 86_400_000);
    const sweep = () => h.app.get(EscalationSweep).run({ runKey: `appeal-deadline-${randomUUID()}`, at: new Date().toISOString() });
    const caseOfAppeal = async (status: string) =>
      (await h.http.as('committee.arao').get(`/api/committee/stage-cases?status=${status}`)).body.items.find((c: any) => c.stage === 'appeal_decided' && c.subjectId === appeal.body.id);

    await sweep();
    expect(await caseOfAppeal('live')).toBeUndefined();
    await h.asOwner(`UPDATE verification_appeals SET filed_at = filed_at - interval '31 days', deadline_at = deadline_at - interval '31 days' WHERE id = $1`, [appeal.body.id]);
    await sweep();
    expect(await caseOfAppeal('live')).toEqual(expect.objectContaining({ owner: 'committee', level: 3, itemId: t.itemId }));

    const upheld = await h.http.as('committee.arao').post(`/api/appeals/${appeal.body.id}/decision`, { action: 'uphold', reason: 'the second site is not live' });
    expect(upheld.body).toMatchObject({ status: 'upheld', verifiedPercent: null });
    expect(await item(t.itemId)).toBe(60);
    await sweep();
    expect(await caseOfAppeal('live')).toBeUndefined();
    expect(await caseOfAppeal('resolved')).toEqual(expect.objectContaining({ resolvedAt: expect.any(String) }));
  });
});
