import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

@Module({ imports: [ActionPlansModule], controllers: [PortalController], providers: [PortalService], exports: [PortalService] })
export class PortalModule {}
