export { trancheWorkflow } from './tranche.workflow';
export { trancheReconcileWorkflow } from './tranche-reconcile.workflow';
export { escalationSweepWorkflow } from './escalation.workflow';
export { outboxDispatchWorkflow } from './outbox.workflow';
