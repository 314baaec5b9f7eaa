/**
 * A release is written once: under concurrent approvals, and when the worker dies in the middle of
 * the release activity (before or after its transaction commits) and another worker takes over.
 */
import { Client, Connection } from '@temporalio/client';
import { trancheWorkflowId } from '@pelekan/workflows/tranche.contract';
import { demoProject } from './support/demo';
import { createUser } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { recordHistory } from './support/histories';
import { eventually } from './support/http';
import { spawnWorker, spawnWorkerKilledAt } from './support/worker-process';

async function ledgerFor(h: Harness, trancheId: string) {
  return h.db.query('SELECT id, amount_rials::text AS amount FROM ledger_entries WHERE tranche_id = $1', [trancheId]);
}

async function treasuryBalance(h: Harness): Promise<string> {
  const [row] = await h.db.query(`SELECT balance_rials::text AS balance FROM ledger_accounts WHERE kind = 'treasury'`);
  return row?.balance ?? '0';
}

describe('exactly once: concurrent approvals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoData: true });
  });
  afterAll(() => h?.close());

  it('releases once when two officers approve at the same moment', async () => {
    await createUser(h.http, 'pbo.officer3', 'pbo', null);
    const { tranche } = await demoProject(h.http);
    const id = tranche(1);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');

    const answers = await Promise.all(
      ['pbo.officer2', 'pbo.officer3'].map((user) => h.http.as(user).post(`/api/tranches/${id}/decision`, { action: 'approve' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('not_awaiting_decision');

    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'released');
    expect(await ledgerFor(h, id)).toHaveLength(1);
    expect(await treasuryBalance(h)).toBe('-50000000000');
    const approvals = (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body.history.filter(
      (e: any) => e.toState === 'approved',
    );
    expect(approvals).toHaveLength(1);
  });
});

describe.each(['release.afterCommit', 'release.beforeCommit'])('exactly once: worker killed at %s', (failpoint) => {
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

  it('pays once after another worker takes over', async () => {
    const doomed = await spawnWorkerKilledAt(h.env, failpoint);
    const { tranche } = await demoProject(h.http);
    const id = tranche(1);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');

    const approval = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' });
    expect(approval.status).toBe(201);

    // The worker kills itself inside the release activity.
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(doomed.killed()).toBe(true);
    const entriesAtCrash = await ledgerFor(h, id);
    expect(entriesAtCrash).toHaveLength(failpoint === 'release.afterCommit' ? 1 : 0);

    // A fresh worker retries the activity once Temporal notices the attempt timed out.
    const rescuer = await spawnWorker(h.env);
    try {
      const outcome = await temporal.workflow.getHandle(trancheWorkflowId(id)).result();
      expect(outcome.state).toBe('released');
      const entries = await ledgerFor(h, id);
      expect(entries).toHaveLength(1);
      expect(outcome.ledgerEntryId).toBe(entries[0].id);
      if (failpoint === 'release.afterCommit') expect(entries[0].id).toBe(entriesAtCrash[0].id);
      expect(await treasuryBalance(h)).toBe('-50000000000');
      const [{ credits }] = await h.db.query(`SELECT coalesce(sum(credit_rials), 0)::text AS credits FROM ledger_postings`);
      expect(credits).toBe('50000000000');
      const tranche1 = (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body;
      expect(tranche1.state).toBe('released');
      expect(tranche1.history.filter((e: any) => e.toState === 'released')).toHaveLength(1);
      await recordHistory(h, id, `worker-killed-${failpoint.replace('.', '-')}`);
    } finally {
      await rescuer.stop();
    }
  });
});
