import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { checkSecrets, ConfigError, loadConfig, type GatehouseConfig } from '@gatehouse/config';
import { MasterKeyError } from '@gatehouse/privacy';
import { createCore } from './core';
import { demoSerialPorts, demoWorkstationArgs, seedDemoSite } from './demo';
import { createServer } from './server';
import { framedBanner, prettyDestination } from './terminal';
import { UNBOUNDED_YOUNG_GENERATION_WARNING, youngGenerationBounded } from './young-generation';

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** Secrets never reach the log: cookies, tokens and anything named like a password. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

const main = async (): Promise<void> => {
  // --config wins, then GATEHOUSE_CONFIG, then --default-config (what `npm start` uses for the demo site).
  const siteFile = argValue('--config') ?? process.env.GATEHOUSE_CONFIG ?? argValue('--default-config');
  let config: GatehouseConfig;
  try {
    config = loadConfig({ siteFile, builtConsoleDir: join(__dirname, '..', '..', 'console') });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Log lines in words for a person at a terminal; JSON for everything else (log shippers, journald).
  const tty = process.stdout.isTTY === true;
  const logOptions: pino.LoggerOptions = {
    level: config.log.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: 'gatehouse' },
  };
  const logger = tty ? pino(logOptions, prettyDestination(process.stdout)) : pino(logOptions);
  const started = performance.now();
  if (!youngGenerationBounded()) logger.warn(UNBOUNDED_YOUNG_GENERATION_WARNING);
  if (config.demo.readers)
    config = { ...config, serial: [...config.serial, ...demoSerialPorts(config.resolved.dataDir)] };
  // Secrets are read as `config check` reads them: a missing or short key file is a configuration error (exit 2).
  checkSecrets(config);
  const core = await createCore(config, { logger });
  if (config.demo.seedSite && (await seedDemoSite(core.access.records))) logger.info('demo site seeded');
  warnUnknownDoors(core, logger);
  const app = await createServer(core, logger);
  const scheme = config.http.tls.certFile ? 'https' : 'http';
  try {
    await app.listen({ port: config.http.port, host: config.http.host });
  } catch (error) {
    // A port in use is an operator's fix, not a crash: stop the journal cleanly first.
    await app.close().catch(() => undefined);
    await core.close();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const shownHost =
    config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`;
  logger.info(
    { url, sources: config.resolved.sources, readyMs: Math.round(performance.now() - started) },
    'gatehouse ready',
  );

  // Printed, not logged: the bootstrap token is a secret for the person at the console, not for log shippers.
  const lines = [`Gatehouse (${config.site.name}) is ready. Console: ${url}`];
  const bootstrapToken = await core.auth.operators.issueBootstrapToken();
  if (bootstrapToken) {
    lines.push(
      'No administrator exists yet. Open the console and create one with this one-time bootstrap token',
      `(valid ${config.auth.bootstrapTokenHours} h, or use \`npm run gatehouse -- admin create\`):`,
      `  BOOTSTRAP TOKEN: ${bootstrapToken}`,
    );
  }

  // The demo's simulated door sensors, as their own process (the same program as `apps/sim`).
  let simulator: ChildProcess | null = null;
  if (config.demo.simulator && core.brokerUrl) {
    const readers = config.demo.readers
      ? ['--readers', join(config.resolved.dataDir, 'tty'), join(config.resolved.dataDir, 'keys', 'readers')]
      : [];
    const workstations = demoWorkstationArgs(config);
    simulator = fork(
      join(__dirname, '..', '..', 'sim', 'src', 'main.js'),
      [core.brokerUrl, ...readers, ...workstations],
      {
        stdio: 'inherit',
      },
    );
    lines.push(`Simulated door sensors publish to ${core.brokerUrl}.`);
    if (config.demo.readers)
      lines.push('Simulated badge readers: OSDP at the front door, the Wiegand bridge at the call floor.');
    if (workstations.length > 0)
      lines.push(
        'Simulated workstations send logins to the login listeners and now and then trip a correlation rule.',
      );
  }
  // On a terminal the banner is framed to stand out from the log lines; elsewhere it stays plain.
  if (tty) lines.splice(0, lines.length, ...framedBanner(lines));
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // The readers first: a demo reader's pseudo-terminal vanishing with its simulator would
    // otherwise raise "reader offline" alarms that the next start finds in the queue.
    await core.readers.stop().catch(() => undefined);
    simulator?.kill('SIGTERM');
    try {
      await app.close();
      await core.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
};

/**
 * Relays and inputs of the serial configuration name doors that live in the
 * database. A name the site does not have is warned about, not refused: doors
 * are created through the console once the gateway runs, so a new site's
 * final configuration names doors that do not exist yet at its first start.
 * `/health/ready` shows the readers degraded, naming them, until they do.
 */
const warnUnknownDoors = (core: Awaited<ReturnType<typeof createCore>>, logger: pino.Logger): void => {
  const unknown = core.readers.unknownDoors(
    new Set(core.access.records.list('access_doors').map((d) => d.id)),
  );
  if (unknown.length > 0)
    logger.warn(
      { bindings: unknown },
      `serial configuration: ${unknown.length} relay(s)/input(s) name doors the site does not have; a card there opens nothing until the door is created`,
    );
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
    process.exit(2);
  }
  // An operator's fix like a configuration error: say which key and why, never the key itself.
  if (error instanceof MasterKeyError) {
    process.stderr.write(`gatehouse: refusing to start: master key ${error.problem}: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `gatehouse: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
