/**
 * What the server refuses, and how: independence of verifiers, cycles, and every kind of bad input
 * answered with a 4xx naming the field and the reason, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { declare, pdfBytes } from './support/demo';
import { createUser, orgId, projectWithChain } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { recordHistory } from './support/histories';
import { eventually } from './support/http';

const ARAO = 'administrative-and-recruitment-affairs-organization';
const ITO = 'information-technology-organization-of-iran';

describe('refusals', () => {
  let h: Harness;
  let arao: Awaited<ReturnType<typeof projectWithChain>>;
  let ito: Awaited<ReturnType<typeof projectWithChain>>;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    await createUser(h.http, 'agency.arao', 'agency', await orgId(h.http, ARAO));
    await createUser(h.http, 'agency.ito', 'agency', await orgId(h.http, ITO));
    arao = await projectWithChain(h.http, 'ARAO-1', await orgId(h.http, ARAO));
    ito = await projectWithChain(h.http, 'ITO-1', await orgId(h.http, ITO));
  });
  afterAll(() => h?.close());

  describe('the supervisor is never the supervised', () => {
    it('refuses a committee member of the project\'s lead agency (403) and accepts an independent one', async () => {
      const declaration = await declare(h.http, 'agency.arao', arao.item('A'), 100);
      const own = await h.http.as('committee.arao').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(own.status).toBe(403);
      expect(own.body.code).toBe('conflict_of_interest');
      const independent = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(independent.status).toBe(201);
    });

    it('refuses a ministry verifying its own subsidiary (Ministry of ICT over ITO)', async () => {
      const declaration = await declare(h.http, 'agency.ito', ito.item('A'), 50);
      const parent = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(parent.status).toBe(403);
      expect(parent.body.code).toBe('conflict_of_interest');
      const other = await h.http.as('committee.arao').post(`/api/declarations/${declaration.id}/decision`, {
        decision: 'accept_lower',
        verifiedPercent: 40,
        reason: 'the migration is only partly evidenced',
      });
      expect(other.status).toBe(201);
      expect(other.body.decision).toMatchObject({ outcome: 'accepted_lower', verifiedPercent: 40 });
    });

    it('lets only the owner agency declare, and only agencies and committee members (for field checks) upload evidence', async () => {
      const upload = await h.http.as('agency.demo').upload('/api/evidence', 'x.pdf', pdfBytes());
      const foreign = await h.http.as('agency.demo').post(`/api/items/${arao.item('B')}/declarations`, {
        percent: 10,
        note: 'not ours',
        evidenceIds: [upload.body.id],
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('not_item_owner');
      const byPbo = await h.http.as('pbo.officer1').upload('/api/evidence', 'x.pdf', pdfBytes());
      expect(byPbo.status).toBe(403);
      const byCommittee = await h.http.as('committee.mict').upload('/api/evidence', 'x.pdf', pdfBytes());
      expect(byCommittee.status).toBe(201);
    });
  });

  describe('verification revoked before approval', () => {
    it('sends the tranche back to waiting on items', async () => {
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${arao.projectId}/tranches`, { fundedItemIds: [arao.item('B')] });
      expect(created.status).toBe(201);
      expect(created.body.gate.map((g: any) => g.code)).toEqual(['A']);
      const id = created.body.id;
      const get = async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
      await eventually(get, (t) => t.state === 'awaiting_approval');

      const [declaration] = (await h.http.as('committee.mict').get(`/api/items/${arao.item('A')}/declarations`)).body;
      const revoked = await h.http.as('committee.mict').post(`/api/verification-decisions/${declaration.decision.id}/revoke`, {
        reason: 'the evidence turned out to describe another system',
      });
      expect(revoked.status).toBe(201);
      const back = await eventually(get, (t) => t.state === 'waiting_on_items');
      expect(back.history.at(-1)).toMatchObject({ fromState: 'awaiting_approval', toState: 'waiting_on_items' });
      expect(back.waitsOn.map((w: any) => w.item.code)).toEqual(['A']);
      const approve = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' });
      expect(approve.status).toBe(409);
      await recordHistory(h, id, 'verification-revoked');
    });
  });

  describe('the action chain', () => {
    const plan = (links: Array<[string, string]>, weights = [40, 30, 30]) => ({
      items: ['1', '2', '3'].map((code, i) => ({
        code,
        titleFa: `بند ${code}`,
        titleEn: `Item ${code}`,
        weight: weights[i],
        plannedStart: '2025-01-01T00:00:00Z',
        plannedEnd: '2025-12-01T00:00:00Z',
        budgetRials: '100',
      })),
      links: links.map(([from, to]) => ({ from, to })),
    });

    it('refuses a cycle with 400 naming it', async () => {
      const { projectId } = await projectWithChain(h.http, 'CYCLE-1', await orgId(h.http, ITO));
      // The plan of a project without tranches or declarations may be replaced.
      const answer = await h.http.as('agency.ito').put(`/api/projects/${projectId}/action-plan`, plan([['1', '2'], ['2', '3'], ['3', '1']]));
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'links', reason: 'the links form a cycle: 1 → 2 → 3 → 1' }]);
      expect(answer.body.details.cycle).toEqual(['1', '2', '3', '1']);
      const fine = await h.http.as('agency.ito').put(`/api/projects/${projectId}/action-plan`, plan([['1', '2'], ['2', '3']]));
      expect(fine.status).toBe(200);
    });

    it('refuses an overweight plan, naming the sum', async () => {
      const { projectId } = await projectWithChain(h.http, 'WEIGHT-1', await orgId(h.http, ITO));
      const answer = await h.http.as('agency.ito').put(`/api/projects/${projectId}/action-plan`, plan([], [50, 40, 30]));
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'items', reason: 'weights sum to 120.00; they must sum to exactly 100' }]);
    });

    it('refuses a plan change once tranches depend on it', async () => {
      const answer = await h.http.as('agency.arao').put(`/api/projects/${arao.projectId}/action-plan`, plan([]));
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('plan_locked');
    });

    it('refuses a tranche funding an item together with its predecessor', async () => {
      const { projectId, item } = await projectWithChain(h.http, 'CHAIN-1', await orgId(h.http, ITO));
      const answer = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A'), item('B')] });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].field).toBe('fundedItemIds');
      expect(answer.body.errors[0].reason).toContain('together with its predecessor A');
    });

    it('refuses tranches beyond the project budget and beyond the funded items\' budgets', async () => {
      // Planned at 1000 rials before the budget was set, then budgeted at 700: the tranches must stay within 700.
      const { projectId, item } = await projectWithChain(h.http, 'BUDGET-1', await orgId(h.http, ITO), null);
      expect((await h.http.as('pbo.officer1').put(`/api/projects/${projectId}/budget`, { budgetRials: '700' })).status).toBe(200);
      const tooMuch = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')], amountRials: '601' });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.errors[0]).toMatchObject({ field: 'amountRials' });
      const first = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')] });
      expect(first.status).toBe(201);
      const beyondBudget = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('B')] });
      expect(beyondBudget.status).toBe(400);
      expect(beyondBudget.body.errors[0].reason).toContain('more than its budget of 700');
      const twice = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')] });
      expect(twice.status).toBe(400);
      expect(twice.body.errors[0].reason).toContain('already funded');
    });
  });

  describe('bad input is a 4xx naming the field, never a 500', () => {
    it('answers bad JSON and an empty JSON body with 400 on the body', async () => {
      for (const body of ['{"username": "admin",', '']) {
        const answer = await h.http.request('POST', '/api/auth/login', { body, headers: { 'content-type': 'application/json' } });
        expect(answer.status).toBe(400);
        expect(answer.body.errors).toEqual([{ field: 'body', reason: expect.stringMatching(/JSON/) }]);
      }
    });

    it('names missing fields and unknown fields', async () => {
      const answer = await h.http.as('pbo.officer1').post('/api/projects', { code: 'X-1', colour: 'red' });
      expect(answer.status).toBe(400);
      const fields = answer.body.errors.map((e: any) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['portfolioId', 'nameFa', 'nameEn', 'leadAgencyId', 'colour']));
      expect(answer.body.errors).toContainEqual({ field: 'nameFa', reason: 'is required' });
      expect(answer.body.errors).toContainEqual({ field: 'colour', reason: 'is not a known field' });
    });

    it.each([['-5'], ['1.5'], ['1e9'], ['12,000'], [5], ['۱۲۳'], ['99999999999999999999']])(
      'refuses the amount %p',
      async (amount) => {
        const answer = await h.http.as('pbo.officer1').put(`/api/projects/${arao.projectId}/budget`, { budgetRials: amount });
        expect(answer.status).toBe(400);
        expect(answer.body.errors).toEqual([{ field: 'budgetRials', reason: expect.stringContaining('whole, non-negative number of rials') }]);
      },
    );

    it('names the nested field of a bad item', async () => {
      const { projectId } = await projectWithChain(h.http, 'NESTED-1', await orgId(h.http, ITO));
      const answer = await h.http.as('agency.ito').put(`/api/projects/${projectId}/action-plan`, {
        items: [{ code: '1', titleFa: 'x', titleEn: 'x', weight: 100.001, plannedStart: 'yesterday', plannedEnd: '2025-01-01T00:00:00Z', budgetRials: '-1' }],
        links: [],
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.field)).toEqual(
        expect.arrayContaining(['items[0].weight', 'items[0].plannedStart', 'items[0].budgetRials']),
      );
    });

    it('answers unknown ids with 404 and malformed ids with 400', async () => {
      const unknown = randomUUID();
      for (const path of [`/api/projects/${unknown}`, `/api/tranches/${unknown}`, `/api/items/${unknown}`, `/api/portfolios/${unknown}`]) {
        const answer = await h.http.as('pbo.officer1').get(path);
        expect(answer.status).toBe(404);
        expect(answer.body.code).toBe('not_found');
      }
      const malformed = await h.http.as('pbo.officer1').get('/api/projects/not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([{ field: 'id', reason: 'must be a UUID' }]);
      const tranche = await h.http.as('pbo.officer1').post(`/api/projects/${arao.projectId}/tranches`, { fundedItemIds: [unknown] });
      expect(tranche.status).toBe(400);
      expect(tranche.body.errors[0]).toMatchObject({ field: 'fundedItemIds' });
      const decision = await h.http.as('committee.mict').post(`/api/declarations/${unknown}/decision`, { decision: 'accept' });
      expect(decision.status).toBe(404);
    });

    it('refuses a rejection without a reason and an accept_lower that is not lower', async () => {
      const declaration = await declare(h.http, 'agency.arao', arao.item('B'), 30);
      const noReason = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'reject' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors).toContainEqual({ field: 'reason', reason: 'is required' });
      const notLower = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, {
        decision: 'accept_lower',
        verifiedPercent: 30,
        reason: 'x',
      });
      expect(notLower.status).toBe(400);
      expect(notLower.body.errors[0].field).toBe('verifiedPercent');
    });

    it('refuses evidence that is not an accepted type, and an empty declaration', async () => {
      const exe = await h.http.as('agency.arao').upload('/api/evidence', 'report.pdf', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]), 'application/pdf');
      expect(exe.status).toBe(415);
      const none = await h.http.as('agency.arao').post(`/api/items/${arao.item('B')}/declarations`, { percent: 10, note: 'x', evidenceIds: [] });
      expect(none.status).toBe(400);
      expect(none.body.errors[0]).toMatchObject({ field: 'evidenceIds' });
    });

    it('refuses callers without a token or with the wrong role', async () => {
      expect((await h.http.request('GET', '/api/projects')).status).toBe(401);
      const wrongRole = await h.http.as('agency.demo').post(`/api/projects/${arao.projectId}/tranches`, { fundedItemIds: [arao.item('B')] });
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.body.code).toBe('role_not_allowed');
    });
  });

  it('keeps evidence retrievable, with its hash and size, to those allowed', async () => {
    const content = pdfBytes('kept');
    const upload = await h.http.as('agency.arao').upload('/api/evidence', 'گزارش.pdf', content);
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ sizeBytes: content.length, contentType: 'application/pdf', filename: 'گزارش.pdf' });
    expect(upload.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const file = await fetch(`${h.baseUrl}/api/evidence/${upload.body.id}/content`, {
      headers: { authorization: `Bearer ${await h.http.login('committee.mict')}` },
    });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
    const stranger = await h.http.as('agency.demo').get(`/api/evidence/${upload.body.id}`);
    expect(stranger.status).toBe(403);
  });
});
