export * from './database';
export * from './database.module';
export * from './columns';
export * from './naming-strategy';
export * from './migrations';
export * from './migrate';
export * from './roles';
