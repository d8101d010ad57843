import { statfsSync, statSync } from 'node:fs';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { may, type Principal } from '@gatehouse/auth';
import { GATEHOUSE_CONFIG, DomainError } from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import { Journal } from '@gatehouse/journal';
import { ReadersService } from '@gatehouse/readers';
import { VERSION } from '../core';
import { Allow, Public } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { type ComponentHealth, HealthRegistry } from '../health';
import { Metrics } from '../metrics';
import type { BrokerView, SystemStatusView } from './views';

/** The MQTT broker's connection as its health probe tells it (server.ts), typed for the system page. */
const brokerOf = (mqtt: ComponentHealth | undefined): BrokerView | null =>
  mqtt
    ? {
        status: mqtt.status,
        state: typeof mqtt.state === 'string' ? (mqtt.state as BrokerView['state']) : 'closed',
        since: mqtt.since ?? null,
        lastError: typeof mqtt.lastError === 'string' ? mqtt.lastError : null,
      }
    : null;

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly journal: Journal,
    @Inject(ReadersService) private readonly readers: ReadersService,
  ) {}

  @Get('api/v1/system')
  @Allow('system.status')
  @ApiOperation({
    summary:
      "The admin's system page: every component's health and since when, journal size, last checkpoint, storage and free space, version, uptime",
  })
  status(): SystemStatusView {
    const { ready, components } = this.health.report();
    const stats = this.journal.stats();
    const { sqlitePath, dataDir } = this.config.resolved;
    const fileBytes = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0; // no WAL file between checkpoints of SQLite's own
      }
    };
    const fs = statfsSync(dataDir);
    const uptimeSeconds = Math.round(process.uptime());
    return {
      status: ready ? 'ready' : 'not-ready',
      version: VERSION,
      site: { name: this.config.site.name, timeZone: this.config.site.timeZone },
      startedAt: new Date(Date.now() - uptimeSeconds * 1000).toISOString(),
      uptimeSeconds,
      components,
      // Each reader and line by itself: the console names them by their doors (a site without serial readers has none).
      readers: this.config.serial.length > 0 ? this.readers.status() : null,
      broker: brokerOf(components.mqtt),
      journal: {
        open: this.journal.isOpen,
        entries: stats.treeSize,
        lastCheckpoint:
          stats.lastCheckpointTime === null
            ? null
            : { treeSize: stats.lastCheckpointSize, time: stats.lastCheckpointTime },
        uncheckpointedEntries: stats.treeSize - stats.lastCheckpointSize,
      },
      storage: {
        // The journal lives in the site's one database: its size is the database's.
        databaseBytes: fileBytes(sqlitePath),
        walBytes: fileBytes(`${sqlitePath}-wal`),
        freeBytes: fs.bavail * fs.bsize,
        totalBytes: fs.blocks * fs.bsize,
      },
    };
  }

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
