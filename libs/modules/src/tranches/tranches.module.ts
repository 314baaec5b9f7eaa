import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { IndependenceModule } from '../independence/independence.module';
import { ApprovalsRepository } from './approvals.repository';
import { CommitteeHolds } from './committee-holds';
import { GatesRepository } from './gates.repository';
import { HoldsRepository } from './holds.repository';
import { InstallmentsRepository } from './installments.repository';
import { PaymentChecks } from './payment-checks';
import { ReleaseRepository } from './release.repository';
import { RemainderDecisions } from './remainder-decisions.service';
import { ResultsRelease } from './results-release';
import { TrancheCreation } from './tranche-creation.service';
import { TrancheDecisions } from './tranche-decisions.service';
import { TrancheGates } from './tranche-gates';
import { TrancheReadModel } from './tranche-read-model';
import { TrancheReconciler } from './tranche-reconciler';
import { TrancheViewsRepository } from './tranche-views.repository';
import { TrancheActivitiesImpl } from './tranche.activities';
import { TrancheWorkflows } from './tranche-workflows';
import { TranchesController } from './tranches.controller';
import { TranchesRepository } from './tranches.repository';

@Module({
  imports: [LedgerModule, IndependenceModule],
  controllers: [TranchesController],
  providers: [
    TranchesRepository,
    TrancheViewsRepository,
    GatesRepository,
    HoldsRepository,
    ApprovalsRepository,
    ReleaseRepository,
    InstallmentsRepository,
    PaymentChecks,
    ResultsRelease,
    RemainderDecisions,
    TrancheWorkflows,
    TrancheGates,
    CommitteeHolds,
    TrancheReadModel,
    TrancheReconciler,
    TrancheCreation,
    TrancheDecisions,
    TrancheActivitiesImpl,
  ],
  exports: [TrancheCreation, TrancheReadModel, TrancheReconciler, TrancheGates, CommitteeHolds, TrancheActivitiesImpl, ResultsRelease],
})
export class TranchesModule {}
