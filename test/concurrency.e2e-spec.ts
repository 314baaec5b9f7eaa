/**
 * Concurrency: parallel declarations, verifications, tranche creations and approvals on the same
 * items and tranches give one consistent outcome, and the audit chain stays whole.
 */
import { declare, pdfBytes } from './support/demo';
import { createUser, orgId, projectWithChain } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';

const ITO = 'information-technology-organization-of-iran';
const statuses = (answers: Array<{ status: number }>) => answers.map((a) => a.status).sort();

describe('concurrency', () => {
  let h: Harness;
  let org: string;
  let n = 0;
  const project = async (budget: string | null = '1000') => projectWithChain(h.http, `CONC-${++n}`, org, budget);
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;

  beforeAll(async () => {
    h = await startHarness({ demoData: true });
    org = await orgId(h.http, ITO);
    await createUser(h.http, 'agency.ito', 'agency', org);
    for (const u of ['pbo.officer3', 'pbo.officer4', 'pbo.officer5']) await createUser(h.http, u, 'pbo', null);
    await createUser(h.http, 'committee.arao2', 'committee', await orgId(h.http, 'administrative-and-recruitment-affairs-organization'));
  });
  afterAll(() => h?.close());

  it('parallel declarations on one item leave exactly one pending, the last one', async () => {
    const { item } = await project();
    const uploads = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => h.http.as('agency.ito').upload('/api/evidence', `${i}.pdf`, pdfBytes(`p${i}`))));
    const answers = await Promise.all(
      uploads.map((u, i) => h.http.as('agency.ito').post(`/api/items/${item('A')}/declarations`, { percent: 10 * (i + 1), note: 'x', evidenceIds: [u.body.id] })),
    );
    expect(statuses(answers)).toEqual([201, 201, 201, 201, 201, 201]);
    const rows = await h.db.query(`SELECT id, percent, status FROM progress_declarations WHERE item_id = $1 ORDER BY declared_at, id`, [item('A')]);
    expect(rows.filter((r: any) => r.status === 'pending')).toHaveLength(1);
    expect(rows.filter((r: any) => r.status === 'superseded')).toHaveLength(5);
    const [{ declared }] = await h.db.query('SELECT declared_percent AS declared FROM action_items WHERE id = $1', [item('A')]);
    expect(declared).toBe(rows.find((r: any) => r.status === 'pending').percent);

    // One evidence file backs one declaration, however many cite it at once.
    const shared = await h.http.as('agency.ito').upload('/api/evidence', 'shared.pdf', pdfBytes('shared'));
    const citing = await Promise.all(
      [1, 2, 3, 4].map(() => h.http.as('agency.ito').post(`/api/items/${item('B')}/declarations`, { percent: 5, note: 'x', evidenceIds: [shared.body.id] })),
    );
    expect(statuses(citing)).toEqual([201, 400, 400, 400]);
  });

  it('parallel verifications of one declaration record one decision', async () => {
    const { item } = await project();
    const declaration = await declare(h.http, 'agency.ito', item('A'), 100);
    const decisions = [
      ['committee.arao', { decision: 'accept' }],
      ['committee.arao2', { decision: 'reject', reason: 'no evidence of the migration' }],
      ['committee.arao', { decision: 'accept_lower', verifiedPercent: 60, reason: 'partly evidenced' }],
    ] as const;
    const answers = await Promise.all(decisions.map(([user, body]) => h.http.as(user).post(`/api/declarations/${declaration.id}/decision`, body)));
    expect(statuses(answers)).toEqual([201, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'declaration_not_pending')).toBe(true);
    const rows = await h.db.query('SELECT outcome, verified_percent FROM verification_decisions WHERE declaration_id = $1', [declaration.id]);
    expect(rows).toHaveLength(1);
    const [{ verified }] = await h.db.query('SELECT verified_percent AS verified FROM action_items WHERE id = $1', [item('A')]);
    expect(verified).toBe(rows[0].outcome === 'rejected' ? 0 : rows[0].verified_percent);
  });

  it('parallel tranches funding one item: one is created', async () => {
    const { projectId, item } = await project();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')] })));
    expect(statuses(answers)).toEqual([201, 400, 400, 400, 400]);
    expect((await h.db.query('SELECT count(*)::int AS n FROM tranches WHERE project_id = $1', [projectId]))[0].n).toBe(1);
  });

  it('parallel tranches that together exceed the budget: one is created', async () => {
    // Planned at 1000 rials before the budget was set, then budgeted at 700: the tranches must stay within 700.
    const { projectId, item } = await project(null);
    expect((await h.http.as('pbo.officer1').put(`/api/projects/${projectId}/budget`, { budgetRials: '700' })).status).toBe(200);
    const answers = await Promise.all([
      h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')] }),
      h.http.as('pbo.officer3').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('B')] }),
    ]);
    expect(statuses(answers)).toEqual([201, 400]);
    const [{ total }] = await h.db.query('SELECT sum(amount_rials)::text AS total FROM tranches WHERE project_id = $1', [projectId]);
    expect(BigInt(total)).toBeLessThanOrEqual(700n);
  });

  it('parallel approvals by four officers release once', async () => {
    const { projectId, item } = await project();
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('A')] });
    const id = created.body.id;
    await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
    const answers = await Promise.all(
      ['pbo.officer2', 'pbo.officer3', 'pbo.officer4', 'pbo.officer5'].map((u) => h.http.as(u).post(`/api/tranches/${id}/decision`, { action: 'approve' })),
    );
    expect(statuses(answers)).toEqual([201, 409, 409, 409]);
    const released = await eventually(() => tranche(id), (t) => t.state === 'released');
    expect(released.history.filter((e: any) => e.toState === 'approved')).toHaveLength(1);
    expect((await h.db.query('SELECT count(*)::int AS n FROM ledger_entries WHERE tranche_id = $1', [id]))[0].n).toBe(1);
  });

  it('an approval racing a revoked verification either pays or goes back to waiting, never both', async () => {
    for (let round = 0; round < 3; round++) {
      const { projectId, item } = await project();
      const declaration = await declare(h.http, 'agency.ito', item('A'), 100);
      const decided = await h.http.as('committee.arao').post(`/api/declarations/${declaration.id}/decision`, { decision: 'accept' });
      expect(decided.status).toBe(201);
      const created = await h.http.as('pbo.officer1').post(`/api/projects/${projectId}/tranches`, { fundedItemIds: [item('B')] });
      const id = created.body.id;
      await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
      const [approval, revocation] = await Promise.all([
        h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' }),
        h.http.as('committee.arao').post(`/api/verification-decisions/${decided.body.decision.id}/revoke`, { reason: 'the evidence was for another system' }),
      ]);
      expect(revocation.status).toBe(201);
      expect([201, 409]).toContain(approval.status);
      const settled = await eventually(
        () => tranche(id),
        (t) => t.state === 'released' || (t.state === 'waiting_on_items' && approval.status === 409) || (t.state === 'waiting_on_items' && t.history.some((e: any) => e.toState === 'waiting_on_items' && e.seq > 0)),
      );
      const entries = (await h.db.query('SELECT count(*)::int AS n FROM ledger_entries WHERE tranche_id = $1', [id]))[0].n;
      expect(entries).toBe(settled.state === 'released' ? 1 : 0);
    }
  });

  it('keeps the audit chain whole under all of that', async () => {
    const verified = await h.http.as('admin').get('/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: true, firstBadId: null });
  });
});

/**
 * A transaction is passed down, never reopened: no flow holds one pooled connection while it waits
 * for a second. With three connections, twelve committee decisions at once (each a transaction that
 * re-gates tranches and notifies) must all be served; a flow taking a second connection would wait on
 * a pool its siblings hold and answer 503 (or deadlock) instead.
 */
describe('concurrency on a small pool', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ demoData: true, env: { DB_POOL_SIZE: '3', DB_POOL_ACQUIRE_TIMEOUT_MS: '20000' } });
    await createUser(h.http, 'agency.ito', 'agency', await orgId(h.http, ITO));
  });
  afterAll(() => h?.close());

  it('serves twelve concurrent committee decisions on three connections', async () => {
    const declarations = [];
    for (let i = 1; i <= 6; i++) {
      const { item } = await projectWithChain(h.http, `POOL-${i}`, await orgId(h.http, ITO));
      declarations.push(await declare(h.http, 'agency.ito', item('A'), 100), await declare(h.http, 'agency.ito', item('B'), 50));
    }
    await h.http.as('committee.arao').get('/api/auth/me'); // one sign-in, not twelve at once
    const answers = await Promise.all(
      declarations.map((d) => h.http.as('committee.arao').post(`/api/declarations/${d.id}/decision`, { decision: 'accept' })),
    );
    expect(statuses(answers)).toEqual(Array(12).fill(201));
  });
});
