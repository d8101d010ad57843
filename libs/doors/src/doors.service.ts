import type { Clock, GatehouseBus, JournalEntryInput, SensorReading, SubjectRef } from '@gatehouse/contracts';
import {
  DEFAULT_DOOR_TIMING,
  DoorMachine,
  type DoorAlarmType,
  type DoorInput,
  type DoorOutput,
} from './door-machine';

export interface DoorDefinition {
  id: string;
  name: string;
  unlockMs: number;
  heldOpenMs: number;
}

export interface SensorDoorBinding {
  sensorId: string;
  doorId: string;
  role: 'contact' | 'rex';
}

export interface SensorHealth {
  sensorId: string;
  doorId: string;
  online: boolean | null;
  tamper: boolean;
  battery: number | null;
  lastSeen: string | null;
}

interface Journaling {
  append(input: JournalEntryInput): Promise<unknown>;
}

const PRIORITY: Record<
  DoorAlarmType | 'sensor-offline' | 'sensor-tamper' | 'sensor-battery-low',
  'critical' | 'high' | 'medium' | 'low'
> = {
  'forced-open': 'high',
  'held-open': 'medium',
  'held-open-warning': 'low',
  tailgating: 'medium',
  'sensor-offline': 'medium',
  'sensor-tamper': 'high',
  'sensor-battery-low': 'low',
};
const LOW_BATTERY = 20;

/**
 * Runs one state machine per door, fed by sensor readings (any ecosystem),
 * grants and remote unlocks, and door modes. Each door's timer is set for the
 * moment its machine is next due (a held-open alarm fires on time, with no
 * polling). State changes and alarms go to the journal and the bus.
 */
export class DoorsService {
  private readonly machines = new Map<string, DoorMachine>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly bindings = new Map<string, SensorDoorBinding>();
  private readonly sensors = new Map<string, SensorHealth>();
  private readonly names = new Map<string, string>();
  private readonly lastDeviceTime = new Map<string, number>();

  constructor(
    private readonly bus: GatehouseBus,
    private readonly journal: Journaling,
    private readonly clock: Clock,
    private readonly doors: () => DoorDefinition[],
    bindings: readonly SensorDoorBinding[],
    private readonly timing: Partial<typeof DEFAULT_DOOR_TIMING> = {},
  ) {
    for (const d of doors()) this.define(d);
    for (const b of bindings) {
      this.bindings.set(b.sensorId, b);
      this.sensors.set(b.sensorId, {
        sensorId: b.sensorId,
        doorId: b.doorId,
        online: null,
        tamper: false,
        battery: null,
        lastSeen: null,
      });
    }
    bus.on('sensor.reading', 'doors', (r) => this.onReading(r));
    bus.on('access.decided', 'doors', (d) => {
      if (d.grant && d.doorId) this.feed(d.doorId, { kind: 'grant', at: d.at, unlockMs: d.unlockMs });
    });
    bus.on('door.command', 'doors', (c) => {
      if (c.action === 'pulse')
        this.feed(c.doorId, { kind: 'grant', at: this.now(), ...(c.ms ? { unlockMs: c.ms } : {}) });
    });
    bus.on('door.mode-changed', 'doors', (m) =>
      this.feed(m.doorId, {
        kind: 'mode',
        unlocked: m.mode === 'unlocked' || m.mode === 'emergency',
        at: this.now(),
      }),
    );
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Adds or updates a door (timings come from the access context's door). */
  define(d: DoorDefinition): void {
    this.names.set(d.id, d.name);
    if (!this.machines.has(d.id)) {
      this.machines.set(
        d.id,
        new DoorMachine({
          ...DEFAULT_DOOR_TIMING,
          ...this.timing,
          id: d.id,
          unlockMs: d.unlockMs,
          heldOpenMs: d.heldOpenMs,
          preAlarmMs: Math.min(5000, Math.floor(d.heldOpenMs / 4)),
        }),
      );
    }
  }

  private onReading(r: SensorReading): void {
    const binding = this.bindings.get(r.sensorId);
    if (!binding) return;
    // A delivery older than one already applied (QoS 1 gives no order across a reconnect): refused.
    if (r.deviceTime !== undefined) {
      const last = this.lastDeviceTime.get(r.sensorId);
      if (last !== undefined && r.deviceTime < last) {
        this.bus.emit('device.dead-letter', {
          source: 'doors',
          origin: r.origin,
          reason: `${r.sensorId}: out of order (device time ${new Date(r.deviceTime).toISOString()} before ${new Date(last).toISOString()})`,
          raw: Buffer.from(JSON.stringify(r.signals)).toString('base64'),
          bytes: 0,
          at: r.at,
        });
        return;
      }
      this.lastDeviceTime.set(r.sensorId, r.deviceTime);
    }
    const health = this.sensors.get(r.sensorId)!;
    health.lastSeen = new Date(r.at).toISOString();
    for (const s of r.signals) {
      switch (s.kind) {
        case 'contact':
          if (binding.role === 'contact')
            this.feed(binding.doorId, { kind: 'contact', open: s.open, at: r.at });
          else if (s.open) this.feed(binding.doorId, { kind: 'rex', at: r.at });
          break;
        case 'rex':
          if (s.active) this.feed(binding.doorId, { kind: 'rex', at: r.at });
          break;
        case 'lock':
          this.feed(binding.doorId, { kind: 'lock', locked: s.locked, at: r.at });
          break;
        case 'people':
          // A people counter or a camera's line crossing: more people than grants is tailgating.
          if (s.count > 0) this.feed(binding.doorId, { kind: 'passage', count: s.count, at: r.at });
          break;
        case 'availability':
          if (health.online !== s.online) {
            const was = health.online;
            health.online = s.online;
            if (!s.online) this.sensorAlarm(binding, 'sensor-offline', r.at);
            else if (was === false) this.sensorClear(binding, 'sensor-offline', r.at);
          }
          break;
        case 'tamper':
          if (s.active !== health.tamper) {
            health.tamper = s.active;
            if (s.active) this.sensorAlarm(binding, 'sensor-tamper', r.at);
            else this.sensorClear(binding, 'sensor-tamper', r.at);
          }
          break;
        case 'battery': {
          const wasLow = health.battery !== null && health.battery < LOW_BATTERY;
          health.battery = s.percent;
          if (s.percent < LOW_BATTERY && !wasLow)
            this.sensorAlarm(binding, 'sensor-battery-low', r.at, `${s.percent}%`);
          break;
        }
        default:
          break;
      }
    }
  }

  private feed(doorId: string, input: DoorInput): void {
    // A door created since start (in the console) gets its machine on first use.
    if (!this.machines.has(doorId)) {
      const d = this.doors().find((x) => x.id === doorId);
      if (d) this.define(d);
    }
    const m = this.machines.get(doorId);
    if (!m) return;
    this.handle(doorId, [...m.tick(input.at), ...m.feed(input)]);
    this.schedule(doorId);
  }

  private schedule(doorId: string): void {
    const m = this.machines.get(doorId)!;
    const old = this.timers.get(doorId);
    if (old) clearTimeout(old);
    const due = m.nextDue();
    if (due === null) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(doorId);
        this.handle(doorId, m.tick(this.now()));
        this.schedule(doorId);
      },
      Math.max(0, due - this.now()),
    );
    timer.unref();
    this.timers.set(doorId, timer);
  }

  private handle(doorId: string, outputs: DoorOutput[]): void {
    if (outputs.length === 0) return;
    const m = this.machines.get(doorId)!;
    const subjects: SubjectRef[] = [{ kind: 'door', id: doorId }];
    for (const o of outputs) {
      if (o.kind === 'state') {
        this.record({
          type: `door.${o.phase}`,
          source: `door:${doorId}`,
          subjects,
          payload: { phase: o.phase, at: o.at },
        });
      } else if (o.kind === 'alarm') {
        // The alarm service keeps (and journals) the alarm; this only announces it.
        this.bus.emit('alarm.raised', {
          type: o.type,
          priority: PRIORITY[o.type],
          silent: false,
          doorId,
          at: o.at,
          ...(o.detail ? { detail: o.detail } : {}),
        });
      } else {
        this.bus.emit('alarm.cleared', { type: o.type, doorId, at: o.at });
      }
    }
    const st = m.state;
    this.bus.emit('door.state-changed', {
      doorId,
      phase: st.phase,
      open: st.open,
      alarms: st.alarms,
      at: this.now(),
    });
  }

  private sensorAlarm(
    b: SensorDoorBinding,
    type: 'sensor-offline' | 'sensor-tamper' | 'sensor-battery-low',
    at: number,
    detail?: string,
  ): void {
    this.bus.emit('alarm.raised', {
      type,
      priority: PRIORITY[type],
      silent: false,
      doorId: b.doorId,
      sensorId: b.sensorId,
      at,
      ...(detail ? { detail } : {}),
    });
  }

  private sensorClear(b: SensorDoorBinding, type: string, at: number): void {
    this.bus.emit('alarm.cleared', { type, doorId: b.doorId, sensorId: b.sensorId, at });
  }

  private record(input: JournalEntryInput): void {
    this.journal.append(input).catch(() => undefined);
  }

  board(): {
    doorId: string;
    name: string;
    phase: string;
    open: boolean | null;
    alarms: string[];
    sensors: SensorHealth[];
  }[] {
    return [...this.machines].map(([doorId, m]) => ({
      doorId,
      name: this.names.get(doorId) ?? doorId,
      ...m.state,
      sensors: [...this.sensors.values()].filter((s) => s.doorId === doorId),
    }));
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
