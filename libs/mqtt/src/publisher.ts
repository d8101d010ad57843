import type { GatehouseBus } from '@gatehouse/contracts';
import type { MqttSensorSource } from './client';

export interface PublishedDoor {
  id: string;
  name: string;
}

/**
 * Door states for the site's other systems: retained JSON on
 * `<prefix>/doors/<id>/state` and `open`/`closed` on `<prefix>/doors/<id>/contact`,
 * and Home Assistant MQTT discovery so existing dashboards pick the doors up
 * (binary sensors of class door, available while the gateway is).
 */
export class DoorStatePublisher {
  private readonly announced = new Set<string>();
  private readonly last = new Map<
    string,
    { phase: string; open: boolean | null; alarms: string[]; at: number }
  >();

  constructor(
    private readonly mqtt: MqttSensorSource,
    private readonly bus: GatehouseBus,
    private readonly doors: () => PublishedDoor[],
    private readonly prefix = 'gatehouse',
    /** Home Assistant's discovery prefix; null: no discovery. */
    private readonly discoveryPrefix: string | null = 'homeassistant',
  ) {}

  start(): void {
    this.bus.on('door.state-changed', 'mqtt-publisher', (s) => {
      this.last.set(s.doorId, s);
      void this.publishDoor(s.doorId).catch(() => undefined);
    });
    this.mqtt.onConnect(() => void this.announce().catch(() => undefined));
  }

  private async publishDoor(doorId: string): Promise<void> {
    const s = this.last.get(doorId);
    if (!s) return;
    // A door created after the last (re)connection is announced when it first reports.
    if (!this.announced.has(doorId)) {
      const door = this.doors().find((d) => d.id === doorId);
      if (door) await this.announceDoor(door);
    }
    await this.mqtt.publish(
      `${this.prefix}/doors/${doorId}/state`,
      JSON.stringify({ phase: s.phase, open: s.open, alarms: s.alarms, at: new Date(s.at).toISOString() }),
      true,
    );
    if (s.open !== null)
      await this.mqtt.publish(`${this.prefix}/doors/${doorId}/contact`, s.open ? 'open' : 'closed', true);
  }

  /** Discovery configs and the last known states, after every (re)connection. */
  async announce(): Promise<void> {
    for (const d of this.doors()) await this.announceDoor(d);
    for (const doorId of this.last.keys()) await this.publishDoor(doorId);
  }

  private async announceDoor(d: PublishedDoor): Promise<void> {
    this.announced.add(d.id);
    if (this.discoveryPrefix === null) return;
    const id = d.id.replace(/[^A-Za-z0-9_-]/g, '_');
    await this.mqtt.publish(
      `${this.discoveryPrefix}/binary_sensor/gatehouse_${id}/config`,
      JSON.stringify({
        name: d.name,
        unique_id: `gatehouse_door_${id}`,
        device_class: 'door',
        state_topic: `${this.prefix}/doors/${d.id}/contact`,
        payload_on: 'open',
        payload_off: 'closed',
        json_attributes_topic: `${this.prefix}/doors/${d.id}/state`,
        availability_topic: `${this.prefix}/status`,
        payload_available: 'online',
        payload_not_available: 'offline',
        device: {
          identifiers: ['gatehouse'],
          name: 'Gatehouse',
          manufacturer: 'Gatehouse',
          model: 'Access gateway',
        },
      }),
      true,
    );
  }
}
