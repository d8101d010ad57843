import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { may, type Principal } from '@gatehouse/auth';
import { GATEHOUSE_CONFIG, DomainError } from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import { Public } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { HealthRegistry } from '../health';
import { Metrics } from '../metrics';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
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
      'Ready to serve: status per component (storage, journal, later each device); 503 when any is down. Details (paths, counters, errors) need the admin or auditor role, or http.metricsPublic',
  })
  ready(
    @CurrentPrincipal() principal: Principal | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const details =
      this.config.http.metricsPublic ||
      (principal?.stage === 'full' && may(principal.roles, 'system.health-details'));
    const report = details ? this.health.report() : this.health.summary();
    void reply.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not-ready', components: report.components };
  }

  /** Prometheus scrape. Needs a role with `system.metrics` (session or token) unless http.metricsPublic is set. */
  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  async scrape(@CurrentPrincipal() principal: Principal | undefined, @Res() reply: FastifyReply) {
    if (!this.config.http.metricsPublic) {
      if (!principal || principal.stage !== 'full')
        throw new DomainError('unauthenticated', 'auth.required', 'metrics need an admin or auditor token');
      if (!may(principal.roles, 'system.metrics'))
        throw new DomainError('forbidden', 'auth.forbidden', 'metrics need the admin or auditor role');
    }
    void reply
      .header('content-type', this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
