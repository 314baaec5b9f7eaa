export * from './outbox-channels';
export * from './outbox-dispatch';
export * from './outbox.module';
