export * from './challenges.module';
export * from './challenges.service';
