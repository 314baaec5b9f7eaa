export * from './dto';
export * from './webhooks.module';
export * from './webhooks.service';
