export * from './independence.module';
export * from './independence.policy';
