import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { VERSION, type Core } from './core';
import { HealthRegistry } from './health';
import { AuthGuard } from './http/auth.guard';
import { installBodyGate } from './http/body-gate';
import { clientErrorHandler, frameworkErrors } from './http/errors';
import { registerDirectory } from './directory/observability';
import { registerGating } from './gating/observability';
import { registerLogins } from './logins/observability';
import { Metrics } from './metrics';

/** The alarm notification outbox in health (degraded while a target fails) and /metrics, per target. */
const registerNotifications = (core: Core, health: HealthRegistry, metrics: Metrics): void => {
  const outbox = core.notifications;
  health.register('notifications', () => {
    const targets = outbox.stats();
    const failing = targets.filter((t) => t.failingSince !== null);
    return {
      status: failing.length > 0 ? 'degraded' : 'up',
      ...(failing.length > 0 ? { detail: `failing: ${failing.map((t) => t.name).join(', ')}` } : {}),
      targets,
    };
  });
  const each = (read: (t: ReturnType<typeof outbox.stats>[number]) => number) => () =>
    Object.fromEntries(outbox.stats().map((t) => [t.name, read(t)]));
  metrics.observeEach(
    'gatehouse_notifications_pending',
    'Alarm notifications waiting for their target',
    'target',
    each((t) => t.pending),
  );
  metrics.observeEach(
    'gatehouse_notifications_delivered',
    'Alarm notifications delivered since start',
    'target',
    each((t) => t.delivered),
  );
  metrics.observeEach(
    'gatehouse_notifications_failures',
    'Failed delivery attempts since start',
    'target',
    each((t) => t.failures),
  );
  metrics.observeEach(
    'gatehouse_notifications_given_up',
    'Alarm notifications given up (horizon passed) since start',
    'target',
    each((t) => t.givenUp),
  );
  metrics.observeEach(
    'gatehouse_notifications_failing',
    '1 while a target is failing',
    'target',
    each((t) => (t.failingSince ? 1 : 0)),
  );
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const API_PREFIXES = ['/api/', '/health/', '/metrics'];

/** Nest's own messages go to the same pino logger as requests. */
const nestLogger = (logger: Logger): LoggerService => ({
  log: (message: unknown, context?: string) => logger.info({ context }, String(message)),
  error: (message: unknown, trace?: string, context?: string) =>
    logger.error({ context, trace }, String(message)),
  warn: (message: unknown, context?: string) => logger.warn({ context }, String(message)),
  debug: (message: unknown, context?: string) => logger.debug({ context }, String(message)),
  verbose: (message: unknown, context?: string) => logger.trace({ context }, String(message)),
});

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const createServer = async (core: Core, logger: Logger): Promise<NestFastifyApplication> => {
  const { config } = core;
  const tls = config.http.tls.certFile
    ? { cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) }
    : undefined;
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.http.bodyLimitBytes,
    // A client that trickles its request (slowloris) is cut off: the whole request,
    // a 20 MiB import included, must arrive within a minute (Node's default is five).
    requestTimeout: 60_000,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ...(tls ? { https: tls } : {}),
    // Errors raised before any route (bad URL, headers too large) leave in the one error shape too.
    frameworkErrors,
    clientErrorHandler,
  });
  const consoleDir = config.resolved.consoleDir;
  const consoleIndex = consoleDir ? join(consoleDir, 'index.html') : '';
  const hasConsole = Boolean(consoleIndex) && existsSync(consoleIndex);
  // The console is a single-page app: an unknown GET outside the API gets its index page.
  const notFoundPage = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!hasConsole || req.method !== 'GET' || API_PREFIXES.some((p) => req.url.startsWith(p))) return false;
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
    return true;
  };
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forCore(core, { notFoundPage }),
    adapter,
    {
      logger: nestLogger(logger),
      // JSON only: no form-encoded bodies, which any web page could post.
      bodyParser: false,
    },
  );
  // Nest installs Fastify's error handler itself and hands body-parsing errors to
  // the global filter (AllErrorsFilter), so every error leaves in one shape.
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie);
  installBodyGate(fastify, config.http.bodyLimitBytes, app.get(AuthGuard));
  fastify.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', String(req.id));
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (!req.url.startsWith('/api/docs')) reply.header('content-security-policy', CONSOLE_CSP);
    if (tls) reply.header('strict-transport-security', 'max-age=31536000');
    if (req.url.startsWith('/api/'))
      reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
    return payload;
  });
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  metrics.observe('gatehouse_journal_entries', 'Entries in the journal', () => core.journal.stats().treeSize);
  metrics.observe(
    'gatehouse_journal_commits',
    'Group commits since start',
    () => core.journal.stats().commits,
  );
  metrics.observe(
    'gatehouse_journal_failed_commits',
    'Failed group commits since start',
    () => core.journal.stats().failedCommits,
  );
  metrics.observe(
    'gatehouse_event_bus_failures',
    'Event subscribers that threw',
    () => core.bus.failureCount,
  );
  metrics.observe('gatehouse_read_pool_crashes', 'Read worker crashes', () => core.readPool.crashCount);

  const health = app.get(HealthRegistry);
  health.register('storage', () => {
    core.db.prepare('SELECT 1').get();
    return core.readPool.crashCount > 0
      ? { status: 'degraded', detail: `${core.readPool.crashCount} read worker crash(es)` }
      : { status: 'up', detail: config.resolved.sqlitePath };
  });
  health.register('journal', () => {
    const s = core.journal.stats();
    const status = !core.journal.isOpen ? 'down' : s.lastCommitError ? 'degraded' : 'up';
    return {
      status,
      treeSize: s.treeSize,
      lastCheckpointSize: s.lastCheckpointSize,
      lastCheckpointTime: s.lastCheckpointTime,
      detail: s.lastCommitError ?? undefined,
    };
  });

  if (config.serial.length > 0) {
    // Per reader online or not; relays and inputs bound to doors the site does not have are named.
    health.register('readers', () =>
      core.readers.health(new Set(core.access.records.list('access_doors').map((d) => d.id))),
    );
  }

  if (core.mqtt) {
    const mqtt = core.mqtt;
    health.register('mqtt', () => {
      const st = mqtt.state;
      const status =
        st.state === 'connected'
          ? 'up'
          : st.state === 'refused' || st.state === 'closed'
            ? 'down'
            : 'degraded';
      return {
        status,
        ...st,
        messages: mqtt.counters.messages,
        ...mqtt.router.counters,
        ...(core.brokerSecurity ? { security: core.brokerSecurity } : {}),
      };
    });
    metrics.observe('gatehouse_mqtt_messages', 'MQTT messages received', () => mqtt.counters.messages);
    metrics.observe(
      'gatehouse_mqtt_refused',
      'MQTT messages refused (dead letters)',
      () => mqtt.router.counters.refused + mqtt.router.counters.tooLarge + mqtt.router.counters.unknownTopic,
    );
  }

  registerNotifications(core, health, metrics);
  registerLogins(core.logins, health, metrics);
  registerDirectory(core.directory, health, metrics, core.clock);
  registerGating(core.gating, health, metrics);

  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: consoleDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Gatehouse API')
      .setDescription(
        'Access control edge service. Errors are {"error": {"code", "message", "details"}}. Sign in at /api/v1/auth/login (session cookie + X-CSRF-Token on mutations) or send an API token as Bearer.',
      )
      .setVersion(VERSION)
      .addBearerAuth()
      .addCookieAuth('gh_session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
};
