import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { currentAuditActor } from './audit-context';

const PATCHED = Symbol('pelekan.auditSession');

/**
 * Every database session the application takes from its pool first carries the current actor in
 * `pelekan.actor_id` (and what it is doing in `pelekan.context`), which the audit triggers read. Done
 * where TypeORM obtains a pooled connection, so every service, transaction and plain query is covered
 * without any of them knowing. A connection keeps the values it was given, so the setting is only
 * sent when the actor differs from the one the connection last carried.
 */
export function attachAuditActorToSessions(db: DataSource): void {
  const driver = db.driver as any;
  if (driver[PATCHED] || typeof driver.obtainMasterConnection !== 'function') return;
  driver[PATCHED] = true;
  const carried = new WeakMap<object, string>();
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = async (): Promise<[any, (err?: unknown) => void]> => {
    const [connection, release] = await obtain();
    const actor = currentAuditActor();
    const tag = `${actor.actorId}\u0000${actor.context ?? ''}`;
    if (carried.get(connection) !== tag) {
      try {
        await connection.query("SELECT set_config('pelekan.actor_id', $1, false), set_config('pelekan.context', $2, false)", [
          actor.actorId,
          actor.context ?? '',
        ]);
      } catch (error) {
        release(error);
        throw error;
      }
      carried.set(connection, tag);
    }
    return [connection, release];
  };
  new Logger('Audit').debug('database sessions carry the acting user for the audit log');
}
