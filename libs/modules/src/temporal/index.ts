export * from './temporal.module';
export * from './temporal-connection';
