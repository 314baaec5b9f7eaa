/**
 * The report's worked example, end to end through HTTP on real Temporal and PostgreSQL:
 * items 1→3 and 2→4; tranche 2 funds 3 and 4 and opens only when 1 and 2 are 100% verified.
 */
import { declare, demoProject } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { recordHistory } from './support/histories';
import { eventually } from './support/http';

describe('release engine: the worked example', () => {
  let h: Harness;
  let demo: Awaited<ReturnType<typeof demoProject>>;
  const trancheState = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    demo = await demoProject(h.http);
  });
  afterAll(() => h?.close());

  it('opens tranche 1 at once (nothing precedes items 1 and 2) and keeps tranche 2 waiting on 1 and 2', async () => {
    const t1 = await eventually(() => trancheState(demo.tranche(1)), (t) => t.state === 'awaiting_approval');
    expect(t1.gate).toEqual([]);
    const t2 = await trancheState(demo.tranche(2));
    expect(t2.state).toBe('waiting_on_items');
    expect(t2.gate.map((g: any) => g.code)).toEqual(['1', '2']);
    expect(t2.waitsOn).toEqual([
      expect.objectContaining({ kind: 'declaration', item: expect.objectContaining({ code: '1' }) }),
      expect.objectContaining({ kind: 'declaration', item: expect.objectContaining({ code: '2' }) }),
    ]);
  });

  it('walks tranche 2 from waiting to released, exactly as the action chain says', async () => {
    const d1 = await declare(h.http, 'agency.demo', demo.item('1'), 100);
    const d2 = await declare(h.http, 'agency.demo', demo.item('2'), 100);

    // Declared is not verified: the tranche now waits on the committee, item by item.
    const declared = await trancheState(demo.tranche(2));
    expect(declared.waitsOn.map((w: any) => [w.kind, w.item.code])).toEqual([
      ['verification', '1'],
      ['verification', '2'],
    ]);

    const v1 = await h.http.as('committee.mict').post(`/api/declarations/${d1.id}/decision`, { decision: 'accept' });
    expect(v1.status).toBe(201);
    expect(v1.body.decision).toMatchObject({ outcome: 'accepted', verifiedPercent: 100 });

    // Only item 1 is verified: the workflow re-checks the gate on the signal and keeps waiting.
    await new Promise((r) => setTimeout(r, 1500));
    const halfway = await trancheState(demo.tranche(2));
    expect(halfway.state).toBe('waiting_on_items');
    expect(halfway.waitsOn.map((w: any) => w.item.code)).toEqual(['2']);

    const v2 = await h.http.as('committee.mict').post(`/api/declarations/${d2.id}/decision`, { decision: 'accept' });
    expect(v2.status).toBe(201);
    const awaiting = await eventually(() => trancheState(demo.tranche(2)), (t) => t.state === 'awaiting_approval');
    expect(awaiting.waitsOn).toEqual([{ kind: 'pbo_decision', excludedApprover: awaiting.createdBy }]);

    // Four eyes: the officer who created the tranche may not approve it.
    const byCreator = await h.http.as('pbo.officer1').post(`/api/tranches/${demo.tranche(2)}/decision`, { action: 'approve' });
    expect(byCreator.status).toBe(403);
    expect(byCreator.body.code).toBe('four_eyes');

    const approved = await h.http.as('pbo.officer2').post(`/api/tranches/${demo.tranche(2)}/decision`, { action: 'approve' });
    expect(approved.status).toBe(201);

    const released = await eventually(() => trancheState(demo.tranche(2)), (t) => t.state === 'released');
    expect(released.ledgerEntry).toMatchObject({ amountRials: '50000000000' });
    expect(released.history.map((e: any) => e.toState)).toEqual([
      'waiting_on_items',
      'awaiting_approval',
      'approved',
      'released',
    ]);
    const approval = released.history.find((e: any) => e.toState === 'approved');
    expect(approval.actor).toMatchObject({ username: 'pbo.officer2' });

    const entries = await h.http.as('pbo.officer1').get(`/api/ledger/entries?projectId=${demo.projectId}`);
    expect(entries.body).toEqual({ items: [expect.anything()], next: null });
    expect(entries.body.items[0].postings).toEqual([
      expect.objectContaining({ kind: 'treasury', debitRials: '50000000000', creditRials: '0' }),
      expect.objectContaining({ kind: 'agency', debitRials: '0', creditRials: '50000000000' }),
    ]);

    const balances = await h.http.as('agency.demo').get('/api/ledger/balances');
    expect(balances.body).toEqual([expect.objectContaining({ kind: 'agency', balanceRials: '50000000000' })]);
    const all = await h.http.as('pbo.officer2').get('/api/ledger/balances');
    expect(all.body.find((a: any) => a.kind === 'treasury').balanceRials).toBe('-50000000000');
    await recordHistory(h, demo.tranche(2), 'worked-example-released');
  });

  it('holds a tranche with a reason, then rejects it: no money moves', async () => {
    const id = demo.tranche(1);
    const noReason = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'hold' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', reason: 'a reason is required to hold a tranche' }]);

    const held = await h.http.as('pbo.officer1').post(`/api/tranches/${id}/decision`, { action: 'hold', reason: 'waiting for the audit report' });
    expect(held.status).toBe(201);
    expect(held.body.state).toBe('held');
    const rejected = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'reject', reason: 'the audit found the scope changed' });
    expect(rejected.status).toBe(201);
    const final = await eventually(() => trancheState(id), (t) => t.state === 'rejected');
    expect(final.history.slice(-2).map((e: any) => [e.toState, e.actor.username, e.reason])).toEqual([
      ['held', 'pbo.officer1', 'waiting for the audit report'],
      ['rejected', 'pbo.officer2', 'the audit found the scope changed'],
    ]);
    expect(final.ledgerEntry).toBeNull();
    const entries = await h.http.as('pbo.officer1').get(`/api/ledger/entries?projectId=${demo.projectId}`);
    expect(entries.body.items.map((e: any) => e.trancheId)).toEqual([demo.tranche(2)]);
    await recordHistory(h, id, 'held-then-rejected');
  });

  it('reports verified and declared progress apart, per agency and against the plan', async () => {
    const progress = await h.http.as('agency.demo').get(`/api/projects/${demo.projectId}/progress?at=2025-12-01T00:00:00Z`);
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ verifiedPercent: 50, declaredPercent: 50, itemCount: 4 });
    expect(progress.body.plannedPercent).toBeGreaterThan(50);
    expect(progress.body.byAgency).toEqual([
      expect.objectContaining({ weight: 100, verifiedPercent: 50, verifiedContribution: 50 }),
    ]);
  });

  it('refuses a second decision on a released tranche', async () => {
    const again = await h.http.as('pbo.officer2').post(`/api/tranches/${demo.tranche(2)}/decision`, { action: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('not_awaiting_decision');
  });
});
