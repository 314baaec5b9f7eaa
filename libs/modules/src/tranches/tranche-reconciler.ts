import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { TERMINAL_TRANCHE_STATES } from '@pelekan/core';
import {
  type GateReconciliation,
  TRANCHE_RECONCILE_WORKFLOW_TYPE,
  trancheReconcileScheduleId,
} from '@pelekan/workflows/tranche.contract';
import { DomainEvents } from '../common/domain-events';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { TemporalClient } from '../temporal';
import { GatesRepository } from './gates.repository';
import { TrancheGates } from './tranche-gates';
import { TranchesRepository, type TrancheRef } from './tranches.repository';
import { TrancheWorkflows } from './tranche-workflows';

/** Tranches one reconciler run signals at most; the rest wait for the next run. */
const RECONCILE_LIMIT = 1_000;
/** Signals in flight at once. */
const SIGNAL_CONCURRENCY = 20;

/**
 * Keeps the tranche workflows in step with the database: starts the workflow of a tranche once it is
 * saved (and later, for one saved while Temporal was unreachable), wakes the tranches gated on an
 * item whose verification changed, and — the gate reconciler — finds the tranches whose gate opened or
 * closed without their workflow noticing (a lost signal) and signals them.
 */
@Injectable()
export class TrancheReconciler implements OnModuleInit {
  private readonly logger = new Logger(TrancheReconciler.name);

  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly gateRows: GatesRepository,
    private readonly workflows: TrancheWorkflows,
    private readonly gates: TrancheGates,
    private readonly events: DomainEvents,
    private readonly temporal: TemporalClient,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.on('itemVerificationChanged', ({ itemIds }) => this.gates.nudgeTranchesGatedBy(itemIds));
  }

  /** Starts the tranche's workflow (after its transaction committed); a failure is left to `startPendingWorkflows`. */
  async startWorkflow(tranche: TrancheRef): Promise<void> {
    try {
      await this.workflows.start(tranche);
      await this.db.transaction((tx) => this.tranches.markWorkflowStarted(tx, tranche.id));
    } catch (error) {
      // The tranche is saved; the reconciler starts its workflow once Temporal answers again.
      this.logger.warn(`tranche ${tranche.id} saved but its workflow did not start yet: ${(error as Error).message}`);
    }
  }

  /** Starts the workflows of tranches saved while Temporal was unreachable. */
  async startPendingWorkflows(limit = 500): Promise<number> {
    const pending = await this.tranches.withoutWorkflow(this.db.reader, TERMINAL_TRANCHE_STATES, limit);
    for (const tranche of pending) await this.startWorkflow(tranche);
    return pending.length;
  }

  /**
   * The gate reconciler's run: one set-based query finds the open tranches whose gate moved recently and
   * whose state disagrees with it now, and each is signalled (its workflow re-checks and moves). "Recently"
   * is twice the re-check interval: a change older than that has been seen by the workflow's own re-check,
   * so a tranche whose disagreement persists (no workflow to hear it) is not signalled forever.
   */
  async reconcileGates(): Promise<GateReconciliation> {
    const found = await this.gateRows.tranchesWithMovedGate(this.db.reader, {
      lookback: `${2 * durationMs(this.config.GATE_RECHECK_INTERVAL)} milliseconds`,
      waiting: 'waiting_on_items',
      deciding: ['awaiting_approval', 'held'],
      limit: RECONCILE_LIMIT,
    });
    let signalled = 0;
    for (let i = 0; i < found.length; i += SIGNAL_CONCURRENCY) {
      const sent = await Promise.all(found.slice(i, i + SIGNAL_CONCURRENCY).map((t) => this.workflows.signal(t)));
      signalled += sent.filter(Boolean).length;
    }
    if (signalled > 0) this.logger.log(`gate reconciler: signalled ${signalled} tranche(s) whose gate moved unnoticed`);
    return { found: found.length, signalled, withoutWorkflow: found.length - signalled };
  }

  get scheduleId(): string {
    return trancheReconcileScheduleId(this.temporal.taskQueue);
  }

  /**
   * Creates the gate reconciler's Temporal Schedule, or brings an existing one's interval in line with
   * TRANCHE_RECONCILE_INTERVAL. A Schedule, not a timer in each worker: one run per period however many
   * workers there are, overlapping runs skipped, and operators see, pause or trigger it in the Temporal UI.
   */
  async ensureSchedule(): Promise<void> {
    const seconds = Math.max(1, Math.round(durationMs(this.config.TRANCHE_RECONCILE_INTERVAL) / 1000));
    const spec: ScheduleSpec = { intervals: [{ every: seconds * 1000 }] };
    const client = this.temporal.client.schedule;
    try {
      await client.create({
        scheduleId: this.scheduleId,
        spec,
        action: { type: 'startWorkflow', workflowType: TRANCHE_RECONCILE_WORKFLOW_TYPE, taskQueue: this.temporal.taskQueue, args: [] },
        // A run missed while Temporal or the workers were down is made up once, not once per missed period.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${Math.max(seconds, 60)}s` },
      });
      this.logger.log(`gate reconciler schedule ${this.scheduleId} created (every ${this.config.TRANCHE_RECONCILE_INTERVAL})`);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.getHandle(this.scheduleId).update((current) => ({ ...current, spec }));
    }
  }
}
