export * from './action-plans.module';
export * from './action-plans.service';
export * from './plan-filing.service';
export * from './plan-revisions.service';
export * from './dto';
