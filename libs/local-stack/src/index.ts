export * from './paths';
export * from './ports';
export * from './log';
export * from './temporal-cli';
export * from './temporal-server';
export * from './postgres';
export * from './timeout';
