import { Injectable, Logger } from '@nestjs/common';
import { periodSeconds, sweepClock } from '@pelekan/core';
import type { SweepOutcome, SweepRequest } from '@pelekan/workflows/escalation.contract';
import { Conflict, InvalidInput } from '../common/errors';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { EscalationSweepRepository } from './escalation-sweep.repository';
import { escalationPeriod, stageLimits } from './period';
import { type StageCaseCounts, StageCaseSweepRepository } from './stage-case-sweep.repository';

/**
 * The periodic sweep: one transaction over every item. The rules are core's (sweepClock: the cutoff
 * of what stalls and the cutoffs levels are judged by, recorded with the run beside the previous
 * run's; and the ladder the repository's SQL is generated from); a retry of the same run (same run
 * key) returns the run already recorded. The same transaction escalates the stages open past their
 * limit (StageCaseSweepRepository: stage cases of the committee or the PBO).
 */
@Injectable()
export class EscalationSweep {
  private readonly logger = new Logger(EscalationSweep.name);

  constructor(
    private readonly db: Database,
    private readonly sweeps: EscalationSweepRepository,
    private readonly stageCases: StageCaseSweepRepository,
    private readonly config: AppConfig,
  ) {}

  async run(request: SweepRequest): Promise<SweepOutcome> {
    if (typeof request.runKey !== 'string' || request.runKey.trim() === '') throw InvalidInput.field('runKey', 'must name the run');
    const at = new Date(request.at);
    if (typeof request.at !== 'string' || Number.isNaN(at.getTime())) throw InvalidInput.field('at', 'must be an ISO 8601 instant');
    const period = escalationPeriod(this.config);
    const limits = stageLimits(this.config);
    let stages: StageCaseCounts | null = null;
    const outcome = await this.db.transaction(async (tx) => {
      await this.sweeps.lockSweeps(tx);
      const done = await this.sweeps.findRun(tx, request.runKey);
      if (done) {
        const { at: doneAt, ...recorded } = done;
        if (doneAt.getTime() !== at.getTime()) {
          throw new Conflict(
            `sweep run ${request.runKey} already ran for ${doneAt.toISOString()}, not ${at.toISOString()}`,
            'sweep_run_key_reused',
          );
        }
        return recorded;
      }
      const clock = sweepClock(at, period, await this.sweeps.latestCutoffs(tx));
      const sweepId = await this.sweeps.startRun(tx, request.runKey, clock, periodSeconds(period));
      const counts = await this.sweeps.apply(tx, sweepId, clock);
      // Stages open past their limit escalate their owner (core stage-clock.ts), in the same run.
      stages = await this.stageCases.apply(tx, sweepId, clock, limits);
      await this.sweeps.finishRun(tx, sweepId, counts);
      return { sweepId, ...counts };
    });
    this.logger.log(
      `sweep ${request.runKey}: ${outcome.examined} examined, ${outcome.opened} opened, ${outcome.climbed} climbed, ${outcome.resolved} resolved`,
    );
    if (stages) {
      const s: StageCaseCounts = stages;
      this.logger.log(`sweep ${request.runKey}: stages ${s.breached} over their limit, cases ${s.opened} opened, ${s.climbed} climbed, ${s.resolved} resolved`);
    }
    return outcome;
  }
}
