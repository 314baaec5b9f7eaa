import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { TranchesModule } from '../tranches/tranches.module';
import { DemoDataRepository } from './demo-data.repository';
import { DemoDataService } from './demo-data.service';

@Module({ imports: [ActionPlansModule, TranchesModule], providers: [DemoDataService, DemoDataRepository], exports: [DemoDataService] })
export class DemoDataModule {}
