import type { GatehouseBus } from '@gatehouse/contracts';
import type { MqttSensorSource } from './client';

export const ACTUATOR_KINDS = ['shelly-gen1', 'tasmota', 'esphome', 'generic'] as const;
export type ActuatorKind = (typeof ACTUATOR_KINDS)[number];

export interface ActuatorBinding {
  door: string;
  kind: ActuatorKind;
  device: string;
  /** Shelly relay index, Tasmota POWER number, ESPHome switch name. */
  channel?: string;
  generic?: {
    commandTopic: string;
    stateTopic: string;
    on: string;
    off: string;
    onState: string;
    offState: string;
  };
}

interface Topics {
  command: string;
  state: string;
  on: string;
  off: string;
  isOn: (payload: string) => boolean | null;
}

/** Each ecosystem's relay: where to command it and where it confirms (INTEROP.md section 3). */
export const actuatorTopics = (a: ActuatorBinding): Topics => {
  const ch = a.channel;
  switch (a.kind) {
    case 'shelly-gen1':
      return {
        command: `shellies/${a.device}/relay/${ch ?? '0'}/command`,
        state: `shellies/${a.device}/relay/${ch ?? '0'}`,
        on: 'on',
        off: 'off',
        isOn: (p) => (p === 'on' ? true : p === 'off' ? false : null),
      };
    case 'tasmota':
      return {
        command: `cmnd/${a.device}/POWER${ch ?? '1'}`,
        state: `stat/${a.device}/POWER${ch ?? '1'}`,
        on: 'ON',
        off: 'OFF',
        isOn: (p) => (p === 'ON' ? true : p === 'OFF' ? false : null),
      };
    case 'esphome':
      return {
        command: `${a.device}/switch/${ch ?? 'lock'}/command`,
        state: `${a.device}/switch/${ch ?? 'lock'}/state`,
        on: 'ON',
        off: 'OFF',
        isOn: (p) => (p === 'ON' ? true : p === 'OFF' ? false : null),
      };
    case 'generic': {
      const g = a.generic!;
      return {
        command: g.commandTopic,
        state: g.stateTopic,
        on: g.on,
        off: g.off,
        isOn: (p) => (p === g.onState ? true : p === g.offState ? false : null),
      };
    }
  }
};

export interface ActuationReport {
  door: string;
  ms: number;
  confirmed: boolean;
  /** How long the device took to confirm it switched on. */
  confirmMs: number | null;
}

/**
 * Door strikes switched by MQTT relays: on for the unlock time, then off. The
 * device's own state topic confirms each switch; no confirmation within the
 * time allowed is reported (the lock may not have opened).
 */
export class MqttDoorActuators {
  private readonly byDoor = new Map<string, { binding: ActuatorBinding; topics: Topics }>();
  private readonly waiting = new Map<string, (on: boolean) => void>();

  constructor(
    private readonly mqtt: Pick<MqttSensorSource, 'handleTopic' | 'publish' | 'clock'>,
    private readonly bus: GatehouseBus,
    bindings: readonly ActuatorBinding[],
    /** Where each pulse's outcome goes (the journal, an alarm); a promise it returns is awaited. */
    private readonly report: (r: ActuationReport) => unknown,
    private readonly confirmWithinMs = 2000,
  ) {
    for (const b of bindings) this.byDoor.set(b.door, { binding: b, topics: actuatorTopics(b) });
  }

  start(): void {
    for (const { binding, topics } of this.byDoor.values()) {
      this.mqtt.handleTopic(topics.state, (payload) => {
        const on = topics.isOn(payload.toString('utf8').trim());
        if (on !== null) this.waiting.get(binding.door)?.(on);
      });
    }
    // The pulse is the listener's promise: a publish or a report that fails is the bus's to count and log.
    this.bus.on('access.decided', 'mqtt-actuators', (d) =>
      d.grant && d.doorId ? this.pulse(d.doorId, d.unlockMs) : undefined,
    );
    this.bus.on('door.command', 'mqtt-actuators', (c) =>
      c.action === 'pulse' ? this.pulse(c.doorId, c.ms ?? 5000) : undefined,
    );
  }

  /** The relays run on the broker connection's clock (the injected one). */
  private get clock() {
    return this.mqtt.clock;
  }

  async pulse(door: string, ms: number): Promise<ActuationReport | null> {
    const a = this.byDoor.get(door);
    if (!a) return null;
    const started = this.clock.monotonicMs();
    const confirmed = new Promise<number | null>((resolve) => {
      const cancel = this.clock.after(this.confirmWithinMs, () => {
        this.waiting.delete(door);
        resolve(null);
      });
      this.waiting.set(door, (on) => {
        if (!on) return;
        cancel();
        this.waiting.delete(door);
        resolve(this.clock.monotonicMs() - started);
      });
    });
    await this.mqtt.publish(a.topics.command, a.topics.on);
    this.clock.after(
      ms,
      () => void this.mqtt.publish(a.topics.command, a.topics.off).catch(() => undefined),
      true,
    );
    const confirmMs = await confirmed;
    const r: ActuationReport = { door, ms, confirmed: confirmMs !== null, confirmMs };
    await this.report(r);
    return r;
  }
}
