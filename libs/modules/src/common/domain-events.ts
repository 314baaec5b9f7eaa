import { Injectable, Logger } from '@nestjs/common';

/** Facts one module announces after its transaction commits, for other modules to react to. */
export interface DomainEventMap {
  /** An item's verified percent changed (a decision or a revocation). */
  itemVerificationChanged: { itemIds: string[] };
}

type Listener<K extends keyof DomainEventMap> = (event: DomainEventMap[K]) => Promise<void> | void;

/**
 * In-process, after-commit notifications. Listeners must tolerate loss (a crash between commit and
 * delivery): tranche workflows also re-check their gate on a timer, so a lost event only delays.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  // Keyed by event name; a listener is only ever stored under the name whose event type it takes.
  private readonly listeners = new Map<keyof DomainEventMap, unknown[]>();

  on<K extends keyof DomainEventMap>(name: K, listener: Listener<K>): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  /** Awaits every listener; a failing listener is logged, never propagated to the caller. */
  async publish<K extends keyof DomainEventMap>(name: K, event: DomainEventMap[K]): Promise<void> {
    for (const listener of (this.listeners.get(name) ?? []) as Array<Listener<K>>) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.warn(`listener for ${String(name)} failed: ${(error as Error).message}`);
      }
    }
  }
}
