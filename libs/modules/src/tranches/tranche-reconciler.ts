import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TERMINAL_TRANCHE_STATES } from '@pelekan/core';
import { DomainEvents } from '../common/domain-events';
import { Database } from '../database/database';
import { TrancheGates } from './tranche-gates';
import { TranchesRepository, type TrancheRef } from './tranches.repository';
import { TrancheWorkflows } from './tranche-workflows';

/**
 * Keeps the tranche workflows in step with the database: starts the workflow of a tranche once it is
 * saved (and later, for one saved while Temporal was unreachable), and wakes the tranches gated on an
 * item whose verification changed.
 */
@Injectable()
export class TrancheReconciler implements OnModuleInit {
  private readonly logger = new Logger(TrancheReconciler.name);

  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly workflows: TrancheWorkflows,
    private readonly gates: TrancheGates,
    private readonly events: DomainEvents,
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
}
