import { Injectable } from '@nestjs/common';
import type { EscalationActivities, SweepOutcome, SweepRequest } from '@pelekan/workflows/escalation.contract';
import { EscalationSweep } from './escalation-sweep';

/** Activities of the escalation sweep workflow. */
@Injectable()
export class EscalationActivitiesImpl implements EscalationActivities {
  constructor(private readonly sweep: EscalationSweep) {}

  runEscalationSweep(request: SweepRequest): Promise<SweepOutcome> {
    return this.sweep.run(request);
  }
}
