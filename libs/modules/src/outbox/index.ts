export * from './outbox-channels';
export * from './outbox-dispatch';
export * from './outbox.module';
export * from './outbox-wake-listener';
