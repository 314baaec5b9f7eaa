export { trancheWorkflow } from './tranche.workflow';
export { escalationSweepWorkflow } from './escalation.workflow';
