import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Database } from '../database/database';
import { Public } from '../identity/auth.decorators';
import { IdentityService } from '../identity/identity.service';
import { TemporalClient } from '../temporal';
import { HealthProbeView, HealthView } from './dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly temporal: TemporalClient,
    private readonly identity: IdentityService,
  ) {}

  /**
   * Up or down per dependency, for anyone (load balancers, the public). Latencies, addresses and
   * driver errors help an attacker map the system, so only a signed-in administrator sees them.
   */
  @Public()
  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Whether PostgreSQL and Temporal answer (503 when either is down); details for administrators' })
  async health(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<HealthView> {
    const [database, temporal] = await Promise.all([this.probe(() => this.databaseProbe()), this.probe(() => this.temporalProbe())]);
    const ok = database.ok && temporal.ok;
    reply.status(ok ? 200 : 503);
    const status = ok ? 'ok' : 'degraded';
    if (!(await this.isAdmin(request))) {
      return { status, database: { ok: database.ok }, temporal: { ok: temporal.ok } };
    }
    return { status, database, temporal: { ...temporal, address: this.temporal.config.TEMPORAL_ADDRESS } };
  }

  private async isAdmin(request: FastifyRequest): Promise<boolean> {
    const match = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    if (!match) return false;
    try {
      return (await this.identity.actorFromToken(match[1])).role === 'admin';
    } catch {
      return false;
    }
  }

  private async databaseProbe(): Promise<void> {
    if (!(await this.db.ping())) throw new Error('unreachable');
  }

  private async temporalProbe(): Promise<void> {
    if (!(await this.temporal.reachable())) throw new Error('unreachable');
  }

  private async probe(check: () => Promise<unknown>): Promise<HealthProbeView> {
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
