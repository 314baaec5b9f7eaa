/**
 * Stage clocks (issue 13) on real PostgreSQL and Temporal: the statistics of GET
 * /api/committee/stage-times over known durations, the stages over their limit, and the sweep's
 * escalation of a breach to the party that owns the stage (the committee, the PBO), never the agency.
 * Long stages are made by writing their instants in SQL (tranche_events is append-only: a tranche
 * without a workflow is written with past events instead).
 */
import { randomUUID } from 'node:crypto';
import { tehranMidnight } from '@pelekan/core';
import { EscalationSweep } from '@pelekan/modules';
import { declare } from './support/demo';
import { orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('stage clocks: statistics, breaches and their escalation', () => {
  let h: Harness;
  let demoAgency: string;
  let project: Awaited<ReturnType<typeof projectWithPlan>>;
  const userId = async (username: string) => (await h.asOwner<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]))[0].id;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    demoAgency = await orgId(h.http, 'demo-agency');
    project = await projectWithPlan(h.http, 'STG1', demoAgency, {
      items: ['A', 'B', 'C', 'D', 'E', 'F'].map((code) => ({ code, weight: code === 'F' ? 50 : 10, budgetRials: '100' })),
      links: [],
    });
  });
  afterAll(() => h?.close());

  /**
   * Runs a sweep and waits for it to finish: the first through the Temporal schedule (the production
   * path); later ones call the sweep activity itself with a run key of their own (the schedule names a
   * run by the second it fires in, so two triggers within one second would be one run).
   */
  /** The sweep reads open_stage_clocks; it must list exactly the open clocks of stage_clocks. */
  async function expectOpenClocksAgree() {
    const columns = 'stage, subject_id, item_id, tranche_id, project_id, agency_id, started_at, deadline_at';
    const open = await h.asOwner(`SELECT ${columns} FROM open_stage_clocks ORDER BY stage, subject_id, started_at`);
    const all = await h.asOwner(`SELECT ${columns} FROM stage_clocks WHERE ended_at IS NULL ORDER BY stage, subject_id, started_at`);
    expect(open).toEqual(all);
    return open.length;
  }

  let swept = 0;
  async function sweep() {
    expect(await expectOpenClocksAgree()).toBeGreaterThan(0);
    if (swept++ > 0) {
      await h.app.get(EscalationSweep).run({ runKey: `stage-clocks-${randomUUID()}`, at: new Date().toISOString() });
      return;
    }
    const before = (await h.http.as('admin').get('/api/escalations/sweeps')).body.runs.length as number;
    expect((await h.http.as('admin').post('/api/escalations/sweeps')).status).toBe(202);
    await eventually(
      async () => (await h.http.as('admin').get('/api/escalations/sweeps')).body.runs,
      (runs: any[]) => runs.length > before && runs.every((r) => r.finishedAt !== null),
    );
  }

  /** Who was told of a stage case: usernames by role. */
  const told = async (caseId: string) =>
    h.asOwner<{ username: string; role: string; kind: string }>(
      'SELECT u.username, u.role, n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.subject_id = $1 ORDER BY u.username',
      [caseId],
    );

  const declarations: Record<string, string> = {};
  const decisions: Record<string, string> = {};
  let appealId: string;
  let trancheId: string;

  it('gives the exact nearest-rank median and 90th percentile per month, agency and member', async () => {
    // Five declarations decided in Farvardin 1404 after 10, 20, 30, 40 and 50 hours: three by one
    // member (10, 30, 50), two by another (20, 40).
    const deciders: Record<string, string> = { A: 'committee.mict', B: 'committee.arao', C: 'committee.mict', D: 'committee.arao', E: 'committee.mict' };
    const farvardin10 = tehranMidnight({ year: 1404, month: 1, day: 10 }).getTime();
    for (const [k, code] of ['A', 'B', 'C', 'D', 'E'].entries()) {
      const declared = await declare(h.http, 'agency.demo', project.item(code), 20);
      const decided = await h.http.as(deciders[code]).post(`/api/declarations/${declared.id}/decision`, { decision: 'accept' });
      expect(decided.status).toBe(201);
      declarations[code] = declared.id;
      const decidedAt = new Date(farvardin10 + k * DAY);
      await h.asOwner('UPDATE verification_decisions SET decided_at = $2 WHERE declaration_id = $1 RETURNING id', [declared.id, decidedAt]);
      await h.asOwner('UPDATE progress_declarations SET declared_at = $2 WHERE id = $1', [declared.id, new Date(decidedAt.getTime() - (k + 1) * 10 * HOUR)]);
      decisions[code] = (await h.asOwner<{ id: string }>('SELECT id FROM verification_decisions WHERE declaration_id = $1', [declared.id]))[0].id;
    }

    const answer = await h.http.as('pbo.officer1').get('/api/committee/stage-times?from=1404-01&to=1404-01');
    expect(answer.status).toBe(200);
    expect([answer.body.from, answer.body.to]).toEqual(['1404-01', '1404-01']);
    expect(answer.body.limits).toEqual([
      { stage: 'declaration_decided', owner: 'committee', limitHours: 240 },
      { stage: 'field_checked', owner: 'committee', limitHours: 720 },
      { stage: 'appeal_decided', owner: 'committee', limitHours: 720 },
      { stage: 'tranche_approved', owner: 'pbo', limitHours: 240 },
      { stage: 'tranche_paid', owner: 'pbo', limitHours: 120 },
      { stage: 'remainder_decided', owner: 'pbo', limitHours: 720 },
    ]);
    const stage = answer.body.stages.find((s: any) => s.stage === 'declaration_decided');
    expect(stage.owner).toBe('committee');
    expect(stage.byMonth).toEqual([{ month: '1404-01', count: 5, medianHours: 30, p90Hours: 50 }]);
    expect(stage.byAgency).toEqual([
      expect.objectContaining({ organizationId: demoAgency, code: 'demo-agency', count: 5, medianHours: 30, p90Hours: 50 }),
    ]);
    const [mict, arao] = [await userId('committee.mict'), await userId('committee.arao')];
    expect(stage.byMember.map((m: any) => [m.userId, m.count, m.medianHours, m.p90Hours]).sort()).toEqual(
      [
        [mict, 3, 30, 50],
        [arao, 2, 20, 40],
      ].sort(),
    );
    // Nothing else ended in that month; the stages are all listed.
    expect(answer.body.stages.map((s: any) => s.stage)).toEqual(answer.body.limits.map((l: any) => l.stage));
    expect(answer.body.stages.filter((s: any) => s.stage !== 'declaration_decided').every((s: any) => s.byMonth.length === 0)).toBe(true);
  });

  it('refuses a month that is not one, naming the field; only the committee, PBO and admins may read', async () => {
    const bad = await h.http.as('committee.mict').get('/api/committee/stage-times?from=1404-13');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    const text = await h.http.as('committee.mict').get('/api/committee/stage-times?to=soon');
    expect(text.status).toBe(400);
    expect(text.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    const reversed = await h.http.as('committee.mict').get('/api/committee/stage-times?from=1404-05&to=1404-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    expect((await h.http.as('agency.demo').get('/api/committee/stage-times')).status).toBe(403);
    expect((await h.http.as('agency.demo').get('/api/committee/stage-cases')).status).toBe(403);
  });

  it('lists a declaration waiting past its limit, and the sweep makes it a committee case at level 3 that the committee hears of, not the agency', async () => {
    const declared = await declare(h.http, 'agency.demo', project.item('F'), 40);
    declarations.F = declared.id;
    await h.asOwner(`UPDATE progress_declarations SET declared_at = now() - interval '480 hours' WHERE id = $1`, [declared.id]);

    // An appeal undecided past its deadline (filed 40 days ago, due 10 days ago).
    const [appeal] = await h.asOwner<{ id: string }>(
      `INSERT INTO verification_appeals (decision_id, declaration_id, item_id, owner_agency_id, reason, filed_by, filed_at, deadline_at)
       VALUES ($1, $2, $3, $4, 'the site visit was skipped', $5, now() - interval '960 hours', now() - interval '240 hours') RETURNING id`,
      [decisions.A, declarations.A, project.item('A'), demoAgency, await userId('agency.demo')],
    );
    appealId = appeal.id;

    // A tranche whose gate opened 30 days ago, approved 20 days ago (exactly its 10-day limit: on time),
    // and never paid (past its 5-day limit). No workflow: its history is written as it would be.
    const [pbo1, pbo2] = [await userId('pbo.officer1'), await userId('pbo.officer2')];
    const [tranche] = await h.asOwner<{ id: string }>(
      `INSERT INTO tranches (project_id, number, amount_rials, state, state_seq, created_by, workflow_started)
       VALUES ($1, 99, 100, 'approved', 2, $2, true) RETURNING id`,
      [project.projectId, pbo1],
    );
    trancheId = tranche.id;
    await h.asOwner(
      `INSERT INTO tranche_events (tranche_id, seq, at, actor_id, from_state, to_state, reason) VALUES
         ($1, 1, now() - interval '720 hours', NULL, 'waiting_on_items', 'awaiting_approval', 'every gating item is 100% verified'),
         ($1, 2, now() - interval '480 hours', $2, 'awaiting_approval', 'approved', NULL)`,
      [trancheId, pbo2],
    );

    const before = (await h.http.as('committee.mict').get('/api/committee/stage-times')).body;
    const overOf = (body: any, stage: string, subjectId: string) => body.overLimit.find((o: any) => o.stage === stage && o.subjectId === subjectId);
    expect(overOf(before, 'declaration_decided', declared.id)).toEqual(
      expect.objectContaining({ owner: 'committee', itemId: project.item('F'), trancheId: null, projectCode: 'STG1', endedAt: null, limitHours: 240, caseId: null }),
    );
    expect(overOf(before, 'declaration_decided', declared.id).hours).toBeGreaterThanOrEqual(480);
    expect(overOf(before, 'appeal_decided', appealId)).toEqual(expect.objectContaining({ owner: 'committee', endedAt: null, limitHours: 720 }));
    expect(overOf(before, 'tranche_paid', trancheId)).toEqual(expect.objectContaining({ owner: 'pbo', trancheId, itemId: null, endedAt: null, limitHours: 120 }));
    // Approved exactly at its limit: on time.
    expect(overOf(before, 'tranche_approved', trancheId)).toBeUndefined();

    await sweep();

    const { body: live } = await h.http.as('committee.mict').get('/api/committee/stage-cases');
    const caseOf = (stage: string, subjectId: string) => live.items.find((c: any) => c.stage === stage && c.subjectId === subjectId);
    const declarationCase = caseOf('declaration_decided', declared.id);
    expect(declarationCase).toEqual(expect.objectContaining({ owner: 'committee', level: 3, itemId: project.item('F'), itemCode: 'F', projectCode: 'STG1', resolvedAt: null }));
    const heard = await told(declarationCase.id);
    expect(new Set(heard.map((n) => n.role))).toEqual(new Set(['committee']));
    expect(heard.map((n) => n.username)).toEqual(expect.arrayContaining(['committee.arao', 'committee.mict']));
    expect(heard.every((n) => n.kind === 'stage_case_opened')).toBe(true);

    // The appeal past its deadline: a committee case too.
    const appealCase = caseOf('appeal_decided', appealId);
    expect(appealCase).toEqual(expect.objectContaining({ owner: 'committee', level: 3, itemId: project.item('A') }));
    expect(new Set((await told(appealCase.id)).map((n) => n.role))).toEqual(new Set(['committee']));

    // The tranche approved and not paid: the PBO's case; its officers hear of it, the committee does not.
    const paidCase = caseOf('tranche_paid', trancheId);
    expect(paidCase).toEqual(expect.objectContaining({ owner: 'pbo', level: 3, trancheId, trancheNumber: 99 }));
    const pboHeard = await told(paidCase.id);
    expect(new Set(pboHeard.map((n) => n.role))).toEqual(new Set(['pbo']));
    expect(pboHeard.map((n) => n.username)).toEqual(expect.arrayContaining(['pbo.officer1', 'pbo.officer2']));
    expect(caseOf('tranche_approved', trancheId)).toBeUndefined();

    // The stage times name the case; the PBO reads the cases too.
    const after = (await h.http.as('pbo.officer1').get('/api/committee/stage-times')).body;
    expect(overOf(after, 'declaration_decided', declared.id).caseId).toBe(declarationCase.id);
    expect(overOf(after, 'tranche_paid', trancheId).caseId).toBe(paidCase.id);

    // A second sweep opens nothing new for the same stages (one live case each), and tells no one again.
    await sweep();
    const count = await h.asOwner<{ n: number }>(
      `SELECT count(*)::int AS n FROM stage_cases WHERE subject_id = ANY($1::uuid[])`,
      [[declared.id, appealId, trancheId]],
    );
    expect(count[0].n).toBe(3);
    expect((await told(declarationCase.id)).length).toBe(heard.length);
  });

  it('resolves the case at the next sweep once the stage ends, and counts the stage in the month it ended', async () => {
    const decided = await h.http.as('committee.arao').post(`/api/declarations/${declarations.F}/decision`, { decision: 'accept' });
    expect(decided.status).toBe(201);
    await sweep();
    const { body: resolved } = await h.http.as('admin').get('/api/committee/stage-cases?status=resolved');
    const kase = resolved.items.find((c: any) => c.stage === 'declaration_decided' && c.subjectId === declarations.F);
    expect(kase).toEqual(expect.objectContaining({ owner: 'committee', level: 3, resolvedAt: expect.any(String) }));
    const { body: live } = await h.http.as('admin').get('/api/committee/stage-cases');
    expect(live.items.some((c: any) => c.subjectId === declarations.F)).toBe(false);
    expect(live.items.some((c: any) => c.subjectId === appealId)).toBe(true);

    // Ended now, after 20 days: in this month's statistics (the default range ends with it), and over its limit.
    const { body } = await h.http.as('committee.mict').get('/api/committee/stage-times');
    const over = body.overLimit.find((o: any) => o.stage === 'declaration_decided' && o.subjectId === declarations.F);
    expect(over).toEqual(expect.objectContaining({ endedAt: expect.any(String), caseId: kase.id }));
    const stage = body.stages.find((s: any) => s.stage === 'declaration_decided');
    expect(stage.byMonth.reduce((n: number, m: any) => n + m.count, 0)).toBeGreaterThanOrEqual(1);
  });
});
