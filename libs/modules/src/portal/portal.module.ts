import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { OpenDataCache } from './open-data-cache';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

@Module({ imports: [ActionPlansModule], controllers: [PortalController], providers: [PortalService, OpenDataCache], exports: [PortalService] })
export class PortalModule {}
