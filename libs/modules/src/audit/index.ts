export * from './audit-context';
export * from './audit.service';
export * from './audit.module';
