import type { Logger } from 'pino';
import {
  AccessService,
  AccessStore,
  importWorkerAvailable,
  privacySealing,
  sealClearRecords,
  workerImportWriter,
} from '@gatehouse/access';
import { type Auth, purgeSessionsPeriodically } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import {
  alarmCommentSealing,
  notificationSealing,
  AlarmsService,
  DEFAULT_ALARM_SETTINGS,
  DEFAULT_OUTBOX_SETTINGS,
  NotificationOutbox,
} from '@gatehouse/alarms';
import { DOOR_PHASE_TYPES, DoorsService } from '@gatehouse/doors';
import type { BrokerSecurity, MqttSensorSource } from '@gatehouse/mqtt';
import { type Clock, deadLetteringBus, type GatehouseBus, type Log, systemClock } from '@gatehouse/contracts';
import { type Journal, journalDeadLetters, JournalReader, MAX_PAGE } from '@gatehouse/journal';
import type { PrivacyKeyring } from '@gatehouse/privacy';
import { CorrelationService, settingsFrom } from '@gatehouse/correlation';
import { journalKeyMade, ReaderKeyStore, ReadersService } from '@gatehouse/readers';
import { type Db, ReadPool } from '@gatehouse/storage';
import { operatorName } from './api/operator-names';
import { connectBroker } from './broker';
import { siteAccountDigest } from './logins/account-digest';
import type { DirectorySync } from '@gatehouse/directory';
import { createDirectorySync } from './directory/directory-gateway';
import { GatingService } from './gating/gating-service';
import { startLoginListeners } from './logins/listeners';
import { LoginsGateway } from './logins/logins-gateway';
import { WorkstationPlaces } from './logins/workstation-places';
import { LoginTopic } from './logins/mqtt-topic';
import { openFoundation } from './foundation';
import { notificationTargets } from './notification-targets';
import { resolveSerialPorts } from './serial-ports';
import { VERSION } from './version';

export { VERSION } from './version';

/** The objects every part of the gateway shares, built once before Nest starts. */
export interface Core {
  config: GatehouseConfig;
  clock: Clock;
  bus: GatehouseBus;
  db: Db;
  readPool: ReadPool;
  journal: Journal;
  reader: JournalReader;
  auth: Auth;
  keyring: PrivacyKeyring;
  /** The correlation rules, unless the site turned them off. */
  correlation: CorrelationService | null;
  /** Workstation logins: the intake the listeners and POST /api/v1/logins feed. */
  logins: LoginsGateway;
  /** Directory sync (people, accounts, group levels, leavers), unless the site has no directory. */
  directory: DirectorySync | null;
  /** Login gating: workstations asking before a login goes ahead (answers only when enabled). */
  gating: GatingService;
  access: AccessService;
  doors: DoorsService;
  alarms: AlarmsService;
  notifications: NotificationOutbox;
  readers: ReadersService;
  mqtt: MqttSensorSource | null;
  /** The broker in use (external or embedded), if any. */
  brokerUrl: string | null;
  /** What protects the broker connection; null without MQTT. */
  brokerSecurity: BrokerSecurity | null;
  close(): Promise<void>;
}

export interface CoreOptions {
  logger: Logger;
  clock?: Clock;
}

/** The gateway's parts, wired: each policy lives in its lib; this only says which part talks to which. */
export const createCore = async (config: GatehouseConfig, options: CoreOptions): Promise<Core> => {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const log: Log = (level, message, detail) => logger[level](detail, message);
  const bus = deadLetteringBus(clock, log);
  const { db, journal, secrets, auth, keyring } = openFoundation(config, clock, (m) => logger.warn(m), bus);
  journalDeadLetters(bus, journal, log);
  await journal.open({ version: VERSION, site: config.site.name });
  const store = new AccessStore(db, privacySealing(keyring));
  // Rows an earlier release stored in clear are sealed before the decision index reads them,
  // and before the read workers open their connections (the file may be rewritten once).
  sealClearRecords(store, (m) => logger.info(m));
  const readPool = new ReadPool(config.resolved.sqlitePath, config.storage.readWorkers);
  readPool.takeOverCheckpoints(db);
  const reader = new JournalReader(readPool);
  const access = new AccessService(store, journal, clock, bus, (username) =>
    operatorName(auth.operators, username),
  );
  if (importWorkerAvailable()) {
    access.records.useImportWriter(
      workerImportWriter(
        {
          sqlitePath: config.resolved.sqlitePath,
          synchronous: config.storage.synchronous,
          signingKeyFile: config.resolved.signingKeyFile,
          journal: config.journal,
        },
        journal,
        (cardholders) => store.sealCardholders(cardholders),
      ),
    );
  }
  const alarms = new AlarmsService(
    db,
    journal,
    clock,
    bus,
    { ...DEFAULT_ALARM_SETTINGS, escalateAfterSeconds: config.alarms.escalateAfterSeconds },
    alarmCommentSealing(keyring),
  );
  const readerKeys = new ReaderKeyStore(db, secrets, journalKeyMade(journal), clock);
  const serial = resolveSerialPorts(config, readerKeys);
  const doors = new DoorsService(
    bus,
    journal,
    clock,
    () =>
      access.records
        .list('access_doors')
        .map((d) => ({ id: d.id, name: d.name, unlockMs: d.unlockMs, heldOpenMs: d.heldOpenMs })),
    [
      ...config.sensors.map((s) => ({ sensorId: s.id, doorId: s.door, role: s.role })),
      ...ReadersService.sensorBindings(serial),
    ],
    {},
    {
      maxClockSkewMs: config.doors.maxClockSkewSeconds * 1000,
      sensorGraceMs: config.doors.sensorGraceSeconds * 1000,
    },
  );
  // Each door's phase and since when before this start, read before any sensor or reader reports:
  // a door still in that phase keeps its "since" across the restart (the board's, and the desk's).
  await reader
    .page({ types: [...DOOR_PHASE_TYPES] }, MAX_PAGE)
    .then((page) => doors.restorePhases(page.items))
    .catch((error: unknown) =>
      log('warn', 'the doors board could not restore since when each door is as it is', { err: error }),
    );
  const readers = new ReadersService(serial, bus, journal, clock, log, readerKeys);
  readers.start();
  const broker = await connectBroker(config, bus, journal, clock, log, () =>
    access.records.list('access_doors').map((d) => ({ id: d.id, name: d.name })),
  );
  const notifications = new NotificationOutbox(
    db,
    journal,
    clock,
    bus,
    notificationTargets(config, broker.mqtt),
    {
      ...DEFAULT_OUTBOX_SETTINGS,
      horizonMs: config.notifications.retryHorizonSeconds * 1000,
      backoffMaxMs: config.notifications.backoffMaxSeconds * 1000,
      failingAlarmAfterMs: config.notifications.failingAlarmAfterSeconds * 1000,
    },
    (message, detail) => logger.warn(detail, message),
    notificationSealing(keyring),
  );
  alarms.notifyThrough(notifications);
  notifications.start();
  const correlation = config.correlation.enabled
    ? new CorrelationService(settingsFrom(config.correlation, config.site.timeZone), {
        journal,
        history: reader,
        bus,
        clock,
        doorSides: (doorId) => {
          try {
            return access.records.get('access_doors', doorId);
          } catch {
            return undefined; // a door deleted since: the grant's own zone still counts
          }
        },
        log,
      })
    : null;
  await correlation?.start();
  const logins = new LoginsGateway(config, {
    journal,
    correlation,
    cardholders: () => access.lookup.cardholders,
    accountDigest: siteAccountDigest(keyring),
    bus,
    clock,
    log,
  });
  // The workstations placed on the console, beside the site file's, before any login is taken.
  logins.places = new WorkstationPlaces(db, journal, logins.workstations, clock, (host) =>
    logins.relocateSessions(host),
  );
  logins.places.load();
  if (config.logins.mqtt.topic) {
    if (broker.mqtt) {
      logins.topic = new LoginTopic(config.logins.mqtt, config.logins.http.maxBatch, logins, clock, log);
      logins.topic.attach(broker.mqtt);
    } else log('warn', 'logins.mqtt.topic is set but no MQTT broker is: no logins are taken by MQTT', {});
  }
  // Who was logged in where at the last stop, before any listener takes a new login.
  await logins.restoreSessions(reader, (e) => journal.openForView(e));
  logins.listeners = await startLoginListeners(config, logins, clock, log);
  const directory = createDirectorySync(config, { access, journal, db, bus, clock, log });
  directory?.start();
  const gating = new GatingService(config, {
    journal,
    identity: logins,
    cardholders: () => access.lookup.cardholders,
    presenceOf: (personId) => access.engine.presence.get(personId),
    // Made (and stored wrapped) only on a site that turns gating on.
    accountDigestKey: config.gating.enabled
      ? keyring.siteKey('gating', 'gatehouse/gating/account-digest/v1')
      : Buffer.alloc(0),
    clock,
    log,
  });
  // Nonces answered before this start, before the gateway listens (a restart does not reopen replay).
  await gating.start(reader);
  const stopSessionPurge = purgeSessionsPeriodically(auth.signIn, clock, (error) =>
    logger.warn({ error: String(error) }, 'expired sessions not purged'),
  );
  // The board's "last through" per door survives a restart: the newest door.open entries naming a person.
  void reader
    .page({ types: ['door.open'], text: '"through"' }, MAX_PAGE)
    .then((page) => doors.restoreLastThrough(page.items))
    .catch((error: unknown) =>
      log('warn', 'the doors board could not restore who went through last', { err: error }),
    );
  return {
    config,
    clock,
    bus,
    db,
    readPool,
    journal,
    reader,
    correlation,
    logins,
    directory,
    gating,
    auth,
    keyring,
    access,
    doors,
    alarms,
    notifications,
    readers,
    mqtt: broker.mqtt,
    brokerUrl: broker.brokerUrl,
    brokerSecurity: broker.security,
    async close() {
      stopSessionPurge();
      directory?.stop();
      await directory?.idle();
      await logins.close();
      correlation?.stop();
      await readers.stop();
      doors.stop();
      alarms.stop();
      notifications.stop();
      await broker.close();
      await journal.close();
      await readPool.close();
      db.close();
    },
  };
};
