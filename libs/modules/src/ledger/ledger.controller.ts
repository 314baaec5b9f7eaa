import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor } from '../identity/auth.decorators';
import { LedgerQueryDto } from './dto';
import { LedgerService } from './ledger.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('balances')
  @ApiOperation({ summary: 'Treasury and agency balances (an agency sees its own)' })
  balances(@CurrentActor() actor: Actor) {
    return this.ledger.balances(actor);
  }

  @Get('entries')
  @ApiOperation({ summary: 'Released tranches as double-entry ledger entries, newest first' })
  entries(@CurrentActor() actor: Actor, @Query() query: LedgerQueryDto) {
    return this.ledger.entries(actor, query);
  }
}
