export * from './escalations.module';
export * from './escalations.service';
export * from './escalation-sweep';
export * from './escalation-schedule';
export * from './escalation.activities';
