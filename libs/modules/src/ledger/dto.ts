import { IsOptional, IsUUID } from 'class-validator';

export class LedgerQueryDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;

  /** Entries that credited this agency. */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}
