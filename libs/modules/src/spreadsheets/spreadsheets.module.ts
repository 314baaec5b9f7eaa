import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProjectsModule } from '../projects/projects.module';
import { TranchesModule } from '../tranches/tranches.module';
import { SpreadsheetExportsService } from './exports.service';
import { PlanImportService } from './plan-import.service';
import { SpreadsheetsController } from './spreadsheets.controller';

/** Excel in and out: the action-table template, plan import (XLSX or CSV), and XLSX exports. */
@Module({
  imports: [ActionPlansModule, ProjectsModule, IdentityModule, TranchesModule, LedgerModule],
  controllers: [SpreadsheetsController],
  providers: [PlanImportService, SpreadsheetExportsService],
})
export class SpreadsheetsModule {}
