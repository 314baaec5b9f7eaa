export * from './temporal.module';
