import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { ProjectsModule } from '../projects/projects.module';
import { TrancheActivitiesImpl } from './tranche.activities';
import { Tranche, TrancheEvent, TrancheItem } from './tranche.entities';
import { TrancheWorkflows } from './tranche-workflows';
import { TranchesController } from './tranches.controller';
import { TranchesService } from './tranches.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tranche, TrancheItem, TrancheEvent]), ProjectsModule, LedgerModule],
  controllers: [TranchesController],
  providers: [TranchesService, TrancheWorkflows, TrancheActivitiesImpl],
  exports: [TranchesService, TrancheActivitiesImpl],
})
export class TranchesModule {}
