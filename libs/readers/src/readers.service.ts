import { bitsToHex, interpret } from '@gatehouse/bridge-protocol';
import {
  type Actor,
  type Clock,
  DeadLetterLimiter,
  every,
  type GatehouseBus,
  type JournalEntryInput,
  type SubjectRef,
} from '@gatehouse/contracts';
import { BridgePort } from './bridge-port';
import { OsdpPort } from './osdp-port';
import type { PortHost, PortStatus, ReaderPort, ReaderStatus, SerialPortConfig } from './port';
import type { ReaderKeyStore } from './reader-keys';
import type { ChannelState } from './serial-channel';

export interface ReadersJournal {
  /** `effect` is the state change the entry records: committed in its transaction, or not at all. */
  append(input: JournalEntryInput, effect?: () => void): Promise<unknown>;
}

/** Who asks for a key action, why, and through what (`http`). */
export interface KeyAction {
  actor: Actor;
  reason: string;
  source: string;
}

type Log = (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void;

/** Reader changes an installer looks for in the log, and at which level (a fault warns, its end informs). */
const LOGGED_CHANGES: Record<string, (payload: Record<string, unknown>) => 'info' | 'warn'> = {
  online: () => 'info',
  offline: () => 'warn',
  'secure-channel': () => 'info',
  'secure-channel-failed': () => 'warn',
  'key-set': () => 'info',
  'key-set-failed': () => 'warn',
  tamper: (p) => (p.tamper === true ? 'warn' : 'info'),
  power: (p) => (p.power === false ? 'warn' : 'info'),
};

/** Timers of every port: OSDP reply timeouts want a fine grain; the bridge needs less. */
const TICK_MS = 10;

/**
 * The badge readers on serial buses: opens the ports, turns what readers send
 * into contract events (credential presented, keypad, inputs), carries out the
 * access context's feedback and the doors' relay pulses, and journals every
 * change of a reader's or port's state. Offline, tampered or unauthenticated
 * readers raise alarms.
 */
export class ReadersService implements PortHost {
  private readonly ports: ReaderPort[];
  private stopTicks: (() => void) | null = null;
  /** Refused bytes become dead letters, one a second per port, the rest counted: a noisy line must not flood the journal. */
  private readonly rejections: DeadLetterLimiter;

  constructor(
    configs: readonly SerialPortConfig[],
    private readonly bus: GatehouseBus,
    private readonly journal: ReadersJournal,
    private readonly clock: Clock,
    private readonly log: Log,
    /** Keys the gateway makes and keeps for readers in install mode without a configured key. */
    private readonly keys: Pick<
      ReaderKeyStore,
      'keyFor' | 'markInstalled' | 'renew' | 'beginRotation' | 'abortRotation'
    > | null = null,
  ) {
    this.rejections = new DeadLetterLimiter(clock, (d) => bus.emit('device.dead-letter', d), {
      keep: 1,
      windowMs: 1000,
    });
    this.ports = configs.map((c) =>
      c.protocol === 'osdp' ? new OsdpPort(c, this) : new BridgePort(c, this),
    );
    bus.on('access.decided', 'readers', (d) => {
      for (const port of this.ports) {
        const reader = port.config.readers.find((r) => r.id === d.readerId);
        if (!reader) continue;
        port.feedback(reader.address, d.grant ? 'grant' : d.awaitingPin ? 'pin' : 'deny');
        if (d.grant && d.doorId) this.pulse(d.doorId, d.unlockMs);
      }
    });
    bus.on('door.command', 'readers', (c) => {
      if (c.action === 'pulse') this.pulse(c.doorId, c.ms ?? 5000);
    });
    // A lockdown holds the door shut now: a relay a grant released a moment before is cut at once
    // (0 ms: the bridge drops it, OSDP aborts the timed output), not left open for its unlock time.
    bus.on('door.mode-changed', 'readers', (m) => {
      if (m.mode === 'lockdown') this.pulse(m.doorId, 0);
    });
  }

  monotonic(): number {
    return this.clock.monotonicMs();
  }

  private wall(): number {
    return this.clock.now().getTime();
  }

  start(): void {
    for (const port of this.ports) port.start();
    this.stopTicks = every(
      this.clock,
      TICK_MS,
      () => {
        const now = this.monotonic();
        for (const port of this.ports) port.tick(now);
      },
      {
        background: true,
        onError: (error) => this.log('warn', 'reader port timers failed', { error: String(error) }),
      },
    );
  }

  /** Stops once; a second call waits for the first (the gateway stops readers before its simulators). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopTicks?.();
      this.stopTicks = null;
      await Promise.all(this.ports.map((p) => p.stop()));
      this.rejections.flushAll();
    })();
    return this.stopping;
  }
  private stopping: Promise<void> | null = null;

  /** Sensor bindings of the bridges' inputs, for the doors context. */
  static sensorBindings(configs: readonly SerialPortConfig[]) {
    return configs.flatMap((c) =>
      c.inputs.map((i) => ({ sensorId: i.sensor, doorId: i.door, role: i.role })),
    );
  }

  private pulse(doorId: string, ms: number): void {
    for (const port of this.ports)
      for (const r of port.config.relays) if (r.door === doorId) port.pulse(r, ms);
  }

  status(): { ports: PortStatus[]; readers: ReaderStatus[] } {
    const now = this.monotonic();
    const wall = this.wall();
    const readers = this.ports.flatMap((p) => {
      const states = p.readerStates();
      return p.config.readers.map((r, i) => {
        const { lastSeenMs, ...s } = states[i]!;
        return {
          ...s,
          id: r.id,
          port: p.config.id,
          format: r.format,
          keyManagedByGateway: r.managedKey === true,
          lastSeen: lastSeenMs === null ? null : new Date(wall - (now - lastSeenMs)).toISOString(),
        };
      });
    });
    return {
      ports: this.ports.map((p) => {
        const st = p.status();
        const since = this.portSince.get(p);
        return { ...st, since: since?.state === st.state ? since.at : null };
      }),
      readers,
    };
  }

  /**
   * For /health/ready: each reader online or not (and since when it was last
   * heard). Degraded, not down, when one is offline: the gateway still decides
   * for the others. Relays and inputs bound to doors the site does not have are
   * named too: their cards would open nothing.
   */
  health(knownDoors: ReadonlySet<string> | null = null): {
    status: 'up' | 'degraded';
    detail?: string;
    readers: Pick<ReaderStatus, 'id' | 'port' | 'online' | 'secureChannel' | 'lastSeen' | 'lastError'>[];
    unknownDoors?: string[];
  } {
    const readers = this.status().readers.map(({ id, port, online, secureChannel, lastSeen, lastError }) => ({
      id,
      port,
      online,
      secureChannel,
      lastSeen,
      lastError,
    }));
    const offline = readers.filter((r) => !r.online).map((r) => r.id);
    const unknownDoors = knownDoors ? this.unknownDoors(knownDoors) : [];
    const problems = [
      ...(offline.length ? [`offline: ${offline.join(', ')}`] : []),
      ...(unknownDoors.length ? [`bound to doors the site does not have: ${unknownDoors.join('; ')}`] : []),
    ];
    return {
      status: problems.length ? 'degraded' : 'up',
      ...(problems.length ? { detail: problems.join('; ') } : {}),
      readers,
      ...(unknownDoors.length ? { unknownDoors } : {}),
    };
  }

  /** Relays and inputs of the serial configuration whose door is not one of the site's (doors live in the database). */
  unknownDoors(knownDoors: ReadonlySet<string>): string[] {
    return this.ports.flatMap((p) => [
      ...p.config.relays
        .filter((r) => !knownDoors.has(r.door))
        .map((r) => `serial ${p.config.id} relay ${r.relay} (reader address ${r.address}) -> door ${r.door}`),
      ...p.config.inputs
        .filter((i) => !knownDoors.has(i.door))
        .map((i) => `serial ${p.config.id} input ${i.input} (${i.sensor}) -> door ${i.door}`),
    ]);
  }

  /** Watches every port's bytes as they pass: for benchmarks and line monitors, never for decisions. */
  tap(fn: ((portId: string, direction: 'rx' | 'tx', bytes: Uint8Array) => void) | null): void {
    for (const port of this.ports)
      port.tap = fn && ((direction, bytes) => fn(port.config.id, direction, bytes));
  }

  /** Whether the gateway made the reader's key (it can reinstall or rotate only those; configured keys change in the configuration). */
  managedKeyStatus(readerId: string): 'yes' | 'unknown-reader' | 'not-managed' {
    const found = this.managedReader(readerId);
    return found === null ? 'unknown-reader' : found === 'not-managed' ? 'not-managed' : 'yes';
  }

  /**
   * A reader with a gateway-made key was replaced by one fresh from the box:
   * make it a new key and install it with SCBK-D and KEYSET at the next handshake.
   */
  async reinstallKey(readerId: string, action: KeyAction): Promise<boolean> {
    const found = this.managedReader(readerId);
    const keys = this.keys;
    if (found === null || found === 'not-managed' || !keys) return false;
    // The new key is stored in its entry's transaction; the reader hears of it only once both are committed.
    // On record first: for a while the install key is accepted again, and who opened that window is known.
    let key: Uint8Array | undefined;
    await this.journal.append(this.keyEntry('reader.key-reinstall', readerId, action), () => {
      key = keys.renew(readerId);
    });
    found.port.reinstall(found.address, key!);
    return true;
  }

  /**
   * Replaces a gateway-made key: the new key is stored beside the old one in its
   * entry's transaction, then sent by KEYSET in a session with the old. A reader
   * with no key in force yet has nothing to rotate: the refusal is on record too.
   */
  async rotateKey(readerId: string, action: KeyAction): Promise<boolean> {
    const found = this.managedReader(readerId);
    const keys = this.keys;
    if (found === null || found === 'not-managed' || !keys) return false;
    if (!keys.keyFor(readerId).installed) {
      await this.journal.append(this.keyEntry('reader.key-rotation', readerId, action, { started: false }));
      return false;
    }
    let key: Uint8Array | undefined;
    await this.journal.append(
      this.keyEntry('reader.key-rotation', readerId, action, { started: true }),
      () => {
        key = keys.beginRotation(readerId);
      },
    );
    if (found.port.rotate(found.address, key!)) return true;
    // The channel holds no key in force after all: the stored rotation is undone, on record.
    await this.journal.append(
      this.keyEntry('reader.key-rotation-abandoned', readerId, action, { detail: 'no key in force' }),
      () => keys.abortRotation(readerId),
    );
    return false;
  }

  private keyEntry(
    type: string,
    readerId: string,
    action: KeyAction,
    payload: Record<string, string | boolean> = {},
  ): JournalEntryInput {
    return {
      type,
      source: action.source,
      actor: action.actor,
      subjects: [{ kind: 'reader', id: readerId }],
      payload: { readerId, reason: action.reason, ...payload },
    };
  }

  private managedReader(readerId: string): { port: OsdpPort; address: number } | 'not-managed' | null {
    for (const port of this.ports) {
      const reader = port.config.readers.find((r) => r.id === readerId);
      if (!reader) continue;
      if (!(port instanceof OsdpPort) || !reader.managedKey || !this.keys) return 'not-managed';
      return { port, address: reader.address };
    }
    return null;
  }

  /** The raw capture of a port, oldest first, or null for an unknown port. */
  capture(portId: string): string | null {
    const port = this.ports.find((p) => p.config.id === portId);
    return port ? port.capture.toText() : null;
  }

  // ---------- PortHost: from the ports ----------

  card(port: ReaderPort, address: number, bits: number[]): void {
    const reader = port.config.readers.find((r) => r.address === address);
    if (!reader) return this.rejected(port, `card on unconfigured reader ${address}`, Uint8Array.from(bits));
    const interpretations = interpret(bits);
    // A parity failure in the configured format is a misread or a forged card: decided as raw, so it matches nothing.
    const used =
      interpretations.find((i) => i.format === reader.format && i.parityOk) ??
      interpretations[interpretations.length - 1]!;
    this.bus.emit('credential.presented', {
      readerId: reader.id,
      format: used.format,
      number: used.number,
      raw: { bits: bits.length, hex: bitsToHex(bits) },
      interpretations: interpretations.map((i) => ({
        format: i.format,
        number: i.number,
        parityOk: i.parityOk,
      })),
      at: this.wall(),
    });
  }

  keypad(port: ReaderPort, address: number, digits: string): void {
    const reader = port.config.readers.find((r) => r.address === address);
    if (reader) this.bus.emit('keypad.entered', { readerId: reader.id, digits, at: this.wall() });
  }

  input(port: ReaderPort, address: number, input: number, active: boolean): void {
    const binding = port.config.inputs.find(
      (i) => i.input === input && (port.config.protocol === 'bridge' || i.address === address),
    );
    if (!binding) return;
    this.bus.emit('sensor.reading', {
      sensorId: binding.sensor,
      signals: [binding.role === 'rex' ? { kind: 'rex', active } : { kind: 'contact', open: active }],
      at: this.wall(),
      origin: `serial:${port.config.id}/${address}/input/${input}`,
    });
  }

  /** What the journal last said of each port's line: a reopen that fails again is no news. */
  private readonly reportedLine = new Map<ReaderPort, 'open' | 'closed'>();

  /** When each port's line entered its state, for the system page's "since". */
  private readonly portSince = new Map<ReaderPort, { state: ChannelState; at: string }>();

  portState(port: ReaderPort, state: ChannelState, detail?: string): void {
    if (this.portSince.get(port)?.state !== state)
      this.portSince.set(port, { state, at: new Date(this.wall()).toISOString() });
    if (state === 'opening' || state === 'stopped') return;
    // A port that stays away fails every reopen (backoff up to 30 s, for as long as it is away): the journal
    // and the log get the change, the port's status keeps the latest reason.
    if (this.reportedLine.get(port) === state) return;
    this.reportedLine.set(port, state);
    this.log(state === 'open' ? 'info' : 'warn', `serial port ${state}`, { port: port.config.id, detail });
    this.record(port, null, `reader.port-${state === 'open' ? 'opened' : 'closed'}`, {
      path: port.config.path,
      detail: detail ?? null,
    });
  }

  readerChanged(
    port: ReaderPort,
    addresses: number[],
    change: string,
    payload: Record<string, unknown>,
  ): void {
    // A key the gateway made is used without SCBK-D from now on, across restarts: stored with the entry.
    const keys = this.keys;
    const managed = port.config.readers.filter((r) => addresses.includes(r.address) && r.managedKey);
    const effect =
      keys && managed.length > 0 && (change === 'key-set' || change === 'key-set-failed')
        ? () => {
            for (const r of managed)
              if (change === 'key-set') keys.markInstalled(r.id);
              else keys.abortRotation(r.id);
          }
        : undefined;
    this.record(port, addresses, `reader.${change}`, payload, effect);
    const level = LOGGED_CHANGES[change]?.(payload);
    if (level) {
      // What an installer watches in the log; payloads hold reasons and identities, never key material.
      const readers = port.config.readers.filter((r) => addresses.includes(r.address)).map((r) => r.id);
      this.log(level, `reader ${change}`, { port: port.config.id, readers, ...payload });
    }
  }

  alarm(
    port: ReaderPort,
    raised: boolean,
    type: string,
    address: number | null,
    detail: string,
    priority: 'high' | 'medium' = 'high',
    doorId: string | null = null,
  ): void {
    const readerId =
      address === null ? null : (port.config.readers.find((r) => r.address === address)?.id ?? null);
    // The detail names no reader or port by id: the alarm's reader (or door) is named by the screen showing it.
    const where = doorId ? { doorId } : {};
    if (raised)
      this.bus.emit('alarm.raised', {
        type,
        priority,
        silent: false,
        readerId,
        ...where,
        detail,
        at: this.wall(),
      });
    else this.bus.emit('alarm.cleared', { type, readerId, ...where, at: this.wall() });
  }

  rejected(port: ReaderPort, reason: string, raw: Uint8Array): void {
    this.rejections.offer(port.config.id, {
      source: 'serial',
      origin: port.config.id,
      reason,
      raw: Buffer.from(raw.subarray(0, 256)).toString('base64'),
      bytes: raw.length,
      at: this.wall(),
    });
  }

  private record(
    port: ReaderPort,
    addresses: number[] | null,
    type: string,
    payload: Record<string, unknown>,
    effect?: () => void,
  ): void {
    const readers = port.config.readers.filter((r) => addresses === null || addresses.includes(r.address));
    const subjects: SubjectRef[] = [
      { kind: 'device', id: port.config.id },
      ...readers.map((r) => ({ kind: 'reader' as const, id: r.id })),
    ];
    const entry: JournalEntryInput = {
      type,
      source: 'readers',
      subjects,
      payload: { port: port.config.id, ...payload },
    };
    // Nobody waits for the write: the bus tracks it, so one that fails is counted and logged, not swallowed.
    this.bus.track(type, 'readers', this.journal.append(entry, effect), entry);
  }
}
