/**
 * Issue 3 on real Temporal and PostgreSQL, with a three-second escalation period: the ladder, the
 * committee's decisions and their effects, plan revisions and baselines, challenges and claims,
 * prerequisites across projects, the monthly pack, freshness and monitoring pauses.
 */
import { formatJalali, toJalali } from '@pelekan/core';
import { declare } from './support/demo';
import { createUser, orgId } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { recordWorkflowHistory } from './support/histories';
import { eventually } from './support/http';

const PERIOD_MS = 3000;

describe('governance: escalation, committee, revisions, challenges, prerequisites', () => {
  let h: Harness;
  let demoAgency: string;
  let portfolioId: string;
  let counter = 0;

  beforeAll(async () => {
    h = await startHarness({ demoData: true, env: { ESCALATION_PERIOD: '3 seconds', STALE_AFTER: '15 seconds' } });
    demoAgency = await orgId(h.http, 'demo-agency');
    const { body } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'GOV', nameFa: 'سبد آزمون', nameEn: 'Test portfolio' });
    portfolioId = body.id;
  });
  afterAll(() => h?.close());

  /** A project of the demo agency: A → B (weights 60/40, budgets 600/400 of 1000 rials), dated as asked. */
  async function project(dates: 'overdue' | 'future', portfolio = portfolioId) {
    const code = `G${++counter}`;
    const created = await h.http.as('pbo.officer1').post('/api/projects', {
      portfolioId: portfolio,
      code,
      nameFa: `طرح ${code}`,
      nameEn: `Project ${code}`,
      leadAgencyId: demoAgency,
      budgetRials: '1000',
    });
    expect(created.status).toBe(201);
    const [start, end] = dates === 'overdue' ? ['2025-01-01', '2025-06-01'] : ['2030-01-01', '2030-06-01'];
    const plan = await h.http.as('agency.demo').put(`/api/projects/${created.body.id}/action-plan`, {
      items: [
        { code: 'A', titleFa: 'الف', titleEn: 'A', weight: 60, plannedStart: `${start}T00:00:00Z`, plannedEnd: `${end}T00:00:00Z`, budgetRials: '600' },
        { code: 'B', titleFa: 'ب', titleEn: 'B', weight: 40, plannedStart: `${start}T00:00:00Z`, plannedEnd: `${end}T00:00:00Z`, budgetRials: '400' },
      ],
      links: [{ from: 'A', to: 'B' }],
    });
    expect(plan.status).toBe(200);
    const item = (c: string) => plan.body.items.find((i: any) => i.code === c).id as string;
    return { id: created.body.id as string, code, item };
  }

  async function verify(itemId: string, declaration: { id: string }, user = 'committee.mict') {
    const answer = await h.http.as(user).post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
    expect(answer.status).toBe(201);
    void itemId;
  }

  const casesOf = async (projectId: string, status = 'live') =>
    (await h.http.as('committee.mict').get(`/api/escalations?projectId=${projectId}&status=${status}&limit=500`)).body.items as any[];
  const caseOf = async (projectId: string, itemCode: string) =>
    (await casesOf(projectId)).find((c) => c.item.code === itemCode);
  const inbox = async (user: string) => (await h.http.as(user).get('/api/inbox')).body;

  it('climbs an overdue item one level per period, telling each level, and resolves the case when the item moves', async () => {
    const p = await project('overdue');
    const climbed = await eventually(() => caseOf(p.id, 'A'), (c) => c?.level === 4, 40_000);
    const { body: detail } = await h.http.as('committee.mict').get(`/api/escalations/${climbed.id}`);
    const ladder = detail.events.filter((e: any) => e.kind !== 'decided');
    expect(ladder.map((e: any) => [e.kind, e.level])).toEqual([
      ['opened', 1],
      ['climbed', 2],
      ['climbed', 3],
      ['climbed', 4],
    ]);
    // One level per period: each step at least a period after the one before.
    for (let k = 1; k < ladder.length; k++) {
      expect(new Date(ladder[k].at).getTime() - new Date(ladder[k - 1].at).getTime()).toBeGreaterThanOrEqual(PERIOD_MS);
    }
    expect(detail.reason).toBe('overdue');
    expect(detail.party).toBe('agency');

    // Each rung heard of it: focal point, head of agency, committee agenda, IT Executive Council.
    const heard = async (user: string, kind: string) =>
      (await inbox(user)).items.some((n: any) => n.caseId === climbed.id && n.kind === kind);
    expect(await heard('agency.demo', 'escalation_opened')).toBe(true);
    expect(await heard('agency.demo.head', 'escalation_climbed')).toBe(true);
    expect(await heard('committee.arao', 'escalation_climbed')).toBe(true);
    expect(await heard('admin', 'escalation_climbed')).toBe(true);
    expect(await heard('pbo.officer1', 'escalation_climbed')).toBe(false);

    // Read and unread, per user.
    const mine = await inbox('agency.demo');
    const note = mine.items.find((n: any) => n.caseId === climbed.id && n.readAt === null);
    expect((await h.http.as('agency.demo.head').post(`/api/inbox/${note.id}/read`)).status).toBe(404);
    const read = await h.http.as('agency.demo').post(`/api/inbox/${note.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await inbox('agency.demo')).unread).toBe(mine.unread - 1);

    // The sweep's own record shows it ran, and what it saw.
    const { body: sweeps } = await h.http.as('committee.mict').get('/api/escalations/sweeps');
    expect(sweeps.sweepOverdue).toBe(false);
    expect(sweeps.runs.length).toBeGreaterThanOrEqual(4);
    expect(sweeps.runs[0]).toEqual(expect.objectContaining({ examined: expect.any(Number), finishedAt: expect.any(String) }));
    expect(sweeps.runs.some((r: any) => r.opened > 0) && sweeps.runs.some((r: any) => r.climbed > 0)).toBe(true);
    await recordWorkflowHistory(h, sweeps.runs.find((r: any) => r.climbed > 0).runKey, 'escalation-sweep');

    // The agency answers, then the item moves (50% verified): the case resolves by itself.
    const response = await h.http.as('agency.demo').post(`/api/escalations/${climbed.id}/response`, { note: 'contractor replaced' });
    expect(response.status).toBe(200);
    await verify(p.item('A'), await declare(h.http, 'agency.demo', p.item('A'), 50));
    const resolved = await eventually(
      async () => (await h.http.as('committee.mict').get(`/api/escalations/${climbed.id}`)).body,
      (c) => c.status === 'resolved',
      20_000,
    );
    expect(resolved.resolution).toBe('moved');
  });

  it('escalates a declaration left unverified for a period to the committee, not the agency', async () => {
    const p = await project('future');
    await declare(h.http, 'agency.demo', p.item('A'), 30);
    const kase = await eventually(() => caseOf(p.id, 'A'), (c) => c !== undefined, 20_000);
    expect(kase).toEqual(expect.objectContaining({ reason: 'verification_overdue', party: 'committee', level: 1 }));
    const committeeHeard = (await inbox('committee.mict')).items.some((n: any) => n.caseId === kase.id);
    const agencyHeard = (await inbox('agency.demo')).items.some((n: any) => n.caseId === kase.id);
    expect([committeeHeard, agencyHeard]).toEqual([true, false]);
    // B (no declaration, not started, not due) is not stalled at all.
    expect(await caseOf(p.id, 'B')).toBeUndefined();
  });

  it('applies each committee decision: a hold blocks approval until lifted; an extension moves the due date and resolves', async () => {
    const p = await project('overdue');
    const tranche = await h.http.as('pbo.officer1').post(`/api/projects/${p.id}/tranches`, { fundedItemIds: [p.item('B')], amountRials: '400' });
    expect(tranche.status).toBe(201);
    await verify(p.item('A'), await declare(h.http, 'agency.demo', p.item('A'), 100));
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'awaiting_approval');

    const caseB = await eventually(() => caseOf(p.id, 'B'), (c) => c !== undefined, 20_000);
    expect((await h.http.as('agency.demo').post(`/api/escalations/${caseB.id}/decision`, { action: 'accept_justification', reason: 'fine' })).status).toBe(403);
    const hold = await h.http.as('committee.mict').post(`/api/escalations/${caseB.id}/decision`, { action: 'hold_tranches', reason: 'B is a year late' });
    expect(hold.status).toBe(200);
    const holdId = hold.body.holds[0].id;
    const blocked = await h.http.as('pbo.officer2').post(`/api/tranches/${tranche.body.id}/decision`, { action: 'approve' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('committee_hold');
    const waiting = (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body;
    expect(waiting.waitsOn[0]).toEqual(expect.objectContaining({ kind: 'committee_hold', reason: 'B is a year late' }));
    expect((await inbox('pbo.officer2')).items.some((n: any) => n.kind === 'tranches_held')).toBe(true);

    expect((await h.http.as('committee.mict').post(`/api/holds/${holdId}/lift`, { reason: 'new contractor signed' })).status).toBe(200);
    const approved = await h.http.as('pbo.officer2').post(`/api/tranches/${tranche.body.id}/decision`, { action: 'approve' });
    expect(approved.status).toBe(201);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'released');

    // Extension on the same case: due date moves, the case resolves.
    const newDue = new Date(Date.now() + 365 * 86400_000).toISOString();
    const badDue = await h.http.as('committee.mict').post(`/api/escalations/${caseB.id}/decision`, { action: 'extend_due_date', reason: 'more time' });
    expect(badDue.status).toBe(400);
    expect(badDue.body.errors).toEqual([expect.objectContaining({ field: 'newDueAt' })]);
    const extended = await h.http.as('committee.mict').post(`/api/escalations/${caseB.id}/decision`, { action: 'extend_due_date', reason: 'more time', newDueAt: newDue });
    expect(extended.status).toBe(200);
    expect(extended.body).toEqual(expect.objectContaining({ status: 'resolved', resolution: 'extended' }));
    const item = (await h.http.as('agency.demo').get(`/api/items/${p.item('B')}`)).body;
    expect(item.dueAt).toBe(newDue);
  });

  it('makes an approved revision baseline 2, keeps baseline 1 readable and re-gates pending tranches', async () => {
    const p = await project('future');
    const tranche = await h.http.as('pbo.officer1').post(`/api/projects/${p.id}/tranches`, { fundedItemIds: [p.item('B')], amountRials: '300' });
    await verify(p.item('A'), await declare(h.http, 'agency.demo', p.item('A'), 100));
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'awaiting_approval');

    const dates = { plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' };
    const proposal = {
      reason: 'periodic review: data migration was missing',
      items: [
        { code: 'A', titleFa: 'الف', titleEn: 'A', weight: 50, ...dates, budgetRials: '500' },
        { code: 'B', titleFa: 'ب', titleEn: 'B', weight: 30, ...dates, budgetRials: '300' },
        { code: 'C', titleFa: 'ج', titleEn: 'C (data migration)', weight: 20, ...dates, budgetRials: '200' },
      ],
      links: [
        { from: 'A', to: 'B' },
        { from: 'C', to: 'B' },
      ],
    };
    const cyclic = await h.http.as('agency.demo').post(`/api/projects/${p.id}/plan-revisions`, { ...proposal, links: [...proposal.links, { from: 'B', to: 'C' }] });
    expect(cyclic.status).toBe(400);
    expect(cyclic.body.errors[0].reason).toMatch(/cycle/);
    const proposed = await h.http.as('agency.demo').post(`/api/projects/${p.id}/plan-revisions`, proposal);
    expect(proposed.status).toBe(201);
    expect(proposed.body.diff.addedItems.map((i: any) => i.code)).toEqual(['C']);
    expect(proposed.body.diff.changedItems).toEqual(
      expect.arrayContaining([{ code: 'A', field: 'weightHundredths', before: 6000, after: 5000 }]),
    );
    const queue = (await h.http.as('committee.mict').get('/api/committee/queue')).body;
    expect(queue.revisions.map((r: any) => r.id)).toContain(proposed.body.id);

    const decided = await h.http.as('committee.mict').post(`/api/plan-revisions/${proposed.body.id}/decision`, { action: 'approve', reason: 'sound' });
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual(expect.objectContaining({ status: 'approved', baselineNumber: 2 }));

    const baselines = (await h.http.as('pbo.officer1').get(`/api/projects/${p.id}/baselines`)).body;
    expect(baselines.map((b: any) => [b.number, b.itemCount, b.current])).toEqual([
      [1, 2, false],
      [2, 3, true],
    ]);
    const first = (await h.http.as('pbo.officer1').get(`/api/projects/${p.id}/baselines/1`)).body;
    expect(first.plan.items.map((i: any) => [i.code, i.weightHundredths])).toEqual([
      ['A', 6000],
      ['B', 4000],
    ]);

    // The tranche funding B now also waits on C, and went back to waiting.
    const regated = await eventually(
      async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body,
      (t) => t.state === 'waiting_on_items',
    );
    expect(regated.gate.map((g: any) => g.code)).toEqual(['A', 'C']);
    expect(regated.waitsOn.map((w: any) => w.item.code)).toEqual(['C']);
  });

  it('refuses a solution without a challenge, routes claims to the named agency, shows released-not-spent money', async () => {
    const p = await project('future');
    const other = await orgId(h.http, 'administrative-and-recruitment-affairs-organization');
    const noChallenge = await h.http.as('agency.demo').post('/api/solutions', { description: 'hire more staff' });
    expect(noChallenge.status).toBe(400);
    expect(noChallenge.body.errors).toEqual([expect.objectContaining({ field: 'challengeId' })]);
    const unknown = await h.http.as('agency.demo').post('/api/solutions', { challengeId: '00000000-0000-4000-8000-000000000000', description: 'x y z' });
    expect(unknown.status).toBe(400);

    const claim = await h.http.as('agency.demo').post(`/api/projects/${p.id}/challenges`, {
      category: 'data_sharing',
      itemIds: [p.item('A')],
      description: 'the ministry has not opened its identity API to us',
      causedByAgencyId: other,
    });
    expect(claim.status).toBe(201);
    expect(claim.body.claimStatus).toBe('awaiting_answer');
    await createUser(h.http, 'agency.arao', 'agency', other);
    const claims = (await h.http.as('agency.arao').get('/api/claims')).body;
    expect(claims.map((c: any) => c.id)).toContain(claim.body.id);
    expect((await h.http.as('agency.demo').post(`/api/challenges/${claim.body.id}/claim-answer`, { answer: 'accept', reason: 'not mine' })).status).toBe(403);
    const answered = await h.http.as('agency.arao').post(`/api/challenges/${claim.body.id}/claim-answer`, { answer: 'dispute', reason: 'the API was opened in Mehr' });
    expect(answered.body.claimStatus).toBe('disputed');
    const solution = await h.http.as('agency.demo').post('/api/solutions', { challengeId: claim.body.id, description: 'escalate to the council' });
    expect(solution.status).toBe(201);
    expect(solution.body.solutions).toHaveLength(1);

    // Money: release a tranche (A has no predecessor), report part of it spent, then declare a shortage.
    const tranche = await h.http.as('pbo.officer1').post(`/api/projects/${p.id}/tranches`, { fundedItemIds: [p.item('A')], amountRials: '600' });
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'awaiting_approval');
    await h.http.as('pbo.officer2').post(`/api/tranches/${tranche.body.id}/decision`, { action: 'approve' });
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'released');
    const spent = await h.http.as('agency.demo').post(`/api/tranches/${tranche.body.id}/spending`, { amountRials: '250', note: 'servers' });
    expect(spent.status).toBe(201);
    const overspent = await h.http.as('agency.demo').post(`/api/tranches/${tranche.body.id}/spending`, { amountRials: '351', note: 'too much' });
    expect(overspent.status).toBe(400);
    const shortage = await h.http.as('agency.demo').post(`/api/projects/${p.id}/challenges`, { category: 'budget', itemIds: [], description: 'B needs more money' });
    expect(shortage.body.budget).toEqual({ releasedRials: '600', reportedSpentRials: '250', releasedNotSpentRials: '350' });
  });

  it('gates a tranche on a prerequisite from another project, and refuses a cycle across projects', async () => {
    const registry = await project('future'); // stands for the civil-registration identity database
    const services = await project('future');
    const added = await h.http.as('agency.demo').post(`/api/items/${services.item('B')}/prerequisites`, { requiredItemId: registry.item('A') });
    expect(added.status).toBe(201);
    expect(added.body.requires.map((r: any) => [r.project.code, r.code])).toEqual([[registry.code, 'A']]);
    // It appears on both projects.
    const plans = await Promise.all(
      [registry.id, services.id].map(async (id) => (await h.http.as('pbo.officer1').get(`/api/projects/${id}/action-plan`)).body.links),
    );
    for (const links of plans) expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ fromProjectCode: registry.code, toProjectCode: services.code })]));

    const cycle = await h.http.as('agency.demo').post(`/api/items/${registry.item('A')}/prerequisites`, { requiredItemId: services.item('B') });
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors[0]).toEqual(expect.objectContaining({ field: 'requiredItemId', reason: expect.stringMatching(/cycle/) }));

    const tranche = await h.http.as('pbo.officer1').post(`/api/projects/${services.id}/tranches`, { fundedItemIds: [services.item('B')], amountRials: '400' });
    expect(tranche.body.gate.map((g: any) => [g.projectCode, g.code])).toEqual(
      [[registry.code, 'A'], [services.code, 'A']].sort((a, b) => a[0].localeCompare(b[0])),
    );
    await verify(services.item('A'), await declare(h.http, 'agency.demo', services.item('A'), 100));
    await new Promise((r) => setTimeout(r, 1500));
    const still = (await h.http.as('pbo.officer1').get(`/api/tranches/${tranche.body.id}`)).body;
    expect(still.state).toBe('waiting_on_items');
    expect(still.waitsOn.map((w: any) => [w.item.projectCode, w.item.code])).toEqual([[registry.code, 'A']]);
    await verify(registry.item('A'), await declare(h.http, 'agency.demo', registry.item('A'), 100));
    await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/tranches/${tranche.body.id}`)).body, (t) => t.state === 'awaiting_approval');
  });

  it('marks a project stale without verified updates, and publishes a monitoring pause that stops escalation', async () => {
    const verified = await project('future');
    const never = await project('future');
    await verify(verified.item('A'), await declare(h.http, 'agency.demo', verified.item('A'), 10));
    const { body: list } = await h.http.as('pbo.officer1').get(`/api/projects?portfolioId=${portfolioId}&limit=500`);
    const listed = list.items.find((x: any) => x.id === verified.id);
    expect(listed).toEqual(expect.objectContaining({ lastVerifiedAt: expect.any(String), stale: false }));
    expect((await h.http.as('pbo.officer1').get(`/api/projects/${never.id}`)).body).toEqual(
      expect.objectContaining({ lastVerifiedAt: null, stale: false }),
    );
    // STALE_AFTER is 15 seconds in this suite: a project never verified turns stale.
    await eventually(async () => (await h.http.as('pbo.officer1').get(`/api/projects/${never.id}`)).body, (x) => x.stale === true, 25_000);

    const { body: quiet } = await h.http.as('pbo.officer1').post('/api/portfolios', { code: 'GOV-PAUSED', nameFa: 'سبد متوقف', nameEn: 'Paused portfolio' });
    expect((await h.http.as('pbo.officer1').post(`/api/portfolios/${quiet.id}/monitoring`, { action: 'pause', reason: 'x y z' })).status).toBe(403);
    const paused = await h.http.as('admin').post(`/api/portfolios/${quiet.id}/monitoring`, { action: 'pause', reason: 'agency restructuring' });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual(expect.objectContaining({ monitoringPauseReason: 'agency restructuring', monitoringPausedAt: expect.any(String) }));
    const p = await project('overdue', quiet.id);
    await new Promise((r) => setTimeout(r, PERIOD_MS * 2 + 500));
    expect(await casesOf(p.id, 'live')).toEqual([]);
    await h.http.as('admin').post(`/api/portfolios/${quiet.id}/monitoring`, { action: 'resume', reason: 'restructuring done' });
    await eventually(() => casesOf(p.id), (c) => c.length > 0, 20_000);
    const history = (await h.http.as('pbo.officer1').get(`/api/portfolios/${quiet.id}`)).body.monitoringHistory;
    expect(history.map((e: any) => e.action)).toEqual(['pause', 'resume']);
  });

  it('lists in the monthly pack exactly what happened in the month, in Persian and English', async () => {
    const month = formatJalali(toJalali(new Date())).slice(0, 7).replace('/', '-');
    const { body: pack, status } = await h.http.as('committee.mict').get(`/api/committee/pack?month=${month}`);
    expect(status).toBe(200);
    const [decisions, revoked, events, released, holds] = await Promise.all([
      h.db.query(`SELECT count(*)::int AS n FROM verification_decisions`),
      h.db.query(`SELECT count(*)::int AS n FROM verification_decisions WHERE revoked_at IS NOT NULL`),
      h.db.query(`SELECT count(*)::int AS n FROM escalation_ladder WHERE kind IN ('opened', 'climbed', 'resolved', 'decided')`),
      h.db.query(`SELECT count(*)::int AS n FROM tranche_events WHERE to_state IN ('released', 'held')`),
      h.db.query(`SELECT count(*)::int + count(lifted_at)::int AS n FROM tranche_holds`),
    ]);
    expect(pack.verifications).toHaveLength(decisions[0].n + revoked[0].n);
    expect(pack.cases).toHaveLength(events[0].n);
    expect(pack.tranches).toHaveLength(released[0].n + holds[0].n);
    const demoAgencyRow = pack.byAgency.find((a: any) => a.key.code === 'demo-agency');
    expect(demoAgencyRow.verifications).toBe(decisions[0].n);
    expect(demoAgencyRow.tranchesReleased).toBe(2);
    expect(demoAgencyRow.releasedRials).toBe('1000'); // 400 + 600

    // Nothing happened in this suite's database the month before.
    const [y, m] = month.split('-').map(Number);
    const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    const before = (await h.http.as('committee.mict').get(`/api/committee/pack?month=${previous}`)).body;
    expect([before.verifications, before.cases, before.tranches]).toEqual([[], [], []]);

    const fa = await h.http.as('committee.mict').get(`/api/committee/pack?month=${month}&format=html`);
    expect(fa.headers.get('content-type')).toMatch(/text\/html/);
    expect(fa.body).toContain('dir="rtl"');
    expect(fa.body).toContain('گزارش ماهانه کمیته پایش');
    expect(fa.body).toMatch(/[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/); // Jalali dates in Persian digits
    const en = await h.http.as('committee.mict').get(`/api/committee/pack?month=${month}&format=html&lang=en`);
    expect(en.body).toContain('dir="ltr"');
    expect(en.body).toContain('Monitoring committee monthly pack');
    const bad = await h.http.as('committee.mict').get('/api/committee/pack?month=1405-13');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('month');
    expect((await h.http.as('agency.demo').get(`/api/committee/pack?month=${month}`)).status).toBe(403);
  });
});
