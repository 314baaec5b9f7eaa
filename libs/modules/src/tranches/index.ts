export * from './tranche.entities';
export * from './tranche.activities';
export * from './tranche-workflows';
export * from './tranches.module';
export * from './tranches.service';
export * from './dto';
export * from './tranche-gates';
export * from './committee-holds';
