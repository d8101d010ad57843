import {
  type Clock,
  DeadLetterLimiter,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  type SensorReading,
  type SubjectRef,
} from '@gatehouse/contracts';
import {
  DEFAULT_DOOR_TIMING,
  DoorMachine,
  type DoorAlarmType,
  type DoorInput,
  type DoorPhase,
  type DoorOutput,
} from './door-machine';

/** The journal types of a door's phase entries (door.secure, door.forced…), for reading them back. */
export const DOOR_PHASE_TYPES: readonly string[] = [
  'secure',
  'unlocked',
  'open',
  'held-warning',
  'held',
  'forced',
  'closed-unlocked',
].map((p) => `door.${p}`);

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

/** A door as the board shows it: its live state, active alarms and its sensors' health. */
export interface BoardDoor {
  doorId: string;
  name: string;
  phase: DoorPhase;
  open: boolean | null;
  alarms: DoorAlarmType[];
  sensors: SensorHealth[];
  /** When the door's phase last changed (ISO 8601); null: not since the gateway started. */
  since: string | null;
  /** The last person a grant let through this door (granted, then the door opened), and when. */
  lastThrough: { cardholderId: string; at: string } | null;
}

export interface SensorHealth {
  sensorId: string;
  doorId: string;
  /** What it watches at its door: the contact, or the exit button (request to exit). */
  role: 'contact' | 'rex';
  online: boolean | null;
  tamper: boolean;
  battery: number | null;
  lastSeen: string | null;
  /** Nothing heard from it since the gateway started, for longer than the grace period: is it there at all? */
  neverHeard: boolean;
}

export interface DoorsOptions {
  /** How far ahead of the gateway's clock a device's time may be before it is refused (clock skew). */
  maxClockSkewMs?: number;
  /** How long after start a sensor may stay silent before the board flags it. */
  sensorGraceMs?: number;
}

/** A device's time for a message: ISO 8601 where it is a date at all, as sent otherwise. */
const showTime = (t: number): string =>
  Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t);

/** How far back a device's time may lie: a broker may hold readings for a long outage, not for ever. */
const MAX_DEVICE_TIME_AGE_MS = 7 * 24 * 3600_000;

interface Journaling {
  append(input: JournalEntryInput): Promise<unknown>;
}

type SensorAlarmType = 'sensor-offline' | 'sensor-tamper' | 'sensor-battery-low' | 'used-while-away';
const PRIORITY: Record<DoorAlarmType | SensorAlarmType, 'critical' | 'high' | 'medium' | 'low'> = {
  'forced-open': 'high',
  'held-open': 'medium',
  'held-open-warning': 'low',
  tailgating: 'medium',
  'sensor-offline': 'medium',
  'sensor-tamper': 'high',
  'sensor-battery-low': 'low',
  'used-while-away': 'low',
};
const LOW_BATTERY = 20;
/** Grants per door kept to tell whose grant an opening used (a few: people queue at a door). */
const GRANTS_KEPT = 8;

interface PersonGrant {
  cardholderId: string;
  at: number;
  until: number;
}

/**
 * Runs one state machine per door, fed by sensor readings (any ecosystem),
 * grants and remote unlocks, and door modes. Each door's timer is set for the
 * moment its machine is next due (a held-open alarm fires on time, with no
 * polling). State changes and alarms go to the journal and the bus.
 */
export class DoorsService {
  private readonly machines = new Map<string, DoorMachine>();
  private readonly timers = new Map<string, () => void>();
  private readonly bindings = new Map<string, SensorDoorBinding>();
  private readonly sensors = new Map<string, SensorHealth>();
  private readonly names = new Map<string, string>();
  private readonly lastDeviceTime = new Map<string, number>();
  /** The outage each door was last noticed for as used while the gateway was away. */
  private readonly usedWhileAway = new Map<string, string>();
  private readonly deadLetters: DeadLetterLimiter;
  private readonly startedAt: number;
  /** Doors some sensor is bound to, and those of them the access context has not defined yet. */
  private readonly boundDoors = new Set<string>();
  private readonly provisional = new Set<string>();
  /** When each door's phase last changed, and who last went through it on a grant. */
  private readonly changedAt = new Map<string, number>();
  private readonly personGrants = new Map<string, PersonGrant[]>();
  private readonly lastThrough = new Map<string, { cardholderId: string; at: number }>();
  /**
   * Each door's phase and since when before the gateway started (the journal's
   * newest door.<phase> entry), and how many phase changes each door has made
   * since start: a door whose first phase after start is the one it had keeps
   * its old "since" (a restart does not make a door secure "for 3 s").
   */
  private readonly phaseBefore = new Map<string, { phase: DoorPhase; at: number }>();
  private readonly changesSinceStart = new Map<string, number>();

  constructor(
    private readonly bus: GatehouseBus,
    private readonly journal: Journaling,
    private readonly clock: Clock,
    private readonly doors: () => DoorDefinition[],
    bindings: readonly SensorDoorBinding[],
    private readonly timing: Partial<typeof DEFAULT_DOOR_TIMING> = {},
    private readonly options: DoorsOptions = {},
  ) {
    this.startedAt = clock.monotonicMs();
    this.deadLetters = new DeadLetterLimiter(clock, (d) => bus.emit('device.dead-letter', d));
    for (const d of doors()) this.define(d);
    for (const b of bindings) {
      this.bindings.set(b.sensorId, b);
      this.boundDoors.add(b.doorId);
      this.sensors.set(b.sensorId, {
        sensorId: b.sensorId,
        doorId: b.doorId,
        role: b.role,
        online: null,
        tamper: false,
        battery: null,
        lastSeen: null,
        neverHeard: false,
      });
    }
    bus.on('sensor.reading', 'doors', (r) => this.onReading(r));
    bus.on('access.decided', 'doors', (d) => {
      if (d.grant && d.doorId && d.cardholderId)
        this.rememberGrant(d.doorId, d.cardholderId, d.at, d.unlockMs);
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
        // A lockdown relocks at once: a door a card unlocked a moment before is not left open for
        // the rest of its unlock time (the readers cut its relay on the same event).
        relock: m.mode === 'lockdown',
        at: this.now(),
      }),
    );
  }

  private rememberGrant(doorId: string, cardholderId: string, at: number, unlockMs: number): void {
    const unlock =
      unlockMs || this.doors().find((d) => d.id === doorId)?.unlockMs || DEFAULT_DOOR_TIMING.unlockMs;
    const kept = [...(this.personGrants.get(doorId) ?? []), { cardholderId, at, until: at + unlock }];
    this.personGrants.set(doorId, kept.slice(-GRANTS_KEPT));
  }

  /** The person whose grant an opening at `at` used (the newest running grant), taken so it is used once. */
  private passerAt(doorId: string, at: number): string | null {
    const grants = this.personGrants.get(doorId) ?? [];
    for (let i = grants.length - 1; i >= 0; i--) {
      const g = grants[i]!;
      if (g.at <= at && at <= g.until) {
        grants.splice(i, 1);
        return g.cardholderId;
      }
    }
    return null;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Adds or updates a door (timings come from the access context's door). */
  define(d: DoorDefinition): void {
    this.names.set(d.id, d.name);
    this.provisional.delete(d.id);
    const timing = {
      unlockMs: d.unlockMs,
      heldOpenMs: d.heldOpenMs,
      preAlarmMs: Math.min(5000, Math.floor(d.heldOpenMs / 4)),
    };
    const m = this.machines.get(d.id);
    if (m) m.retime(timing);
    else
      this.machines.set(
        d.id,
        new DoorMachine({ ...DEFAULT_DOOR_TIMING, ...this.timing, id: d.id, ...timing }),
      );
  }

  /** A device time it can be judged by: within the allowed skew ahead, and not older than a broker keeps things. */
  private saneDeviceTime(r: SensorReading): number | undefined {
    if (r.deviceTime === undefined) return undefined;
    const skew = this.options.maxClockSkewMs ?? 300_000;
    if (r.deviceTime <= r.at + skew && r.deviceTime >= r.at - MAX_DEVICE_TIME_AGE_MS) return r.deviceTime;
    // Refused without touching the ordering: one bad clock must not freeze the door.
    this.refuse(
      r,
      `device time ${showTime(r.deviceTime)} is outside the sane window (at most ${Math.round(skew / 1000)} s ahead); the reading is taken at its arrival`,
    );
    return undefined;
  }

  private refuse(r: SensorReading, reason: string): void {
    this.deadLetters.offer(r.sensorId, {
      source: 'doors',
      origin: r.origin,
      reason: `${r.sensorId}: ${reason}`,
      raw: Buffer.from(JSON.stringify(r.signals)).toString('base64'),
      bytes: 0,
      at: r.at,
    });
  }

  private onReading(r: SensorReading): void {
    const binding = this.bindings.get(r.sensorId);
    if (!binding) return;
    const deviceTime = this.saneDeviceTime(r);
    // A delivery older than one already applied (QoS 1 gives no order across a reconnect): refused.
    if (deviceTime !== undefined) {
      const last = this.lastDeviceTime.get(r.sensorId);
      if (last !== undefined && deviceTime < last) {
        this.refuse(
          r,
          `out of order (device time ${new Date(deviceTime).toISOString()} before ${new Date(last).toISOString()})`,
        );
        return;
      }
      this.lastDeviceTime.set(r.sensorId, deviceTime);
    }
    this.journalReading(r, binding, deviceTime);
    const health = this.sensors.get(r.sensorId)!;
    health.lastSeen = new Date(r.at).toISOString();
    const at = deviceTime ?? r.at;
    // Retained state, or a reading queued during an outage with no time of its own: state, not an event.
    const unjudged = r.retained === true || (r.late !== undefined && deviceTime === undefined);
    for (const s of r.signals) {
      switch (s.kind) {
        case 'contact':
          if (binding.role === 'contact') {
            if (unjudged && r.late !== undefined) this.noticeUsedWhileAway(binding, r, s.open);
            this.feed(binding.doorId, {
              kind: 'contact',
              open: s.open,
              at,
              arrivedAt: r.at,
              ...(unjudged ? { unjudged } : {}),
            });
          } else if (s.open && !unjudged) this.feed(binding.doorId, { kind: 'rex', at });
          break;
        case 'rex':
          if (s.active && !unjudged) this.feed(binding.doorId, { kind: 'rex', at });
          break;
        case 'lock':
          this.feed(binding.doorId, { kind: 'lock', locked: s.locked, at });
          break;
        case 'people':
          // A people counter or a camera's line crossing: more people than grants is tailgating.
          if (s.count > 0 && !unjudged) this.feed(binding.doorId, { kind: 'passage', count: s.count, at });
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

  /** Every reading is on record, whatever becomes of it (a bounce, a late pair, a battery report). */
  private journalReading(r: SensorReading, b: SensorDoorBinding, deviceTime: number | undefined): void {
    this.record({
      type: 'sensor.reading',
      source: `sensor:${r.sensorId}`,
      subjects: [
        { kind: 'door', id: b.doorId },
        { kind: 'device', id: r.sensorId },
      ],
      payload: {
        signals: r.signals.map((s) => ({ ...s })),
        origin: r.origin,
        at: r.at,
        ...(r.retained ? { retained: true } : {}),
        ...(r.late ? { late: r.late } : {}),
      },
      ...(deviceTime !== undefined
        ? { sourceTime: new Date(deviceTime).toISOString(), timeSource: 'device' as const }
        : {}),
    });
  }

  /**
   * A door opened or closed while the gateway was away, with no time to judge
   * it by: one notice per door and outage, not an alarm per opening.
   */
  private noticeUsedWhileAway(b: SensorDoorBinding, r: SensorReading, open: boolean): void {
    const m = this.machines.get(b.doorId);
    if (!r.late || this.usedWhileAway.get(b.doorId) === r.late) return;
    if (!open && m?.state.open !== true) return; // closed, and it was closed: nothing happened
    this.usedWhileAway.set(b.doorId, r.late);
    this.sensorAlarm(
      b,
      'used-while-away',
      r.at,
      'opened or closed while the gateway was away; when, and whether a grant covered it, is unknown',
    );
  }

  private feed(doorId: string, input: DoorInput): void {
    // A door created since start (in the console) gets its machine on first use. A sensor's door
    // the access context does not know (yet: a site seeded after the broker delivered) is kept with
    // default timings until it does: its readings must not vanish.
    if (!this.machines.has(doorId) || this.provisional.has(doorId)) {
      const d = this.doors().find((x) => x.id === doorId);
      if (d) this.define(d);
      else if (!this.machines.has(doorId) && this.boundDoors.has(doorId)) {
        this.define({ id: doorId, name: doorId, ...DEFAULT_DOOR_TIMING });
        this.provisional.add(doorId);
      }
    }
    const m = this.machines.get(doorId);
    if (!m) return;
    this.handle(doorId, [...m.tick(this.now()), ...m.feed(input)]);
    this.schedule(doorId);
  }

  private schedule(doorId: string): void {
    const m = this.machines.get(doorId)!;
    this.timers.get(doorId)?.();
    this.timers.delete(doorId);
    const due = m.nextDue();
    if (due === null) return;
    const cancel = this.clock.after(
      Math.max(0, due - this.now()),
      () => {
        this.timers.delete(doorId);
        this.handle(doorId, m.tick(this.now()));
        this.schedule(doorId);
      },
      true,
    );
    this.timers.set(doorId, cancel);
  }

  private handle(doorId: string, outputs: DoorOutput[]): void {
    if (outputs.length === 0) return;
    const m = this.machines.get(doorId)!;
    const subjects: SubjectRef[] = [{ kind: 'door', id: doorId }];
    for (const o of outputs) {
      if (o.kind === 'state') {
        const changes = (this.changesSinceStart.get(doorId) ?? 0) + 1;
        this.changesSinceStart.set(doorId, changes);
        const before = changes === 1 ? this.phaseBefore.get(doorId) : undefined;
        // The same phase as before the restart: it has held since then (carried on the entry as `since`).
        const since = before?.phase === o.phase && before.at <= o.at ? before.at : o.at;
        this.changedAt.set(doorId, since);
        // Granted, then opened: the person is on the door's entry, the board's "last through".
        const through = o.phase === 'open' ? this.passerAt(doorId, o.at) : null;
        if (through) this.lastThrough.set(doorId, { cardholderId: through, at: o.at });
        this.record({
          type: `door.${o.phase}`,
          source: `door:${doorId}`,
          subjects: through ? [...subjects, { kind: 'person', id: through }] : subjects,
          payload: {
            phase: o.phase,
            at: o.at,
            // The contact apart from the phase: a door without a sensor is "unlocked" with no known contact.
            open: o.open,
            ...(since !== o.at ? { since } : {}),
            ...(through ? { through } : {}),
          },
        });
      } else if (o.kind === 'bounce') {
        this.record({
          type: 'door.contact-bounced',
          source: `door:${doorId}`,
          subjects,
          payload: { open: o.open, at: o.at, back: o.back },
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

  private sensorAlarm(b: SensorDoorBinding, type: SensorAlarmType, at: number, detail?: string): void {
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

  /** Nobody waits for the write: the bus tracks it, so one that fails is counted and logged. */
  private record(input: JournalEntryInput): void {
    this.bus.track(input.type, 'doors', this.journal.append(input), input);
  }

  /** Every door of the site, whether a sensor has reported or not, with its sensors' health. */
  board(): BoardDoor[] {
    for (const d of this.doors()) this.define(d);
    const silent = this.clock.monotonicMs() - this.startedAt >= (this.options.sensorGraceMs ?? 300_000);
    return [...this.machines].map(([doorId, m]) => ({
      doorId,
      name: this.names.get(doorId) ?? doorId,
      ...m.state,
      sensors: [...this.sensors.values()]
        .filter((s) => s.doorId === doorId)
        .map((s) => ({ ...s, neverHeard: silent && s.lastSeen === null })),
      since: this.changedAt.has(doorId) ? new Date(this.changedAt.get(doorId)!).toISOString() : null,
      lastThrough: this.lastThroughOf(doorId),
    }));
  }

  /**
   * The last person through each door, from the journal's newest door.open
   * entries that name one (newest first), after a restart: the board does not
   * forget who went through before it. A door someone has gone through since
   * start keeps what it saw.
   */
  restoreLastThrough(entries: readonly Pick<JournalEntry, 'type' | 'subjects' | 'payload'>[]): number {
    let restored = 0;
    for (const e of entries) {
      const doorId = e.subjects.find((s) => s.kind === 'door')?.id;
      const p = e.payload as Record<string, unknown>;
      if (e.type !== 'door.open' || !doorId || this.lastThrough.has(doorId)) continue;
      if (typeof p.through !== 'string' || typeof p.at !== 'number') continue;
      this.lastThrough.set(doorId, { cardholderId: p.through, at: p.at });
      restored++;
    }
    return restored;
  }

  /**
   * Each door's phase before a restart, from the journal's newest door.<phase>
   * entries (newest first): a door that settles in that same phase after start
   * says since when it has really been so, not since the gateway started. A
   * door that reported already keeps its "since" if its first phase matches;
   * one that has changed since start keeps what it saw. Returns how many
   * doors it learned of.
   */
  restorePhases(entries: readonly Pick<JournalEntry, 'type' | 'subjects' | 'payload'>[]): number {
    const seen = new Set<string>();
    let restored = 0;
    for (const e of entries) {
      const doorId = e.subjects.find((s) => s.kind === 'door')?.id;
      const p = e.payload as Record<string, unknown> | null;
      if (!doorId || seen.has(doorId) || !p || typeof p.phase !== 'string' || e.type !== `door.${p.phase}`)
        continue;
      const at = typeof p.since === 'number' ? p.since : p.at;
      if (typeof at !== 'number' || !Number.isFinite(at)) continue;
      seen.add(doorId);
      const phase = p.phase as DoorPhase;
      const changes = this.changesSinceStart.get(doorId) ?? 0;
      if (changes === 0) this.phaseBefore.set(doorId, { phase, at });
      else if (changes === 1 && this.machines.get(doorId)?.state.phase === phase)
        this.changedAt.set(doorId, Math.min(at, this.changedAt.get(doorId) ?? at));
      else continue;
      restored++;
    }
    return restored;
  }

  private lastThroughOf(doorId: string): BoardDoor['lastThrough'] {
    const t = this.lastThrough.get(doorId);
    return t ? { cardholderId: t.cardholderId, at: new Date(t.at).toISOString() } : null;
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.deadLetters.flushAll();
  }
}
