/**
 * Money follows results (issue 12), over HTTP on real Temporal and PostgreSQL: pro-rata installments
 * (the worked example), a banded tranche lapsing at its due date and each decision on its
 * remainder, a revocation after an installment, concurrent approvals of one installment, and a worker
 * killed in the middle of paying one.
 */
import { Client, Connection } from '@temporalio/client';
import { trancheWorkflowId } from '@pelekan/workflows/tranche.contract';
import { formatJalali, toJalali } from '@pelekan/core';
import { declare } from './support/demo';
import { createUser, orgId, projectWithPlan, type PlanItemInput } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { recordHistory } from './support/histories';
import { eventually } from './support/http';
import { assertLedgerInvariants } from './support/ledger-invariants';
import { spawnWorker, spawnWorkerKilledAt } from './support/worker-process';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('money follows results', () => {
  let h: Harness;
  let agency: string;
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
  const until = (id: string, test: (t: any) => boolean, ms = 30_000) => eventually(() => tranche(id), test, ms);

  /** The owner declares `percent` and the committee accepts it: the item is verified at `percent`. */
  const verify = async (itemId: string, percent: number) => {
    const d = await declare(h.http, 'agency.demo', itemId, percent);
    const decided = await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'accept' });
    expect(decided.status).toBe(201);
    return decided.body.decision.id as string;
  };
  const approve = async (id: string, user = 'pbo.officer2') => {
    const answer = await h.http.as(user).post(`/api/tranches/${id}/decision`, { action: 'approve' });
    expect(answer.status).toBe(201);
    return answer;
  };
  const project = (code: string, items: PlanItemInput[], budgetRials?: string) =>
    projectWithPlan(h.http, code, agency, { items, links: [] }, budgetRials ? { budgetRials } : {});
  const create = async (projectId: string, body: Record<string, unknown>) => {
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, body);
    expect(created.status).toBe(201);
    return created.body;
  };
  const entriesOf = async (id: string) =>
    h.db.query('SELECT installment, amount_rials::text AS amount FROM ledger_entries WHERE tranche_id = $1 ORDER BY installment', [id]);

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    agency = await orgId(h.http, 'demo-agency');
    await createUser(h.http, 'pbo.officer3', 'pbo', null);
  });
  afterAll(() => h?.close());

  it('refuses bad release rules with 400 naming the field', async () => {
    const p = await project('MFR-BAD', [{ code: 'X', weight: 100, budgetRials: '1000' }]);
    const post = (body: Record<string, unknown>) =>
      h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')], ...body });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ releaseRule: { kind: 'pro_rata' } }, 'releaseRule.minInstallmentRials'],
      [{ releaseRule: { kind: 'pro_rata', minInstallmentRials: '1.5' } }, 'releaseRule.minInstallmentRials'],
      [{ releaseRule: { kind: 'banded', bands: [{ fromPercent: 80, payPercent: 100 }] } }, 'dueAt'],
      [{ releaseRule: { kind: 'banded', bands: [{ fromPercent: 50, payPercent: 70 }, { fromPercent: 80, payPercent: 100 }] }, dueAt: inSeconds(3600) }, 'releaseRule.bands[1].fromPercent'],
      [{ releaseRule: { kind: 'banded', bands: [{ fromPercent: 80, payPercent: 100 }, { fromPercent: 80, payPercent: 70 }] }, dueAt: inSeconds(3600) }, 'releaseRule.bands[1].fromPercent'],
      [{ releaseRule: { kind: 'banded', bands: [{ fromPercent: 101, payPercent: 100 }] }, dueAt: inSeconds(3600) }, 'releaseRule.bands[0].fromPercent'],
      [{ releaseRule: { kind: 'lottery' } }, 'releaseRule.kind'],
      [{ dueAt: '2020-01-01T00:00:00Z' }, 'dueAt'],
      [{ dueAt: 'tomorrow' }, 'dueAt'],
    ];
    for (const [body, field] of cases) {
      const answer = await post(body);
      expect([JSON.stringify(body), answer.status]).toEqual([JSON.stringify(body), 400]);
      expect(answer.body.errors.map((e: any) => e.field)).toContain(field);
    }
  });

  it('pays the worked example in three installments: 300,000 + 350,001 + 350,002 = 1,000,003 rials', async () => {
    const p = await project('MFR-PRORATA', [
      { code: 'P', weight: 30, budgetRials: '300001' },
      { code: 'Q', weight: 70, budgetRials: '700002' },
    ]);
    const t = await create(p.projectId, {
      fundedItemIds: [p.item('P'), p.item('Q')],
      amountRials: '1000003',
      releaseRule: { kind: 'pro_rata', minInstallmentRials: '1' },
    });
    expect(t).toMatchObject({ releaseRule: { kind: 'pro_rata', minInstallmentRials: '1' }, dueAt: null, earnedRials: '0', releasedRials: '0' });

    await verify(p.item('P'), 100);
    const first = await until(t.id, (x) => x.state === 'awaiting_approval');
    expect(first.nextInstallment).toMatchObject({ number: 1, payableRials: '300000', final: false });
    expect(first.earnedRials).toBe('300000');
    // Four eyes on every installment.
    const byCreator = await h.http.as('pbo.officer1').post(`/api/tranches/${t.id}/decision`, { action: 'approve' });
    expect(byCreator.status).toBe(403);
    await approve(t.id);
    const paid1 = await until(t.id, (x) => x.installments.length === 1 && x.state === 'waiting_on_items');
    expect(paid1.installments[0]).toMatchObject({ number: 1, amountRials: '300000', state: 'released', approvedByName: expect.any(String) });
    expect(paid1).toMatchObject({ releasedRials: '300000', earnedRials: '300000', shortfallRials: '0' });
    expect(paid1.waitsOn).toEqual([expect.objectContaining({ kind: 'earned_progress', wait: 'nothing_new_earned' })]);

    await verify(p.item('Q'), 50);
    const second = await until(t.id, (x) => x.state === 'awaiting_approval');
    expect(second).toMatchObject({ earnedRials: '650001', nextInstallment: { number: 2, payableRials: '350001' } });
    await approve(t.id);
    await until(t.id, (x) => x.installments.length === 2 && x.state === 'waiting_on_items');

    await verify(p.item('Q'), 100);
    const third = await until(t.id, (x) => x.state === 'awaiting_approval');
    expect(third.nextInstallment).toMatchObject({ number: 3, payableRials: '350002', final: true });
    await approve(t.id, 'pbo.officer3');
    const released = await until(t.id, (x) => x.state === 'released');
    expect(released.installments.map((i: any) => i.amountRials)).toEqual(['300000', '350001', '350002']);
    expect(released).toMatchObject({ releasedRials: '1000003', earnedRials: '1000003', undisbursedRials: '0', nextInstallment: null });
    expect(await entriesOf(t.id)).toEqual([
      { installment: 1, amount: '300000' },
      { installment: 2, amount: '350001' },
      { installment: 3, amount: '350002' },
    ]);
    const entries = await h.http.as('pbo.officer1').get(`/api/ledger/entries?projectId=${p.projectId}`);
    expect(entries.body.items).toHaveLength(3);
    await assertLedgerInvariants(h);
    const projectView = await h.http.as('pbo.officer1').get(`/api/projects/${p.projectId}`);
    expect(projectView.body).toMatchObject({ committedRials: '1000003', releasedRials: '1000003' });
    await recordHistory(h, t.id, 'pro-rata-installments');
  });

  it('never pays negative after a verification is revoked: the next installment waits until earned passes released', async () => {
    const p = await project('MFR-REVOKE', [
      { code: 'P', weight: 50, budgetRials: '500' },
      { code: 'Q', weight: 50, budgetRials: '500' },
    ]);
    const t = await create(p.projectId, {
      fundedItemIds: [p.item('P'), p.item('Q')],
      releaseRule: { kind: 'pro_rata', minInstallmentRials: '100' },
    });
    const decisionP = await verify(p.item('P'), 100);
    await until(t.id, (x) => x.state === 'awaiting_approval');
    await approve(t.id);
    await until(t.id, (x) => x.installments.length === 1 && x.state === 'waiting_on_items');

    const revoked = await h.http.as('committee.mict').post(`/api/verification-decisions/${decisionP}/revoke`, { reason: 'the site visit found no work' });
    expect(revoked.status).toBe(201);
    const short = await until(t.id, (x) => x.shortfallRials === '500');
    expect(short).toMatchObject({ earnedRials: '0', releasedRials: '500', state: 'waiting_on_items' });
    expect(short.waitsOn).toEqual([expect.objectContaining({ kind: 'earned_progress', wait: 'shortfall' })]);

    // Q at 100% earns 500 again: exactly what was released, so still nothing to pay.
    await verify(p.item('Q'), 100);
    const even = await until(t.id, (x) => x.earnedRials === '500');
    expect(even).toMatchObject({ shortfallRials: '0', state: 'waiting_on_items', installments: [expect.objectContaining({ amountRials: '500' })] });
    expect(even.nextInstallment).toMatchObject({ payableRials: '0', waitingFor: 'nothing_new_earned' });

    // P verified again: everything is 100%, the last installment pays the exact remainder.
    await verify(p.item('P'), 100);
    await until(t.id, (x) => x.state === 'awaiting_approval');
    await approve(t.id);
    const done = await until(t.id, (x) => x.state === 'released');
    expect(done.installments.map((i: any) => i.amountRials)).toEqual(['500', '500']);
    await assertLedgerInvariants(h);
  });

  it('approves one installment once when two officers approve at the same moment', async () => {
    const p = await project('MFR-RACE', [{ code: 'X', weight: 100, budgetRials: '900' }]);
    const t = await create(p.projectId, { fundedItemIds: [p.item('X')], releaseRule: { kind: 'pro_rata', minInstallmentRials: '1' } });
    await verify(p.item('X'), 40);
    await until(t.id, (x) => x.state === 'awaiting_approval');
    const answers = await Promise.all(
      ['pbo.officer2', 'pbo.officer3'].map((u) => h.http.as(u).post(`/api/tranches/${t.id}/decision`, { action: 'approve' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const paid = await until(t.id, (x) => x.installments.length === 1);
    expect(paid.installments[0].amountRials).toBe('360');
    expect(await entriesOf(t.id)).toEqual([{ installment: 1, amount: '360' }]);
  });

  describe('a banded tranche at its due date', () => {
    const bands = [
      { fromPercent: 80, payPercent: 100 },
      { fromPercent: 50, payPercent: 70 },
      { fromPercent: 30, payPercent: 40 },
    ];
    /** A project whose banded tranche (items A, B; 1,000 rials) reaches 65% and lapses, plus an open tranche on C. */
    const lapsedBanded = async (code: string) => {
      const p = await project(code, [
        { code: 'A', weight: 25, budgetRials: '500' },
        { code: 'B', weight: 25, budgetRials: '500' },
        { code: 'C', weight: 50, budgetRials: '2000' },
      ]);
      const banded = await create(p.projectId, {
        fundedItemIds: [p.item('A'), p.item('B')],
        releaseRule: { kind: 'banded', bands },
        dueAt: inSeconds(12),
      });
      const other = await create(p.projectId, { fundedItemIds: [p.item('C')], amountRials: '1000' });
      await verify(p.item('A'), 100);
      await verify(p.item('B'), 30);
      // 65%: below the top band, so nothing pays before the due date.
      const before = await tranche(banded.id);
      expect(before).toMatchObject({ state: 'waiting_on_items', fundedVerifiedHundredths: 6500 });
      expect(before.waitsOn).toEqual([expect.objectContaining({ kind: 'earned_progress', wait: 'below_top_band' })]);
      const due = await until(banded.id, (x) => x.state === 'awaiting_approval', 40_000);
      expect(due.nextInstallment).toMatchObject({ payableRials: '700', final: true });
      await approve(banded.id);
      const lapsed = await until(banded.id, (x) => x.state === 'lapsed');
      expect(lapsed).toMatchObject({ releasedRials: '700', undisbursedRials: '300' });
      expect(lapsed.waitsOn).toEqual([{ kind: 'remainder_decision', excludedDecider: lapsed.createdBy }]);
      const pipeline = await h.http.as('pbo.officer2').get('/api/tranches?state=lapsed');
      expect(pipeline.body.items.map((x: any) => x.id)).toContain(banded.id);
      return { p, banded, other };
    };
    const decide = (id: string, body: Record<string, unknown>, user = 'pbo.officer2') =>
      h.http.as(user).post(`/api/tranches/${id}/remainder`, { reason: 'decided at the monthly review', ...body });

    it('pays 70% at 65% verified, lapses 30%, and carries it forward into the other tranche exactly', async () => {
      const { p, banded, other } = await lapsedBanded('MFR-CARRY');
      const byCreator = await decide(banded.id, { action: 'carry_forward', targetTrancheId: other.id }, 'pbo.officer1');
      expect(byCreator.status).toBe(403);
      const noTarget = await decide(banded.id, { action: 'carry_forward' });
      expect(noTarget.status).toBe(400);
      expect(noTarget.body.errors.map((e: any) => e.field)).toEqual(['targetTrancheId']);
      const extendBanded = await decide(banded.id, { action: 'extend', dueAt: inSeconds(3600) });
      expect(extendBanded.status).toBe(400);

      const carried = await decide(banded.id, { action: 'carry_forward', targetTrancheId: other.id });
      expect(carried.status).toBe(201);
      expect(carried.body).toMatchObject({ state: 'closed', releasedRials: '700', undisbursedRials: '0' });
      expect(carried.body.remainderDecisions).toEqual([
        expect.objectContaining({ action: 'carry_forward', status: 'applied', remainderRials: '300', targetTrancheId: other.id }),
      ]);
      const grown = await tranche(other.id);
      expect(grown.amountRials).toBe('1300');
      expect(grown.carriedIn).toEqual([expect.objectContaining({ fromTrancheId: banded.id, amountRials: '300' })]);
      const again = await decide(banded.id, { action: 'return_to_budget' });
      expect(again.status).toBe(409);
      const projectView = await h.http.as('pbo.officer1').get(`/api/projects/${p.projectId}`);
      expect(projectView.body).toMatchObject({ committedRials: '2000', releasedRials: '700' });

      // The grown tranche pays its new amount, and its agency receives all of it.
      await verify(p.item('C'), 100);
      await until(other.id, (x) => x.state === 'awaiting_approval');
      await approve(other.id);
      const paid = await until(other.id, (x) => x.state === 'released');
      expect(paid.ledgerEntry.amountRials).toBe('1300');
      await assertLedgerInvariants(h);
      await recordHistory(h, banded.id, 'banded-lapsed-carried');
    });

    it('returns a lapsed remainder to the budget: the project commits less', async () => {
      const { p, banded } = await lapsedBanded('MFR-RETURN');
      const returned = await decide(banded.id, { action: 'return_to_budget' });
      expect(returned.status).toBe(201);
      expect(returned.body.state).toBe('closed');
      const projectView = await h.http.as('pbo.officer1').get(`/api/projects/${p.projectId}`);
      expect(projectView.body).toMatchObject({ committedRials: '1700', releasedRials: '700' });
      // The returned 300 rials can fund a new tranche again.
      const more = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, {
        fundedItemIds: [(await h.http.as('pbo.officer1').get(`/api/projects/${p.projectId}/action-plan`)).body.items.find((i: any) => i.code === 'A').id],
      });
      expect(more.status).toBe(400); // A is funded by the lapsed tranche already
      await assertLedgerInvariants(h);
    });

    it('extends a lapsed all-or-nothing tranche to a new due date, then pays it in full', async () => {
      // Y is gated on X: with X unverified at the due date, nothing was earned and all of it lapses.
      const p = await projectWithPlan(h.http, 'MFR-EXTEND', agency, {
        items: [
          { code: 'X', weight: 50, budgetRials: '800' },
          { code: 'Y', weight: 50, budgetRials: '800' },
        ],
        links: [{ from: 'X', to: 'Y' }],
      });
      const t = await create(p.projectId, { fundedItemIds: [p.item('Y')], dueAt: inSeconds(6) });
      const lapsed = await until(t.id, (x) => x.state === 'lapsed', 40_000);
      expect(lapsed).toMatchObject({ releasedRials: '0', undisbursedRials: '800' });
      const past = await decide(t.id, { action: 'extend', dueAt: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.errors.map((e: any) => e.field)).toEqual(['dueAt']);
      const extended = await decide(t.id, { action: 'extend', dueAt: inSeconds(3600) });
      expect(extended.status).toBe(201);
      expect(extended.body).toMatchObject({ state: 'waiting_on_items', undisbursedRials: '0' });
      await verify(p.item('X'), 100);
      await until(t.id, (x) => x.state === 'awaiting_approval');
      await approve(t.id);
      const paid = await until(t.id, (x) => x.state === 'released');
      expect(paid.installments.map((i: any) => i.amountRials)).toEqual(['800']);
      expect(paid.history.map((e: any) => e.toState)).toEqual(['waiting_on_items', 'lapsed', 'waiting_on_items', 'awaiting_approval', 'approved', 'released']);
      await recordHistory(h, t.id, 'lapsed-extended-released');
    });
  });

  it('shows installments, lapses and remainder decisions in the monthly pack, and released against earned on the portal', async () => {
    const month = formatJalali(toJalali(new Date())).slice(0, 7).replace('/', '-');
    const { body: pack } = await h.http.as('committee.mict').get(`/api/committee/pack?month=${month}`);
    const rows = pack.tranches.filter((r: any) => r.project.code === 'MFR-PRORATA');
    expect(rows.map((r: any) => [r.kind, r.detail.installment, r.detail.amountRials])).toEqual([
      ['released', 1, '300000'],
      ['released', 2, '350001'],
      ['released', 3, '350002'],
    ]);
    const carried = pack.tranches.filter((r: any) => r.project.code === 'MFR-CARRY').map((r: any) => [r.kind, r.detail.amountRials]);
    expect(carried).toEqual(expect.arrayContaining([['released', '700'], ['lapsed', '300'], ['closed', '300'], ['released', '1300']]));
    const payments = pack.tranches.filter((r: any) => r.kind === 'released' && r.project.code === 'MFR-PRORATA');
    const row = pack.byPortfolio.find((g: any) => g.key.code === 'P-MFR-PRORATA');
    expect(row).toMatchObject({ tranchesReleased: payments.length, releasedRials: '1000003' });

    const projects = await h.db.query(`SELECT id, code FROM projects WHERE code IN ('MFR-REVOKE', 'MFR-CARRY')`);
    const carryProject = projects.find((p: any) => p.code === 'MFR-CARRY');
    const { body: publicCarry } = await h.http.get(`/api/public/projects/${carryProject.id}`);
    expect(publicCarry.tranches.map((t: any) => [t.releaseRule, t.state, t.releasedRials, t.earnedRials])).toEqual([
      ['banded', 'closed', '700', '700'],
      ['all_or_nothing', 'released', '1300', '1300'],
    ]);
  });
});

describe.each(['release.afterCommit', 'release.beforeCommit'])('money follows results: worker killed mid-installment at %s', (failpoint) => {
  let h: Harness;
  let temporal: Client;
  beforeAll(async () => {
    h = await startHarness({ demoData: true, worker: false });
    temporal = new Client({ connection: await Connection.connect({ address: h.env.TEMPORAL_ADDRESS }), namespace: h.env.TEMPORAL_NAMESPACE });
  });
  afterAll(async () => {
    await temporal?.connection.close();
    await h?.close();
  });

  it('pays the installment once after another worker takes over', async () => {
    const doomed = await spawnWorkerKilledAt(h.env, failpoint);
    const agency = await orgId(h.http, 'demo-agency');
    const p = await projectWithPlan(h.http, failpoint === 'release.afterCommit' ? 'MFR-KILL-AFTER' : 'MFR-KILL-BEFORE', agency, {
      items: [
        { code: 'P', weight: 40, budgetRials: '400' },
        { code: 'Q', weight: 60, budgetRials: '600' },
      ],
      links: [],
    });
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, {
      fundedItemIds: [p.item('P'), p.item('Q')],
      releaseRule: { kind: 'pro_rata', minInstallmentRials: '1' },
    });
    const id = created.body.id as string;
    const d = await declare(h.http, 'agency.demo', p.item('P'), 100);
    await h.http.as('committee.mict').post(`/api/declarations/${d.id}/decision`, { decision: 'accept' });
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' })).status).toBe(201);

    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(doomed.killed()).toBe(true);
    const atCrash = await h.db.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [id]);
    expect(atCrash).toHaveLength(failpoint === 'release.afterCommit' ? 1 : 0);

    const rescuer = await spawnWorker(h.env);
    try {
      const after = await eventually(
        async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body,
        (t) => t.installments.length === 1 && t.state === 'waiting_on_items',
        60_000,
      );
      expect(after.installments[0].amountRials).toBe('400');
      const entries = await h.db.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [id]);
      expect(entries).toHaveLength(1);
      if (failpoint === 'release.afterCommit') expect(entries[0].id).toBe(atCrash[0].id);
      expect(after.history.filter((e: any) => e.detail?.ledgerEntryId)).toHaveLength(1);
      await assertLedgerInvariants(h);
      const handle = temporal.workflow.getHandle(trancheWorkflowId(id));
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await rescuer.stop();
    }
  });
});
