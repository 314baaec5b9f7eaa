/**
 * Replays recorded histories of the tranche workflow against the current code. A change that would
 * make a running tranche behave differently on replay (non-determinism) fails here; such a change needs
 * `patched()` or a new workflow type. Histories are recorded by the integration tests with
 * PELEKAN_RECORD_HISTORIES=1 and committed under workflows/histories/.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, JSONToPayload } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECHECK_FROM_SETTING_PATCH, RELEASE_RULES_PATCH } from './tranche.contract';

const dir = join(__dirname, '..', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay (tranche, gate reconciler, escalation sweep and outbox dispatch)', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  });

  it('has recorded histories to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'worked-example-released.json',
        'held-then-rejected.json',
        'verification-revoked.json',
        'escalation-sweep.json',
        'recheck-timer-fired.json',
        'continued-as-new.json',
        'release-refused.json',
        'recheck-interval-from-setting.json',
        'gate-reconciled.json',
        'tranche-reconcile.json',
        'pro-rata-installments.json',
        'banded-lapsed-carried.json',
        'lapsed-extended-released.json',
        'outbox-dispatch-webhook.json',
      ]),
    );
  });

  // A fixture named for a rare path is worth replaying only if the run really took that path.
  it('has the rare paths its fixtures are named for', () => {
    const timer = eventsOf('recheck-timer-fired.json');
    expect(hasEvent(timer, 'TIMER_FIRED')).toBe(true);
    expect(hasEvent(timer, 'WORKFLOW_EXECUTION_SIGNALED')).toBe(false); // only the re-check could open the gate

    expect(hasEvent(eventsOf('continued-as-new.json'), 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW')).toBe(true);

    expect(activityResults(eventsOf('release-refused.json'), 'releaseTranche')).toEqual([
      expect.objectContaining({ outcome: 'refused', code: 'approver_not_pbo' }),
      expect.objectContaining({ outcome: 'released' }),
    ]);

    // Histories from before the patch (every one above) carry no marker and replay on the old branch.
    expect(patchesIn(timer)).toEqual([]);
    // The new path: started with an hour in its input, it waited the setting's second, under the patch.
    const setting = eventsOf('recheck-interval-from-setting.json');
    expect(patchesIn(setting)).toEqual([RECHECK_FROM_SETTING_PATCH]);
    expect(inputOf(setting)).toMatchObject({ recheckEvery: '1 hour' });
    const timers = setting.filter((e) => e.timerStartedEventAttributes).map((e) => parseFloat(e.timerStartedEventAttributes.startToFireTimeout));
    expect(timers.length).toBeGreaterThan(0);
    expect(Math.max(...timers)).toBeLessThanOrEqual(2);
    expect(hasEvent(setting, 'TIMER_FIRED')).toBe(true);

    // A lost signal recovered by the scheduled reconciler, the hour-long re-check never firing.
    const reconciled = eventsOf('gate-reconciled.json');
    expect(hasEvent(reconciled, 'WORKFLOW_EXECUTION_SIGNALED')).toBe(true);
    expect(hasEvent(reconciled, 'TIMER_FIRED')).toBe(false);
    expect(activityResults(eventsOf('tranche-reconcile.json'), 'reconcileGates')).toEqual([
      expect.objectContaining({ signalled: expect.any(Number) }),
    ]);

    // Money follows results: the results-based loop, under its patch.
    const proRata = eventsOf('pro-rata-installments.json');
    expect(patchesIn(proRata)).toContain(RELEASE_RULES_PATCH);
    expect(activityResults(proRata, 'releaseInstallment')).toEqual([
      expect.objectContaining({ outcome: 'released', installment: 1, amountRials: '300000', complete: false }),
      expect.objectContaining({ outcome: 'released', installment: 2, amountRials: '350001', complete: false }),
      expect.objectContaining({ outcome: 'released', installment: 3, amountRials: '350002', complete: true }),
    ]);
    const carried = eventsOf('banded-lapsed-carried.json');
    expect(hasEvent(carried, 'TIMER_FIRED')).toBe(true); // the due date
    expect(activityResults(carried, 'recordLapse')).toEqual([{ undisbursedRials: '300' }]);
    expect(activityResults(carried, 'applyRemainder')).toEqual([{ outcome: 'applied', state: 'closed' }]);
    const extended = eventsOf('lapsed-extended-released.json');
    expect(activityResults(extended, 'applyRemainder')).toEqual([{ outcome: 'applied', state: 'waiting_on_items' }]);
    expect(activityResults(extended, 'releaseInstallment')).toEqual([expect.objectContaining({ complete: true })]);

    // The webhook outbox's dispatcher, its poll an hour long: woken by commits (signals), and by a retry's
    // due time shortening its sleep (timers that fired long before the hour).
    const outbox = eventsOf('outbox-dispatch-webhook.json');
    expect(hasEvent(outbox, 'WORKFLOW_EXECUTION_SIGNALED')).toBe(true);
    expect(hasEvent(outbox, 'TIMER_FIRED')).toBe(true);
    const dispatched = activityResults(outbox, 'dispatchOutbox') as Array<{ delivered: number; failed: number; nextDueInMs: number | null }>;
    expect(dispatched.some((d) => d.failed > 0 && d.nextDueInMs !== null && d.nextDueInMs < 60_000)).toBe(true);
    expect(dispatched.some((d) => d.delivered > 0)).toBe(true);
  });

  it('replays every recorded history deterministically', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('./index') }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
  }, 120_000);
});

/** A recorded history's events, as the Temporal CLI exports them. */
type RecordedEvent = { eventId: string; eventType: string } & Record<string, any>;

function eventsOf(file: string): RecordedEvent[] {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')).events;
}

/** `type` without its prefix, e.g. TIMER_FIRED. */
function hasEvent(events: RecordedEvent[], type: string): boolean {
  return events.some((e) => e.eventType === `EVENT_TYPE_${type}`);
}

/** The ids of the patches a history's markers record, in order. */
function patchesIn(events: RecordedEvent[]): string[] {
  return events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => defaultPayloadConverter.fromPayload<{ id: string }>(JSONToPayload(e.markerRecordedEventAttributes.details['patch-data'].payloads[0])).id);
}

/** The input the run was started with. */
function inputOf(events: RecordedEvent[]): unknown {
  return defaultPayloadConverter.fromPayload(JSONToPayload(events[0].workflowExecutionStartedEventAttributes.input.payloads[0]));
}

/** The results of every completed run of the named activity, in order. */
function activityResults(events: RecordedEvent[], activityName: string): unknown[] {
  const scheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityName)
      .map((e) => e.eventId),
  );
  return events
    .filter((e) => scheduled.has(e.activityTaskCompletedEventAttributes?.scheduledEventId))
    .map((e) => defaultPayloadConverter.fromPayload(JSONToPayload(e.activityTaskCompletedEventAttributes.result.payloads[0])));
}
