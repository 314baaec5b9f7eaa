export * from './ledger.entities';
export * from './ledger.module';
export * from './ledger.service';
