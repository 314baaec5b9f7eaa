import { AsyncLocalStorage } from 'node:async_hooks';

/** Who the database work of the current async flow is done for, as the audit log will record it. */
export interface AuditActor {
  /** A user id, or a system party such as "system:worker". */
  actorId: string;
  /** What is being done, e.g. "POST /api/tranches/:id/decision" or "activity releaseTranche". */
  context?: string;
}

const storage = new AsyncLocalStorage<AuditActor>();
let processDefault: AuditActor = { actorId: 'system' };

/** Runs `fn` (and everything it starts) on behalf of `actor`. */
export function runAsActor<T>(actor: AuditActor, fn: () => T): T {
  return storage.run(actor, fn);
}

/** The actor of the current flow, else the process default ("system", or what the process set). */
export function currentAuditActor(): AuditActor {
  return storage.getStore() ?? processDefault;
}

/** The actor recorded for work outside any request (the worker process says "system:worker"). */
export function setDefaultAuditActor(actor: AuditActor): void {
  processDefault = actor;
}
