export * from './inbox.service';
export * from './inbox.module';
