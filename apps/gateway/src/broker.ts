import { readSecret, type GatehouseConfig } from '@gatehouse/config';
import type { Clock, GatehouseBus, Journaling, Log } from '@gatehouse/contracts';
import {
  brokerSecurity,
  type BrokerSecurity,
  DoorStatePublisher,
  type EmbeddedBroker,
  journalConnectionStates,
  MqttDoorActuators,
  MqttSensorSource,
  recordActuations,
  recordSwitchOffs,
  startEmbeddedBroker,
} from '@gatehouse/mqtt';

export interface Broker {
  /** The sensors' connection; null without a broker. */
  mqtt: MqttSensorSource | null;
  /** The broker in use (external or embedded), if any. */
  brokerUrl: string | null;
  /** What protects the broker connection; null without MQTT. */
  security: BrokerSecurity | null;
  close(): Promise<void>;
}

/**
 * The MQTT side of the gateway: the configured broker, or the embedded one
 * when none is configured and it is enabled; on it the door sensors, the
 * relays and the published door states.
 */
export const connectBroker = async (
  config: GatehouseConfig,
  bus: GatehouseBus,
  journal: Journaling,
  clock: Clock,
  log: Log,
  doors: () => { id: string; name: string }[],
): Promise<Broker> => {
  let embedded: EmbeddedBroker | null = null;
  let brokerUrl = config.mqtt.url;
  if (!brokerUrl && config.mqtt.embeddedBroker.enabled) {
    embedded = await startEmbeddedBroker(config.mqtt.embeddedBroker.host, config.mqtt.embeddedBroker.port);
    brokerUrl = embedded.url;
    log('info', 'embedded MQTT broker started', { url: brokerUrl });
  }
  if (!brokerUrl) return { mqtt: null, brokerUrl: null, security: null, close: async () => undefined };
  const mqtt = new MqttSensorSource(
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
    journalConnectionStates(journal, bus, config.mqtt.url, log),
    clock,
  );
  const security = brokerSecurity({ ...config.mqtt, url: brokerUrl }, embedded !== null);
  // Once at start: health keeps saying it.
  if (security.warning) log('warn', `MQTT: ${security.warning}`, { url: brokerUrl });
  mqtt.start();
  new MqttDoorActuators(
    mqtt,
    bus,
    config.actuators,
    recordActuations(journal, bus, clock),
    undefined,
    recordSwitchOffs(journal, bus, clock),
  ).start();
  new DoorStatePublisher(mqtt, bus, doors, {
    prefix: config.mqtt.topicPrefix,
    site: config.site.name,
    discoveryPrefix: 'homeassistant',
    discovery: config.mqtt.homeAssistantDiscovery,
  }).start();
  return {
    mqtt,
    brokerUrl,
    security,
    async close() {
      await mqtt.stop();
      await embedded?.close();
    },
  };
};
