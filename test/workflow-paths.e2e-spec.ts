/**
 * Rare paths of the tranche workflow, run for real and recorded as replay fixtures
 * (PELEKAN_RECORD_HISTORIES=1): a gate noticed only by the periodic re-check, a running workflow taking
 * its re-check interval from the setting rather than its input, a continue-as-new, a release the
 * payment transaction refuses, and a lost signal recovered by the scheduled gate reconciler.
 */
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  type GateReconciliation,
  RECHECK_FROM_SETTING_PATCH,
  RELEASE_RULES_PATCH,
  TRANCHE_WORKFLOW_TYPE,
  trancheReconcileScheduleId,
  trancheWorkflowId,
  type TrancheWorkflowInput,
} from '@pelekan/workflows/tranche.contract';
import { orgId, projectWithPlan } from './support/fixtures';
import { Harness, startHarness } from './support/harness';
import { recordHistory, recordWorkflowHistory } from './support/histories';
import { eventually } from './support/http';

describe('rare paths of the tranche workflow', () => {
  let h: Harness;
  let connection: Connection;
  let temporalClient: Client;
  let demoAgency: string;
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;
  const userId = async (username: string) =>
    (await h.db.query('SELECT id FROM users WHERE username = $1', [username]))[0].id as string;
  const ledgerEntries = async (trancheId: string) =>
    (await h.db.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [trancheId])).length;

  beforeAll(async () => {
    // A one-second re-check, so the timer path fires within the test; the gate reconciler (its own suite
    // below) practically never runs here, so only the re-check can notice a gate changed behind the API.
    h = await startHarness({ demoData: true, env: { GATE_RECHECK_INTERVAL: '1 second', TRANCHE_RECONCILE_INTERVAL: '30 days' } });
    connection = await Connection.connect({ address: h.env.TEMPORAL_ADDRESS });
    temporalClient = new Client({ connection, namespace: h.env.TEMPORAL_NAMESPACE });
    demoAgency = await orgId(h.http, 'demo-agency');
  });
  afterAll(async () => {
    await connection?.close();
    await h?.close();
  });

  /** A one-item project X with a tranche funding all of it; nothing gates the tranche. */
  const ungatedTranche = async (code: string) => {
    const p = await projectWithPlan(h.http, code, demoAgency, { items: [{ code: 'X', weight: 100, budgetRials: '500' }], links: [] });
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('X')] });
    expect(created.status).toBe(201);
    expect(created.body.gate).toEqual([]);
    return created.body.id as string;
  };

  /** A project with items X → Y and a tranche funding Y, so gated on X. */
  const gatedTranche = async (code: string) => {
    const p = await projectWithPlan(h.http, code, demoAgency, {
      items: [
        { code: 'X', weight: 50, budgetRials: '500' },
        { code: 'Y', weight: 50, budgetRials: '500' },
      ],
      links: [{ from: 'X', to: 'Y' }],
    });
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('Y')] });
    expect(created.body.gate.map((g: any) => g.code)).toEqual(['X']);
    return { id: created.body.id as string, gateItem: p.item('X') };
  };

  /**
   * A tranche whose workflow runs with a changed input. The API makes the tranche's id in the same
   * request that starts its workflow, so a test cannot start the workflow first; instead the API's run
   * is replaced before it ever runs. With the worker stopped it has executed no workflow task (no
   * database write, nothing in its history but its start); the replacement gets the API's own input,
   * changed, under the same workflow id, which the API keeps addressing (latest run) as in production.
   */
  const trancheWithInput = async <T extends { id: string }>(create: () => Promise<T>, change: Partial<TrancheWorkflowInput>) => {
    await h.stopWorker();
    try {
      const tranche = await create();
      const apiInput = await inputOf(temporalClient.workflow.getHandle(trancheWorkflowId(tranche.id)));
      expect(apiInput).toEqual({ trancheId: tranche.id, createdBy: await userId('pbo.officer1'), recheckEvery: '1 second' });
      const run = await temporalClient.workflow.start(TRANCHE_WORKFLOW_TYPE, {
        taskQueue: h.env.TEMPORAL_TASK_QUEUE,
        workflowId: trancheWorkflowId(tranche.id),
        args: [{ ...apiInput, ...change } satisfies TrancheWorkflowInput],
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      });
      return { ...tranche, firstRunId: run.firstExecutionRunId };
    } finally {
      await h.startWorker();
    }
  };

  /**
   * Opens the gate behind the API's back, as a lost signal would leave it (the database changes, Temporal
   * hears nothing): the tranche must reach awaiting approval on its re-check timer alone. Then rejects it,
   * so the run ends and its recorded history is a whole one.
   */
  const openedByTheRecheckAlone = async (id: string, gateItem: string, handle: WorkflowHandle) => {
    await h.asOwner('UPDATE action_items SET verified_percent = 100 WHERE id = $1', [gateItem]);
    const opened = await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
    expect(opened.history.at(-1)).toMatchObject({ toState: 'awaiting_approval', reason: 'every gating item is 100% verified' });
    const events = await eventsOf(handle);
    expect(events.some((e) => e.timerFiredEventAttributes)).toBe(true);
    expect(events.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);

    const rejected = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'reject', reason: 'the gate was opened outside the committee' });
    expect(rejected.status).toBe(201);
    await handle.result();
  };

  /** An ungated tranche whose workflow continues as new past `historyLimit` events. */
  const trancheWithHistoryLimit = (code: string, historyLimit: number) =>
    trancheWithInput(async () => ({ id: await ungatedTranche(code) }), { historyLimit });

  it('moves a waiting tranche to awaiting approval on the periodic re-check alone, with no signal', async () => {
    const { id, gateItem } = await gatedTranche('WP-TIMER');
    const handle = temporalClient.workflow.getHandle(trancheWorkflowId(id));
    // Only once the workflow has found the gate closed and sleeps on its re-check timer.
    await eventually(() => eventsOf(handle), (events) => events.some((e) => e.timerStartedEventAttributes));

    await openedByTheRecheckAlone(id, gateItem, handle);
    await recordHistory(h, id, 'recheck-timer-fired');
  });

  it('re-checks at the interval of the setting, not of its input: running workflows follow a changed setting', async () => {
    // Started as a workflow of an hourly setting would have been; the setting now says one second.
    const { id, gateItem } = await trancheWithInput(() => gatedTranche('WP-SETTING'), { recheckEvery: '1 hour' });
    const handle = temporalClient.workflow.getHandle(trancheWorkflowId(id));
    const sleeping = await eventually(() => eventsOf(handle), (events) => events.some((e) => e.timerStartedEventAttributes));
    // The patches, taken on the first gate check: an all-or-nothing tranche, under the setting's interval.
    expect(patchesIn(sleeping)).toEqual([RELEASE_RULES_PATCH, RECHECK_FROM_SETTING_PATCH]);
    const timeout = sleeping.find((e) => e.timerStartedEventAttributes)!.timerStartedEventAttributes!.startToFireTimeout!;
    expect(Number(timeout.seconds)).toBeLessThanOrEqual(2); // the setting (1 s, jittered, at least 1 s), not the input's hour

    await openedByTheRecheckAlone(id, gateItem, handle);
    await recordHistory(h, id, 'recheck-interval-from-setting');
  });

  it('continues as new past its history limit and the next run still releases the tranche', async () => {
    const historyLimit = 120;
    const { id, firstRunId } = await trancheWithHistoryLimit('WP-CAN', historyLimit);

    await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
    // The one-second re-check alone grows the history past the limit within seconds.
    const firstRun = temporalClient.workflow.getHandle(trancheWorkflowId(id), firstRunId);
    await eventually(() => firstRun.describe(), (d) => d.status.name === 'CONTINUED_AS_NEW', 60_000);

    const approved = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' });
    expect(approved.status).toBe(201);
    const released = await eventually(() => tranche(id), (t) => t.state === 'released');
    expect(released.history.map((e: any) => e.toState)).toEqual(['waiting_on_items', 'awaiting_approval', 'approved', 'released']);
    expect(await ledgerEntries(id)).toBe(1);

    // The release happened in a later run, which carried the limit and the tranche's state over.
    expect((await eventsOf(firstRun)).at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    const workflow = temporalClient.workflow.getHandle(trancheWorkflowId(id));
    expect(await workflow.result()).toMatchObject({ state: 'released' });
    const latest = await workflow.describe();
    expect(latest.runId).not.toBe(firstRunId);
    expect(latest.status.name).toBe('COMPLETED');
    expect(await inputOf(temporalClient.workflow.getHandle(trancheWorkflowId(id), latest.runId))).toMatchObject({
      historyLimit,
      resume: { state: 'awaiting_approval' },
    });
    await recordWorkflowHistory(h, trancheWorkflowId(id), 'continued-as-new', firstRunId);
  });

  it('sends a tranche back to awaiting approval when payment refuses the approver, then releases on a proper approval', async () => {
    const id = await ungatedTranche('WP-REFUSED');
    await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval');
    const handle = temporalClient.workflow.getHandle(trancheWorkflowId(id));

    // Straight to Temporal, naming an agency user: the workflow accepts it, the payment transaction does not.
    const answer = await handle.executeUpdate('decide', { args: [{ action: 'approve', actorId: await userId('agency.demo') }] });
    expect(answer).toMatchObject({ state: 'approved' });
    const refused = await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval' && t.history.length >= 4);
    expect(refused.history.at(-1)).toMatchObject({
      fromState: 'approved',
      toState: 'awaiting_approval',
      reason: 'approval voided before payment: the approver is not an active PBO officer',
    });
    expect(await ledgerEntries(id)).toBe(0);

    const approved = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' });
    expect(approved.status).toBe(201);
    const released = await eventually(() => tranche(id), (t) => t.state === 'released');
    expect(released.history.map((e: any) => e.toState)).toEqual([
      'waiting_on_items',
      'awaiting_approval',
      'approved',
      'awaiting_approval',
      'approved',
      'released',
    ]);
    expect(await ledgerEntries(id)).toBe(1);
    await handle.result();
    await recordHistory(h, id, 'release-refused');
  });
});

describe('the gate reconciler: a lost signal recovered without the re-check', () => {
  let h: Harness;
  let connection: Connection;
  let temporalClient: Client;
  const tranche = async (id: string) => (await h.http.as('pbo.officer1').get(`/api/tranches/${id}`)).body;

  beforeAll(async () => {
    // The re-check is an hour away, so only the reconciler, every two seconds, can notice in time.
    h = await startHarness({ demoData: true, env: { GATE_RECHECK_INTERVAL: '1 hour', TRANCHE_RECONCILE_INTERVAL: '2 seconds' } });
    connection = await Connection.connect({ address: h.env.TEMPORAL_ADDRESS });
    temporalClient = new Client({ connection, namespace: h.env.TEMPORAL_NAMESPACE });
  });
  afterAll(async () => {
    // The schedule outlives the worker otherwise, starting runs nobody polls for.
    await temporalClient?.schedule.getHandle(trancheReconcileScheduleId(h.env.TEMPORAL_TASK_QUEUE)).delete().catch(() => undefined);
    await connection?.close();
    await h?.close();
  });

  it('signals a tranche whose gate opened, then closed, behind the API, and nothing else', async () => {
    const demoAgency = await orgId(h.http, 'demo-agency');
    const p = await projectWithPlan(h.http, 'WP-RECONCILE', demoAgency, {
      items: [
        { code: 'X', weight: 50, budgetRials: '500' },
        { code: 'Y', weight: 50, budgetRials: '500' },
      ],
      links: [{ from: 'X', to: 'Y' }],
    });
    const created = await h.http.as('pbo.officer1').post(`/api/projects/${p.projectId}/tranches`, { fundedItemIds: [p.item('Y')] });
    const id = created.body.id as string;
    const handle = temporalClient.workflow.getHandle(trancheWorkflowId(id));
    await eventually(() => eventsOf(handle), (events) => events.some((e) => e.timerStartedEventAttributes));
    const signals = async () => (await eventsOf(handle)).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    expect(await signals()).toBe(0);

    // As a lost signal leaves it: verified in the database, Temporal told nothing.
    await h.asOwner('UPDATE action_items SET verified_percent = 100 WHERE id = $1', [p.item('X')]);
    const opened = await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval', 20_000);
    expect(opened.history.at(-1)).toMatchObject({ toState: 'awaiting_approval', reason: 'every gating item is 100% verified' });

    // A revocation whose signal was lost: the reconciler finds the gate closed under a tranche awaiting approval.
    await h.asOwner('UPDATE action_items SET verified_percent = 60 WHERE id = $1', [p.item('X')]);
    const closed = await eventually(() => tranche(id), (t) => t.state === 'waiting_on_items', 20_000);
    expect(closed.history.at(-1)).toMatchObject({ toState: 'waiting_on_items', reason: 'a gating item is no longer 100% verified' });

    // The reconciler's recent runs (a schedule keeps the last few): one that signalled is a replay fixture.
    const schedule = await temporalClient.schedule.getHandle(trancheReconcileScheduleId(h.env.TEMPORAL_TASK_QUEUE)).describe();
    const runs = await Promise.all(
      schedule.info.recentActions.map(async ({ action: { workflow } }) => ({
        workflow,
        result: (await temporalClient.workflow.getHandle(workflow.workflowId, workflow.firstExecutionRunId).result()) as GateReconciliation,
      })),
    );
    const signalling = runs.find((r) => r.result.signalled > 0);
    expect(signalling).toBeDefined();

    // Settled: a tranche whose state agrees with its gate is left alone, however often the reconciler runs.
    await new Promise((r) => setTimeout(r, 3_000));
    const settled = await signals();
    expect(settled).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await signals()).toBe(settled);
    expect((await eventsOf(handle)).some((e) => e.timerFiredEventAttributes)).toBe(false);

    // Opened once more (only a tranche awaiting a decision can be rejected), then rejected, to end the run.
    await h.asOwner('UPDATE action_items SET verified_percent = 100 WHERE id = $1', [p.item('X')]);
    await eventually(() => tranche(id), (t) => t.state === 'awaiting_approval', 20_000);
    const rejected = await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'reject', reason: 'ends the test' });
    expect(rejected.status).toBe(201);
    await handle.result();
    await recordHistory(h, id, 'gate-reconciled');
    await recordWorkflowHistory(h, signalling!.workflow.workflowId, 'tranche-reconcile', signalling!.workflow.firstExecutionRunId);
  });
});

/** A run's history events, in order. */
async function eventsOf(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

/** The ids of the patches a run's markers record, in order. */
function patchesIn(events: Awaited<ReturnType<typeof eventsOf>>): string[] {
  return events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => defaultPayloadConverter.fromPayload<{ id: string }>(e.markerRecordedEventAttributes!.details!['patch-data'].payloads![0]).id);
}

/** The input a run was started with. */
async function inputOf(handle: WorkflowHandle): Promise<TrancheWorkflowInput> {
  const [started] = await eventsOf(handle);
  return defaultPayloadConverter.fromPayload(started.workflowExecutionStartedEventAttributes!.input!.payloads![0]);
}
