import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { TranchesModule } from '../tranches/tranches.module';
import { DemoDataService } from './demo-data.service';

@Module({ imports: [ActionPlansModule, TranchesModule], providers: [DemoDataService], exports: [DemoDataService] })
export class DemoDataModule {}
