import type { GatehouseBus } from '@gatehouse/contracts';
import type { MqttSensorSource } from './client';

export interface PublishedDoor {
  id: string;
  name: string;
}

export interface PublisherOptions {
  /** Topic prefix of this gateway: unique per gateway on a broker, so it also names the gateway there. */
  prefix: string;
  /** Site name, shown as the Home Assistant device. */
  site: string;
  /** Home Assistant's discovery prefix. */
  discoveryPrefix: string;
  /** Off: configs this gateway announced before are removed, none announced. */
  discovery: boolean;
}

/**
 * Topic levels and ids from any string, without collisions: letters, digits and
 * `-` stay, every other character (including `_`) becomes `_<hex>_`, so `a.b`
 * and `a_b` stay apart.
 */
export const discoveryId = (s: string): string =>
  s.replace(/[^A-Za-z0-9-]/gu, (c) => `_${c.codePointAt(0)!.toString(16)}_`);

const DOOR_CHANGES = new Set(['door.created', 'door.updated', 'door.deleted']);

/**
 * Door states for the site's other systems: retained JSON on
 * `<prefix>/doors/<id>/state` and `open`/`closed` on `<prefix>/doors/<id>/contact`,
 * and Home Assistant MQTT discovery so existing dashboards pick the doors up
 * (binary sensors of class door, available while the gateway is). Discovery is
 * per gateway (node id, unique ids and device from the topic prefix) and follows
 * the doors: a new door is announced, a renamed one announced again, a deleted
 * one removed with an empty retained config (and its retained states cleared).
 */
export class DoorStatePublisher {
  /** Doors announced, with the name they were announced under. */
  private readonly announced = new Map<string, string>();
  private readonly last = new Map<
    string,
    { phase: string; open: boolean | null; alarms: string[]; at: number }
  >();
  private syncQueued = false;
  /** Announcements and syncs run one after the other: one working from a stale door list would undo another. */
  private chain: Promise<void> = Promise.resolve();
  private readonly nodeId: string;

  constructor(
    private readonly mqtt: MqttSensorSource,
    private readonly bus: GatehouseBus,
    private readonly doors: () => PublishedDoor[],
    private readonly options: PublisherOptions,
  ) {
    this.nodeId = `gatehouse_${discoveryId(options.prefix)}`;
  }

  /** The discovery topic of a door; `+` gives the filter of all of this gateway's. */
  private configTopic(doorId: string | '+'): string {
    const object = doorId === '+' ? '+' : discoveryId(doorId);
    return `${this.options.discoveryPrefix}/binary_sensor/${this.nodeId}/${object}/config`;
  }

  start(): void {
    this.bus.on('door.state-changed', 'mqtt-publisher', (s) => {
      this.last.set(s.doorId, s);
      // While the broker is away nothing is sent: every (re)connection publishes
      // the last state of each door. A publish refused while connected is the
      // listener's failure, counted and logged by the bus.
      return this.mqtt.connected ? this.publishDoor(s.doorId) : undefined;
    });
    this.bus.on('journal.committed', 'mqtt-publisher', (entries) => {
      if (entries.some((e) => DOOR_CHANGES.has(e.type))) this.queueSync();
    });
    // Retained configs of this gateway at the broker: any for a door that no longer exists
    // (deleted while the gateway was down), or all of them with discovery off, are removed.
    this.mqtt.handleTopic(this.configTopic('+'), (payload, topic) => {
      if (payload.length === 0) return;
      const current = new Set(this.options.discovery ? this.doors().map((d) => this.configTopic(d.id)) : []);
      if (!current.has(topic))
        this.bus.track('mqtt.discovery-removed', 'mqtt-publisher', this.mqtt.publish(topic, '', true), {
          topic,
        });
    });
    this.mqtt.onConnect(() => this.serially(() => this.announce()));
  }

  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    setImmediate(() => {
      this.syncQueued = false;
      if (this.mqtt.connected) this.serially(() => this.sync());
    });
  }

  /** A job that fails is counted and logged by the bus; the next one still runs. */
  private serially(job: () => Promise<void>): void {
    const run = this.chain.then(job);
    this.bus.track('mqtt.door-sync', 'mqtt-publisher', run, null);
    this.chain = run.catch(() => undefined);
  }

  /** Brings the broker in line with the doors as they are now. */
  private async sync(): Promise<void> {
    const doors = this.doors();
    const ids = new Set(doors.map((d) => d.id));
    for (const d of doors) if (this.announced.get(d.id) !== d.name) await this.announceDoor(d);
    for (const id of [...this.announced.keys()]) {
      if (ids.has(id)) continue;
      this.announced.delete(id);
      this.last.delete(id);
      if (this.options.discovery) await this.mqtt.publish(this.configTopic(id), '', true);
      await this.mqtt.publish(`${this.options.prefix}/doors/${id}/state`, '', true);
      await this.mqtt.publish(`${this.options.prefix}/doors/${id}/contact`, '', true);
    }
  }

  private async publishDoor(doorId: string): Promise<void> {
    const s = this.last.get(doorId);
    if (!s) return;
    if (!this.announced.has(doorId)) {
      const door = this.doors().find((d) => d.id === doorId);
      if (door) await this.announceDoor(door);
    }
    const prefix = this.options.prefix;
    await this.mqtt.publish(
      `${prefix}/doors/${doorId}/state`,
      JSON.stringify({ phase: s.phase, open: s.open, alarms: s.alarms, at: new Date(s.at).toISOString() }),
      true,
    );
    if (s.open !== null)
      await this.mqtt.publish(`${prefix}/doors/${doorId}/contact`, s.open ? 'open' : 'closed', true);
  }

  /** Discovery configs and the last known states, after every (re)connection. */
  async announce(): Promise<void> {
    this.announced.clear();
    for (const d of this.doors()) await this.announceDoor(d);
    for (const doorId of this.last.keys()) await this.publishDoor(doorId);
  }

  /** Marked announced only once the broker took it, so a refused one is tried again at the next sync. */
  private async announceDoor(d: PublishedDoor): Promise<void> {
    if (!this.options.discovery) {
      this.announced.set(d.id, d.name);
      return;
    }
    const { prefix, site } = this.options;
    await this.mqtt.publish(
      this.configTopic(d.id),
      JSON.stringify({
        name: d.name,
        unique_id: `${this.nodeId}_door_${discoveryId(d.id)}`,
        object_id: `${this.nodeId}_${discoveryId(d.id)}`,
        device_class: 'door',
        state_topic: `${prefix}/doors/${d.id}/contact`,
        payload_on: 'open',
        payload_off: 'closed',
        json_attributes_topic: `${prefix}/doors/${d.id}/state`,
        availability_topic: `${prefix}/status`,
        payload_available: 'online',
        payload_not_available: 'offline',
        device: {
          identifiers: [this.nodeId],
          name: `Gatehouse ${site}`,
          manufacturer: 'Gatehouse',
          model: 'Access gateway',
        },
      }),
      true,
    );
    this.announced.set(d.id, d.name);
  }
}
