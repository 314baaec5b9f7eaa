import { Injectable } from '@nestjs/common';
import type { EscalationActivities, SweepOutcome, SweepRequest } from '@pelekan/workflows/escalation.contract';
import { EscalationSweep } from './escalation-sweep';

/**
 * Activities of the escalation sweep workflow. Business refusals are DomainErrors (InvalidInput for a
 * request without a run key or with an unreadable instant, Conflict for a run key already used for
 * another instant); the worker makes them non-retryable failures. Anything else (the database down)
 * is retried by Temporal.
 */
@Injectable()
export class EscalationActivitiesImpl implements EscalationActivities {
  constructor(private readonly sweep: EscalationSweep) {}

  runEscalationSweep(request: SweepRequest): Promise<SweepOutcome> {
    return this.sweep.run(request);
  }
}
