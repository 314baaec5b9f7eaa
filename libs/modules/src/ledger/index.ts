export * from './ledger.module';
export * from './ledger.service';
