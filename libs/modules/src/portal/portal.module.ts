import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { TranchesModule } from '../tranches/tranches.module';
import { OpenDataCache } from './open-data-cache';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';
import { OpenStandardsRepository } from './open-standards.repository';
import { OpenStandardsService } from './open-standards.service';
import { PortalController } from './portal.controller';
import { PortalRepository } from './portal.repository';
import { PortalService } from './portal.service';

@Module({
  imports: [ActionPlansModule, TranchesModule],
  controllers: [PortalController],
  providers: [PortalRepository, OpenDataRepository, PortalService, OpenDataService, OpenDataCache, OpenStandardsRepository, OpenStandardsService],
  exports: [PortalService],
})
export class PortalModule {}
