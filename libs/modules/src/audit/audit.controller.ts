import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../identity/auth.decorators';
import { AuditService } from './audit.service';
import { AuditEntryView, AuditQueryDto, AuditVerificationView } from './dto';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('verify')
  @ApiOperation({ summary: 'Walk the hash chain of the audit log; names the first tampered row, if any' })
  verify(): Promise<AuditVerificationView> {
    return this.audit.verify();
  }

  @Get('entries')
  @ApiOperation({ summary: 'Audit log rows (who, what, when, before and after), newest first' })
  entries(@Query() query: AuditQueryDto): Promise<AuditEntryView[]> {
    return this.audit.entries(query);
  }
}
