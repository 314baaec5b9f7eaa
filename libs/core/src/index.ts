export * from './money';
export * from './action-chain';
export * from './gate';
export * from './progress';
export * from './tranche';
export * from './independence';
export * from './jalali';
