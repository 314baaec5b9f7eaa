import { proxyActivities } from '@temporalio/workflow';
import type { GateReconciliation, TrancheActivities } from './tranche.contract';

const { reconcileGates } = proxyActivities<TrancheActivities>({
  // One set-based query and a signal per tranche found; seconds even at national scale.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 3 },
});

/**
 * One run of the gate reconciler, started by its Temporal Schedule every TRANCHE_RECONCILE_INTERVAL:
 * signals the open tranches whose gate opened or closed without their workflow noticing. With it,
 * waiting tranches need no frequent re-check of their own: signals wake them, this recovers lost ones.
 */
export async function trancheReconcileWorkflow(): Promise<GateReconciliation> {
  return reconcileGates();
}
