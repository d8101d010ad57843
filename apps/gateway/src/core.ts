import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AccessService, AccessStore, importWorkerAvailable, workerImportWriter } from '@gatehouse/access';
import { type Auth, AuthStore, createAuth, SecretBox } from '@gatehouse/auth';
import { readReaderKey, readSecret, type GatehouseConfig } from '@gatehouse/config';
import {
  AlarmsService,
  type AlarmTransport,
  DEFAULT_ALARM_SETTINGS,
  DEFAULT_OUTBOX_SETTINGS,
  mqttTransport,
  NotificationOutbox,
  syslogTransport,
  webhookTransport,
} from '@gatehouse/alarms';
import { DoorsService } from '@gatehouse/doors';
import {
  brokerSecurity,
  type BrokerSecurity,
  DoorStatePublisher,
  type EmbeddedBroker,
  MqttDoorActuators,
  MqttSensorSource,
  startEmbeddedBroker,
} from '@gatehouse/mqtt';
import {
  type Clock,
  DeadLetterLimiter,
  GatehouseBus,
  handlerFailure,
  systemClock,
} from '@gatehouse/contracts';
import { Journal, JournalReader, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { ReaderKeyStore, ReadersService, type SerialPortConfig } from '@gatehouse/readers';
import { type Db, openDatabase, ReadPool } from '@gatehouse/storage';

export const VERSION = '0.1.0';

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
  /** The CLI joins the journal without recording a gateway start. */
  role: 'gateway' | 'cli';
  clock?: Clock;
}

/**
 * Serial ports with their readers' keys: read from the secret references (and
 * never logged), or, for a reader in install mode without one, made by the
 * gateway and kept sealed in the database until and after it is installed.
 */
const resolveSerialPorts = (config: GatehouseConfig, keys: ReaderKeyStore): SerialPortConfig[] =>
  config.serial.map((port) => ({
    ...port,
    readers: port.readers.map((r) => {
      if (!r.scbk) {
        if (port.protocol !== 'osdp' || !r.installMode) return { ...r, scbk: null };
        const managed = keys.keyFor(r.id);
        return {
          ...r,
          scbk: managed.key,
          installMode: !managed.installed,
          managedKey: true,
          nextKey: managed.nextKey,
        };
      }
      return { ...r, scbk: readReaderKey(r.scbk, `serial ${port.id}, reader ${r.id}, scbk`) };
    }),
  }));

const USER_AGENT = `Gatehouse/${VERSION}`;

/** Every configured receiver of alarm notifications, each with who may hear what. */
const notificationTargets = (config: GatehouseConfig, mqtt: MqttSensorSource | null): AlarmTransport[] => {
  const n = config.notifications;
  const ca = (file: string) => (file ? readFileSync(file) : undefined);
  return [
    ...(mqtt
      ? [
          mqttTransport(
            // Not connected: fail now and retry later, rather than wait in the client's offline queue.
            (t, p) =>
              mqtt.connected ? mqtt.publish(t, p) : Promise.reject(new Error('broker not connected')),
            config.mqtt.topicPrefix,
            { events: n.mqttEvents, silentAlarms: n.mqttSilentAlarms, personalData: n.mqttPersonalData },
          ),
        ]
      : []),
    ...n.webhooks.map((w) =>
      webhookTransport({
        ...w,
        secret: readSecret(w.secret),
        ca: ca(w.caFile),
        timeoutMs: w.timeoutSeconds * 1000,
        userAgent: USER_AGENT,
      }),
    ),
    ...n.syslog.map((l) => syslogTransport({ ...l, ca: ca(l.caFile), version: VERSION })),
  ];
};

export const createCore = async (config: GatehouseConfig, options: CoreOptions): Promise<Core> => {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  // A handler that throws is a dead letter naming it, with what it was handling: never a silent drop.
  let handlerFailures: DeadLetterLimiter | null = null;
  const bus = new GatehouseBus((event, owner, error, payload) => {
    logger.error({ err: error, event, owner }, 'event subscriber failed');
    if (event === 'device.dead-letter') return; // the sink itself failed: the log is all that is left
    handlerFailures?.offer(
      `${event}/${owner}`,
      handlerFailure(event, owner, error, payload, clock.now().getTime()),
    );
  });
  handlerFailures = new DeadLetterLimiter(clock, (d) => bus.emit('device.dead-letter', d));
  const db = openDatabase({ path: config.resolved.sqlitePath, synchronous: config.storage.synchronous });
  const signer = loadOrCreateSigningKey(config.resolved.signingKeyFile, (m) => logger.warn(m));
  const journal = new Journal(new SqliteJournalStore(db), signer, clock, config.journal, bus);
  if (options.role === 'gateway') await journal.open({ version: VERSION, site: config.site.name });
  else journal.attach();
  const readPool = new ReadPool(config.resolved.sqlitePath, config.storage.readWorkers);
  if (options.role === 'gateway') readPool.takeOverCheckpoints(db);
  const secrets = SecretBox.fromFile(join(config.resolved.dataDir, 'keys', 'secrets.key'));
  const auth = createAuth(
    new AuthStore(db),
    journal,
    clock,
    {
      ...config.auth,
      siteName: config.site.name,
      passwordNeedsLettersAndDigits: config.security.profile === 'pci',
    },
    secrets,
  );
  const access = new AccessService(new AccessStore(db), journal, clock, bus);
  if (options.role === 'gateway' && importWorkerAvailable()) {
    access.useImportWriter(
      workerImportWriter(
        {
          sqlitePath: config.resolved.sqlitePath,
          synchronous: config.storage.synchronous,
          signingKeyFile: config.resolved.signingKeyFile,
          journal: config.journal,
        },
        journal,
      ),
    );
  }
  const alarms = new AlarmsService(db, journal, clock, bus, {
    ...DEFAULT_ALARM_SETTINGS,
    escalateAfterSeconds: config.alarms.escalateAfterSeconds,
  });
  const readerKeys = new ReaderKeyStore(db, secrets, (readerId, store) =>
    journal.appendAll(
      [
        {
          type: 'reader.key-made',
          source: 'gateway',
          subjects: [{ kind: 'reader', id: readerId }],
          payload: { readerId },
        },
      ],
      store,
    ),
  );
  const serial = resolveSerialPorts(config, readerKeys);
  const doors = new DoorsService(
    bus,
    journal,
    clock,
    () =>
      access
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
  const readers = new ReadersService(
    serial,
    bus,
    journal,
    clock,
    (level, message, detail) => logger[level](detail, message),
    readerKeys,
  );
  if (options.role === 'gateway') readers.start();
  // Refused device messages are kept with their raw bytes: counted, logged, never fatal.
  bus.on('device.dead-letter', 'journal', (d) => {
    logger.warn(
      { source: d.source, origin: d.origin, reason: d.reason, bytes: d.bytes },
      'device message refused',
    );
    journal
      .append({ type: 'device.message-refused', source: d.source, subjects: [], payload: { ...d } })
      .catch(() => undefined);
  });
  let mqtt: MqttSensorSource | null = null;
  let embedded: EmbeddedBroker | null = null;
  let brokerUrl = config.mqtt.url;
  let security: BrokerSecurity | null = null;
  // The embedded broker only when no external one is configured.
  if (options.role === 'gateway' && !brokerUrl && config.mqtt.embeddedBroker.enabled) {
    embedded = await startEmbeddedBroker(config.mqtt.embeddedBroker.host, config.mqtt.embeddedBroker.port);
    brokerUrl = embedded.url;
    logger.info({ url: brokerUrl }, 'embedded MQTT broker started');
  }
  if (options.role === 'gateway' && brokerUrl) {
    mqtt = new MqttSensorSource(
      {
        ...config.mqtt,
        url: brokerUrl,
        password: config.mqtt.password ? readSecret(config.mqtt.password) : undefined,
      },
      config.sensors.map((s) => ({
        id: s.id,
        converter: s.converter,
        device: s.device,
        channel: s.channel,
        invert: s.invert,
        generic: s.generic,
      })),
      bus,
      (e) => {
        logger.info({ mqtt: e.state, detail: e.detail }, 'mqtt connection');
        journal
          .append({
            type: `device.mqtt-${e.state}`,
            source: 'mqtt',
            subjects: [],
            payload: { url: config.mqtt.url, detail: e.detail ?? null },
          })
          .catch(() => undefined);
      },
      clock,
    );
    security = brokerSecurity({ ...config.mqtt, url: brokerUrl }, embedded !== null);
    // Once at start: health keeps saying it.
    if (security.warning) logger.warn({ url: brokerUrl }, `MQTT: ${security.warning}`);
    mqtt.start();
    const actuators = new MqttDoorActuators(mqtt, bus, config.actuators, (r) => {
      const subjects = [{ kind: 'door' as const, id: r.door }];
      journal
        .append({
          type: r.confirmed ? 'door.actuator-confirmed' : 'door.actuator-unconfirmed',
          source: 'mqtt',
          subjects,
          payload: { ...r },
        })
        .catch(() => undefined);
      if (!r.confirmed) {
        bus.emit('alarm.raised', {
          type: 'actuator-unconfirmed',
          priority: 'medium',
          silent: false,
          doorId: r.door,
          at: clock.now().getTime(),
          detail: 'the relay did not confirm it switched',
        });
      }
    });
    actuators.start();
    new DoorStatePublisher(
      mqtt,
      bus,
      () => access.list('access_doors').map((d) => ({ id: d.id, name: d.name })),
      {
        prefix: config.mqtt.topicPrefix,
        site: config.site.name,
        discoveryPrefix: 'homeassistant',
        discovery: config.mqtt.homeAssistantDiscovery,
      },
    ).start();
  }
  const notifications = new NotificationOutbox(
    db,
    journal,
    clock,
    bus,
    notificationTargets(config, mqtt),
    {
      ...DEFAULT_OUTBOX_SETTINGS,
      horizonMs: config.notifications.retryHorizonSeconds * 1000,
      backoffMaxMs: config.notifications.backoffMaxSeconds * 1000,
      failingAlarmAfterMs: config.notifications.failingAlarmAfterSeconds * 1000,
    },
    (message, detail) => logger.warn(detail, message),
  );
  alarms.notifyThrough(notifications);
  if (options.role === 'gateway') notifications.start();
  return {
    config,
    clock,
    bus,
    db,
    readPool,
    journal,
    reader: new JournalReader(readPool),
    auth,
    access,
    doors,
    alarms,
    notifications,
    readers,
    mqtt,
    brokerUrl: brokerUrl || null,
    brokerSecurity: security,
    async close() {
      await readers.stop();
      doors.stop();
      alarms.stop();
      notifications.stop();
      await mqtt?.stop();
      await embedded?.close();
      if (options.role === 'gateway') await journal.close();
      else journal.flush();
      await readPool.close();
      db.close();
    },
  };
};
