import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Whether one dependency answered; the details only for a signed-in administrator. */
export class HealthProbeView {
  ok: boolean;

  /** How long the check took (administrators only). */
  @ApiPropertyOptional()
  latencyMs?: number;

  /** Why the check failed (administrators only). */
  @ApiPropertyOptional()
  error?: string;

  /** Where the dependency is reached (Temporal, administrators only). */
  @ApiPropertyOptional()
  address?: string;
}

export class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status: 'ok' | 'degraded';

  database: HealthProbeView;
  temporal: HealthProbeView;
}
