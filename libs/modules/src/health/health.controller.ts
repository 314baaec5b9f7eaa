import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../identity/auth.decorators';
import { TemporalClient } from '../temporal';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly temporal: TemporalClient,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Database and Temporal reachability; 503 when either is down' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, temporal] = await Promise.all([this.probe(() => this.db.query('SELECT 1')), this.probe(() => this.temporalProbe())]);
    const ok = database.ok && temporal.ok;
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database, temporal: { ...temporal, address: this.temporal.config.TEMPORAL_ADDRESS } };
  }

  private async temporalProbe(): Promise<void> {
    if (!(await this.temporal.reachable())) throw new Error('unreachable');
  }

  private async probe(check: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
    const started = performance.now();
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), 3000);
        }),
      ]).finally(() => clearTimeout(timer));
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }
}
