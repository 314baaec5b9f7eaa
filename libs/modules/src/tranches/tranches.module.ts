import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { IndependenceModule } from '../independence/independence.module';
import { ProjectsModule } from '../projects/projects.module';
import { CommitteeHolds } from './committee-holds';
import { TrancheGates } from './tranche-gates';
import { TrancheActivitiesImpl } from './tranche.activities';
import { Tranche, TrancheEvent, TrancheItem } from './tranche.entities';
import { TrancheWorkflows } from './tranche-workflows';
import { TranchesController } from './tranches.controller';
import { TranchesService } from './tranches.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tranche, TrancheItem, TrancheEvent]), ProjectsModule, LedgerModule, IndependenceModule],
  controllers: [TranchesController],
  providers: [TranchesService, TrancheWorkflows, TrancheGates, CommitteeHolds, TrancheActivitiesImpl],
  exports: [TranchesService, TrancheGates, CommitteeHolds, TrancheActivitiesImpl],
})
export class TranchesModule {}
