/**
 * The money path, tried as a hostile user would: every way around the gate, four eyes or the
 * independence of the committee that was open before, over HTTP (and over the Temporal client for a
 * decision sent straight to the workflow), against real PostgreSQL and Temporal.
 */
import { Client, Connection } from '@temporalio/client';
import { declare } from './support/demo';
import { createUser, orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

const ARAO = 'administrative-and-recruitment-affairs-organization';
const MICT = 'ministry-of-ict';
const DEMO = 'demo-agency';

describe('side doors around the gate', () => {
  let h: Harness;
  let org: Record<string, string>;
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
  const verify = async (itemId: string, user = 'agency.demo', member = 'committee.mict') => {
    const declaration = await declare(h.http, user, itemId, 100);
    const decided = await h.http.as(member).post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
    expect(decided.status).toBe(201);
  };

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    org = { arao: await orgId(h.http, ARAO), mict: await orgId(h.http, MICT), demo: await orgId(h.http, DEMO) };
    await createUser(h.http, 'agency.arao', 'agency', org.arao);
  });
  afterAll(() => h?.close());

  describe('1. an agency opening its own gate', () => {
    it('refuses removing a prerequisite that gates an open tranche (409 naming it), and records every gate change', async () => {
      const p = await projectWithPlan(h.http, 'SD-P', org.demo, { items: [{ code: 'X', weight: 100, budgetRials: '1000' }], links: [] });
      const q = await projectWithPlan(h.http, 'SD-Q', org.arao, { items: [{ code: 'A', weight: 100, budgetRials: '1000' }], links: [] });
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
      expect(created.status).toBe(201);
      const id = created.body.id;

      const linked = await h.http.as('agency.demo').post(`/api/items/${p.item('X')}/prerequisites`, { requiredItemId: q.item('A') });
      expect(linked.status).toBe(201);
      await eventually(() => tranche(id), (t) => t.state === 'waiting_on_items' && t.gate.map((g: any) => g.code).join() === 'A');

      const removed = await h.http.request('DELETE', `/api/items/${p.item('X')}/prerequisites/${q.item('A')}`, {
        token: await h.http.login('agency.demo'),
      });
      expect(removed.status).toBe(409);
      expect(removed.body.code).toBe('gate_in_use');
      expect(removed.body.message).toContain('tranche 1 of SD-P');

      const after = await tranche(id);
      expect(after.state).toBe('waiting_on_items');
      expect(after.gate.map((g: any) => g.code)).toEqual(['A']);
      expect(after.gateChanges).toEqual([
        expect.objectContaining({
          cause: 'prerequisite_added',
          actor: expect.objectContaining({ username: 'agency.demo' }),
          added: [expect.objectContaining({ code: 'A', projectCode: 'SD-Q' })],
          removed: [],
        }),
      ]);
      const prerequisites = (await h.http.as('agency.demo').get(`/api/items/${p.item('X')}/prerequisites`)).body;
      expect(prerequisites.requires.map((r: any) => r.code)).toEqual(['A']);
    });
  });

  describe('2. a conflicted committee member lifting a hold', () => {
    it("refuses ARAO's member lifting a hold on an ARAO-led project; an independent member lifts it", async () => {
      const p = await projectWithPlan(h.http, 'SD-HOLD', org.arao, { items: [{ code: 'A', weight: 100, budgetRials: '100' }], links: [] });
      const [kase] = await h.db.query(
        `INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at)
         VALUES ($1, $2, 'overdue', 'agency', 3, now(), now()) RETURNING id`,
        [p.item('A'), p.projectId],
      );
      const held = await h.http.as('committee.mict').post(`/api/escalations/${kase.id}/decision`, { action: 'hold_tranches', reason: 'a year late' });
      expect(held.status).toBe(200);
      const holdId = held.body.holds[0].id;

      const conflicted = await h.http.as('committee.arao').post(`/api/holds/${holdId}/lift`, { reason: 'we are fine' });
      expect(conflicted.status).toBe(403);
      expect(conflicted.body.code).toBe('conflict_of_interest');
      expect(conflicted.body.details.organizations).toEqual([
        expect.objectContaining({ code: ARAO, roles: ['item_owner', 'lead_agency'] }),
      ]);
      const byAdmin = await h.http.as('admin').post(`/api/holds/${holdId}/lift`, { reason: 'admin override' });
      expect(byAdmin.status).toBe(403);
      expect((await h.db.query('SELECT lifted_at FROM tranche_holds WHERE id = $1', [holdId]))[0].lifted_at).toBeNull();

      const independent = await h.http.as('committee.mict').post(`/api/holds/${holdId}/lift`, { reason: 'new contractor signed' });
      expect(independent.status).toBe(200);
      expect(independent.body.lifted).toBe(true);
    });
  });

  describe('3. a plan revision approved by the owner of what it retires', () => {
    it('refuses a member of the collaborator owning the retired gating item; an independent approval shrinks the gate, recorded', async () => {
      const p = await projectWithPlan(
        h.http,
        'SD-REV',
        org.demo,
        {
          items: [
            { code: 'X', weight: 60, budgetRials: '600' },
            { code: 'Y', weight: 40, budgetRials: '400', ownerAgencyId: org.arao },
          ],
          links: [{ from: 'Y', to: 'X' }],
        },
        { collaboratingAgencyIds: [org.arao] },
      );
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
      expect(created.body.gate.map((g: any) => g.code)).toEqual(['Y']);
      expect(created.body.allocations).toEqual([expect.objectContaining({ code: DEMO, amountRials: '600' })]);

      const dates = { plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' };
      // The owner of a funded item cannot change while its tranche is open.
      const redirect = await h.http.as('agency.demo').post(`/api/projects/${p.projectId}/plan-revisions`, {
        reason: 'hand X to ARAO',
        items: [
          { code: 'X', titleFa: 'x', titleEn: 'Item X', weight: 60, budgetRials: '600', ownerAgencyId: org.arao, ...dates },
          { code: 'Y', titleFa: 'y', titleEn: 'Item Y', weight: 40, budgetRials: '400', ownerAgencyId: org.arao, ...dates },
        ],
        links: [{ from: 'Y', to: 'X' }],
      });
      expect(redirect.status).toBe(400);
      expect(redirect.body.errors[0].reason).toContain('owner agency cannot change');

      const proposed = await h.http.as('agency.demo').post(`/api/projects/${p.projectId}/plan-revisions`, {
        reason: 'Y is no longer needed',
        items: [{ code: 'X', titleFa: 'x', titleEn: 'Item X', weight: 100, budgetRials: '600', ...dates }],
        links: [],
      });
      expect(proposed.status).toBe(201);

      const byOwner = await h.http.as('committee.arao').post(`/api/plan-revisions/${proposed.body.id}/decision`, { action: 'approve', reason: 'fine by us' });
      expect(byOwner.status).toBe(403);
      expect(byOwner.body.code).toBe('conflict_of_interest');
      expect(byOwner.body.details.organizations).toEqual([
        expect.objectContaining({ code: ARAO, roles: ['collaborating_agency', 'item_owner'] }),
      ]);
      expect((await tranche(created.body.id)).gate.map((g: any) => g.code)).toEqual(['Y']);

      const independent = await h.http.as('committee.mict').post(`/api/plan-revisions/${proposed.body.id}/decision`, { action: 'approve', reason: 'sound' });
      expect(independent.status).toBe(200);
      const after = await eventually(() => tranche(created.body.id), (t) => t.state === 'awaiting_approval');
      expect(after.gate).toEqual([]);
      expect(after.gateChanges).toEqual([
        expect.objectContaining({
          cause: 'plan_revision',
          causeId: proposed.body.id,
          actor: expect.objectContaining({ username: 'committee.mict' }),
          removed: [expect.objectContaining({ code: 'Y' })],
        }),
      ]);
    });

    it('refuses a revision that would leave the funded items below what an open tranche commits', async () => {
      const p = await projectWithPlan(h.http, 'SD-BUD', org.demo, { items: [{ code: 'X', weight: 100, budgetRials: '600' }], links: [] });
      await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
      const answer = await h.http.as('agency.demo').post(`/api/projects/${p.projectId}/plan-revisions`, {
        reason: 'cut X',
        items: [{ code: 'X', titleFa: 'x', titleEn: 'Item X', weight: 100, budgetRials: '599', plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' }],
        links: [],
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].reason).toContain('cannot fall below');
    });
  });

  describe('4. Temporal as a side door to the ledger', () => {
    let temporal: Client;
    let connection: Connection;
    const userId = async (username: string) => (await h.db.query('SELECT id FROM users WHERE username = $1', [username]))[0].id as string;
    const entries = async (trancheId: string) => (await h.db.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [trancheId])).length;

    beforeAll(async () => {
      connection = await Connection.connect({ address: h.env.TEMPORAL_ADDRESS });
      temporal = new Client({ connection, namespace: h.env.TEMPORAL_NAMESPACE });
    });
    afterAll(() => connection?.close());

    it('pays nothing for an approval sent straight to the workflow, whoever it names; the API approval then pays once', async () => {
      const p = await projectWithPlan(h.http, 'SD-TMP', org.demo, { items: [{ code: 'X', weight: 100, budgetRials: '500' }], links: [] });
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
      const id = created.body.id;
      await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
      const handle = temporal.workflow.getHandle(`tranche-${id}`);

      // An agency user named as the approver.
      await handle.executeUpdate('decide', { args: [{ action: 'approve', actorId: await userId('agency.demo') }] });
      let seen = await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval' && t.history.length >= 4);
      expect(seen.history.map((e: any) => e.reason ?? '').join(' | ')).toContain('not an active PBO officer');
      expect(await entries(id)).toBe(0);

      // A real PBO officer other than the creator, but no approval of theirs went through the API.
      await handle.executeUpdate('decide', { args: [{ action: 'approve', actorId: await userId('pbo.officer2') }] });
      seen = await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval' && t.history.length >= 6);
      expect(seen.history.map((e: any) => e.reason ?? '').join(' | ')).toContain('no approval by this officer was recorded through the API');
      expect(await entries(id)).toBe(0);

      // The creator, named by a forged message, is refused by the four-eyes check in the workflow already.
      await expect(handle.executeUpdate('decide', { args: [{ action: 'approve', actorId: await userId('pbo.officer1') }] })).rejects.toThrow();

      const approved = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' });
      expect(approved.status).toBe(201);
      await eventually(() => tranche(id), (t) => t.state === 'released');
      expect(await entries(id)).toBe(1);
    });

    it('refuses, in the database itself, a ledger entry approved by the creator, by a non-PBO user or without a recorded approval', async () => {
      const p = await projectWithPlan(h.http, 'SD-DB', org.demo, { items: [{ code: 'X', weight: 100, budgetRials: '500' }], links: [] });
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
      const insert = (approver: string) =>
        h.db.query(
          `INSERT INTO ledger_entries (business_key, tranche_id, project_id, amount_rials, approved_by) VALUES ($1, $2, $3, 500, $4)`,
          [`forged:${approver}`, created.body.id, p.projectId, approver],
        );
      await expect(insert(await userId('pbo.officer1'))).rejects.toThrow(/four eyes/);
      await expect(insert(await userId('agency.demo'))).rejects.toThrow(/active PBO officer/);
      await expect(insert(await userId('pbo.officer2'))).rejects.toThrow(/no approval/);
      expect(await entries(created.body.id)).toBe(0);
    });
  });

  describe('verification of what an agency collaborates on', () => {
    it("refuses a collaborating agency's member verifying the lead's item", async () => {
      const p = await projectWithPlan(h.http, 'SD-COL', org.demo, { items: [{ code: 'X', weight: 100, budgetRials: '1' }], links: [] }, {
        collaboratingAgencyIds: [org.arao],
      });
      const declaration = await declare(h.http, 'agency.demo', p.item('X'), 50);
      const answer = await h.http.as('committee.arao').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(answer.status).toBe(403);
      expect(answer.body.details.organizations).toEqual([expect.objectContaining({ code: ARAO, roles: ['collaborating_agency'] })]);
      await verify(p.item('X'), 'agency.demo');
    });
  });
});
