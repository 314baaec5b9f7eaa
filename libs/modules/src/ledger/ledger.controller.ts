import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor } from '../identity/auth.decorators';
import { BalanceView, LedgerEntryPageView, LedgerOrganizationView, LedgerQueryDto } from './dto';
import { LedgerService } from './ledger.service';

@ApiTags('ledger')
@ApiBearerAuth()
@ApiExtraModels(LedgerOrganizationView)
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('balances')
  @ApiOperation({ summary: 'Treasury and agency balances (an agency sees its own)' })
  balances(@CurrentActor() actor: Actor): Promise<BalanceView[]> {
    return this.ledger.balances(actor);
  }

  @Get('entries')
  @ApiOperation({ summary: 'Released tranches as double-entry ledger entries, newest first, a page at a time (limit, after)' })
  entries(@CurrentActor() actor: Actor, @Query() query: LedgerQueryDto): Promise<LedgerEntryPageView> {
    return this.ledger.entries(actor, query);
  }
}
