import { parseEscalationPeriod, parseStageLimits, type EscalationPeriod, type StageLimits } from '@pelekan/core';
import type { AppConfig } from '../config';

export function escalationPeriod(config: AppConfig): EscalationPeriod {
  return parseEscalationPeriod(config.ESCALATION_PERIOD);
}

/** The limit of every stage (STAGE_LIMITS, and APPEAL_DEADLINE for appeals; both validated at boot). */
export function stageLimits(config: AppConfig): StageLimits {
  return parseStageLimits(config.STAGE_LIMITS, config.APPEAL_DEADLINE);
}
