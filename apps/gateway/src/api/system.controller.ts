import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEHOUSE_CONFIG, DomainError } from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import { AuthGuard, Public } from '../http/auth.guard';
import { HealthRegistry } from '../health';
import { Metrics } from '../metrics';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    private readonly guard: AuthGuard,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @Get('health/live')
  @Public()
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Public()
  @ApiOperation({
    summary:
      'Ready to serve: status per component (storage, journal, later each device); 503 when any is down',
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = this.health.report();
    void reply.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not-ready', components: report.components };
  }

  /** Prometheus scrape. Needs an admin or auditor session or token unless http.metricsPublic is set. */
  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  async scrape(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    if (!this.config.http.metricsPublic) {
      const principal = this.guard.authenticate(req);
      if (!principal || principal.stage !== 'full')
        throw new DomainError('unauthenticated', 'auth.required', 'metrics need an admin or auditor token');
      if (!principal.roles.some((r) => r === 'admin' || r === 'auditor')) {
        throw new DomainError('forbidden', 'auth.forbidden', 'metrics need the admin or auditor role');
      }
    }
    void reply
      .header('content-type', this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
