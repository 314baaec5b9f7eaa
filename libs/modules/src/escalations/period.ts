import { parseEscalationPeriod, type EscalationPeriod } from '@pelekan/core';
import type { AppConfig } from '../config';

export function escalationPeriod(config: AppConfig): EscalationPeriod {
  return parseEscalationPeriod(config.ESCALATION_PERIOD);
}
