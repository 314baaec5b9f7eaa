/**
 * One rule for independence, on every committee decision. The routes only the committee may call
 * are read from the API's own OpenAPI document; each must have a scenario below that builds a real
 * case where the acting member is conflicted (their organization leads the project, collaborates on
 * it, owns the item, or is the parent of the owner) and proves the member is refused with 403
 * conflict_of_interest while an independent member is not. A new committee-only route without a
 * scenario fails the suite, so nothing added later can skip the rule.
 */
import { MATRIX } from './support/access-matrix';
import { declare } from './support/demo';
import { createUser, orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import type { Answer } from './support/http';

const ARAO = 'administrative-and-recruitment-affairs-organization';
const ITO = 'information-technology-organization-of-iran';
const MICT = 'ministry-of-ict';

/** How an organization is a party: every kind the rule knows, each tried on some route. */
type Relation = 'lead' | 'collaborator' | 'item owner' | 'parent of the owner';

interface Scenario {
  /** Builds the case and returns the request to send as `member`. */
  run(member: string): Promise<Answer>;
  /** The conflicted member, and how their organization is a party. */
  conflicted: { member: string; relation: Relation };
  independent: string;
}

describe('independence on every committee decision', () => {
  let h: Harness;
  let org: Record<string, string>;
  let counter = 0;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    org = { arao: await orgId(h.http, ARAO), ito: await orgId(h.http, ITO), mict: await orgId(h.http, MICT), demo: await orgId(h.http, 'demo-agency') };
    await createUser(h.http, 'agency.arao', 'agency', org.arao);
    await createUser(h.http, 'agency.ito', 'agency', org.ito);
    const pbo = (await h.db.query(`SELECT id FROM organizations WHERE name_en = 'Plan and Budget Organization'`))[0].id;
    await createUser(h.http, 'committee.pbo', 'committee', pbo);
  });
  afterAll(() => h?.close());

  /** Samples may not overlap: each covers the acceptances since the previous one, every one of them selected. */
  let sampledTo = new Date('2020-01-01T00:00:00Z');
  const sampleEverything = async () => {
    const periodTo = new Date();
    const opened = await h.http
      .as('admin')
      .post('/api/verification-samples', { periodFrom: sampledTo.toISOString(), periodTo: periodTo.toISOString(), seed: `s-${counter}`, baseRate: 1, alwaysAboveRials: '0' });
    expect(opened.status).toBe(201);
    sampledTo = periodTo;
  };

  // An item's owner must take part in the project: an owner other than the lead is a collaborator too.
  const project = (lead: string, owner: string, collaborators: string[] = owner === lead ? [] : [owner]) =>
    projectWithPlan(
      h.http,
      `IND-${++counter}`,
      lead,
      { items: [{ code: 'A', weight: 60, budgetRials: '600', ownerAgencyId: owner }, { code: 'B', weight: 40, budgetRials: '400' }], links: [] },
      { collaboratingAgencyIds: collaborators },
    );
  const escalationCase = async (p: { projectId: string; item: (c: string) => string }) => {
    const [kase] = await h.db.query(
      `INSERT INTO escalation_cases (item_id, project_id, reason, party, level, opened_at, level_changed_at)
       VALUES ($1, $2, 'overdue', 'agency', 3, now(), now()) RETURNING id`,
      [p.item('A'), p.projectId],
    );
    return kase.id as string;
  };

  const SCENARIOS: Record<string, Scenario> = {
    'POST /api/declarations/{id}/decision': {
      // ITO owns the item; the Ministry of ICT is its parent.
      conflicted: { member: 'committee.mict', relation: 'parent of the owner' },
      independent: 'committee.arao',
      run: async (member) => {
        const p = await project(org.ito, org.ito);
        const declaration = await declare(h.http, 'agency.ito', p.item('A'), 40);
        return h.http.as(member).post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      },
    },
    'POST /api/verification-decisions/{id}/revoke': {
      conflicted: { member: 'committee.arao', relation: 'collaborator' },
      independent: 'committee.mict',
      run: async (member) => {
        const p = await project(org.demo, org.demo, [org.arao]);
        const declaration = await declare(h.http, 'agency.demo', p.item('A'), 40);
        const decided = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
        return h.http.as(member).post(`/api/verification-decisions/${decided.body.decision.id}/revoke`, { reason: 'the evidence was for another system' });
      },
    },
    'POST /api/declarations/{id}/field-check': {
      // Accepted by the Ministry of ICT; ARAO collaborates on the project; the PBO's member is independent of both.
      conflicted: { member: 'committee.arao', relation: 'collaborator' },
      independent: 'committee.pbo',
      run: async (member) => {
        const p = await project(org.demo, org.demo, [org.arao]);
        const declaration = await declare(h.http, 'agency.demo', p.item('A'), 40);
        await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
        await sampleEverything();
        return h.http.as(member).post(`/api/declarations/${declaration.id}/field-check`, { outcome: 'confirmed', reason: 'seen on site' });
      },
    },
    'POST /api/appeals/{id}/decision': {
      conflicted: { member: 'committee.arao', relation: 'lead' },
      independent: 'committee.pbo',
      run: async (member) => {
        const p = await project(org.arao, org.demo);
        const declaration = await declare(h.http, 'agency.demo', p.item('A'), 40);
        const rejected = await h.http.as('committee.mict').post(`/api/declarations/${declaration.id}/decision`, { decision: 'reject', reason: 'unclear' });
        const appeal = await h.http.as('agency.demo').post(`/api/verification-decisions/${rejected.body.decision.id}/appeal`, { reason: 'it is clear' });
        return h.http.as(member).post(`/api/appeals/${appeal.body.id}/decision`, { action: 'overturn', reason: 'clear enough' });
      },
    },
    'POST /api/escalations/{id}/decision': {
      conflicted: { member: 'committee.arao', relation: 'item owner' },
      independent: 'committee.mict',
      run: async (member) => {
        const kase = await escalationCase(await project(org.demo, org.arao));
        return h.http.as(member).post(`/api/escalations/${kase}/decision`, { action: 'accept_justification', reason: 'supplier strike' });
      },
    },
    'POST /api/holds/{id}/lift': {
      conflicted: { member: 'committee.arao', relation: 'lead' },
      independent: 'committee.mict',
      run: async (member) => {
        const kase = await escalationCase(await project(org.arao, org.arao));
        const held = await h.http.as('committee.mict').post(`/api/escalations/${kase}/decision`, { action: 'hold_tranches', reason: 'late' });
        return h.http.as(member).post(`/api/holds/${held.body.holds[0].id}/lift`, { reason: 'resolved' });
      },
    },
    'POST /api/plan-revisions/{id}/decision': {
      // The revision changes an item ARAO owns in a project led by the demo agency.
      conflicted: { member: 'committee.arao', relation: 'item owner' },
      independent: 'committee.mict',
      run: async (member) => {
        const p = await project(org.demo, org.arao);
        const dates = { plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-09-01T00:00:00Z' };
        const proposed = await h.http.as('agency.demo').post(`/api/projects/${p.projectId}/plan-revisions`, {
          reason: 'A takes longer',
          items: [
            { code: 'A', titleFa: 'الف', titleEn: 'Item A', weight: 60, budgetRials: '600', ownerAgencyId: org.arao, ...dates },
            { code: 'B', titleFa: 'ب', titleEn: 'Item B', weight: 40, budgetRials: '400', plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' },
          ],
          links: [],
        });
        expect(proposed.status).toBe(201);
        return h.http.as(member).post(`/api/plan-revisions/${proposed.body.id}/decision`, { action: 'approve', reason: 'sound' });
      },
    },
  };

  it('has a scenario for every committee-only route of the API, and only for those', async () => {
    const { body: doc } = await h.http.request('GET', '/api/openapi.json');
    const committeeOnly = Object.entries<Record<string, unknown>>(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((route) => JSON.stringify(MATRIX[route]) === JSON.stringify(['committee']));
    // A new committee-only route needs a scenario in SCENARIOS proving a conflicted member is refused.
    expect(committeeOnly.sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  it('covers every way an organization can be a party', () => {
    const relations = new Set(Object.values(SCENARIOS).map((s) => s.conflicted.relation));
    expect([...relations].sort()).toEqual(['collaborator', 'item owner', 'lead', 'parent of the owner']);
  });

  it.each(Object.keys(SCENARIOS))('%s: refuses the conflicted member (403), serves an independent one', async (route) => {
    const scenario = SCENARIOS[route];
    const refused = await scenario.run(scenario.conflicted.member);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'conflict_of_interest' });
    expect(refused.body.details.organizations.length).toBeGreaterThan(0);
    const served = await scenario.run(scenario.independent);
    expect(served.status).toBeLessThan(300);
  });
});
