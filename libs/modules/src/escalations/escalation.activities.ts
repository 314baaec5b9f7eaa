import { Injectable, Logger } from '@nestjs/common';
import type { EscalationActivities, SweepOutcome, SweepRequest } from '@pelekan/workflows/escalation.contract';
import { EscalationSchedule } from './escalation-schedule';
import { EscalationSweep } from './escalation-sweep';

/**
 * Activities of the escalation sweep workflow. Business refusals are DomainErrors (InvalidInput for a
 * request without a run key or with an unreadable instant, Conflict for a run key already used for
 * another instant); the worker makes them non-retryable failures. Anything else (the database down)
 * is retried by Temporal.
 */
@Injectable()
export class EscalationActivitiesImpl implements EscalationActivities {
  private readonly logger = new Logger(EscalationActivitiesImpl.name);

  constructor(
    private readonly sweep: EscalationSweep,
    private readonly schedule: EscalationSchedule,
  ) {}

  async runEscalationSweep(request: SweepRequest): Promise<SweepOutcome> {
    const outcome = await this.sweep.run(request);
    // A monthly schedule holds explicit Jalali month starts: each sweep rolls them forward when they
    // run short. The sweep is done either way; the worker's daily check and its next start try again.
    await this.schedule.renew().catch((error: Error) => this.logger.warn(`renewing the escalation schedule: ${error.message}`));
    return outcome;
  }
}
