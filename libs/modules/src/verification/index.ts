export * from './evidence.service';
export * from './evidence-store';
export * from './file-type';
export * from './verification.module';
export * from './verification.service';
export * from './dto';
