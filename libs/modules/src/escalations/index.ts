export * from './escalations.module';
export * from './escalations.service';
export * from './escalation-sweep';
export * from './escalation-schedule';
export * from './escalation.activities';
export * from './escalation-decisions';
export * from './escalation-sweep.repository';
export * from './escalations.repository';
