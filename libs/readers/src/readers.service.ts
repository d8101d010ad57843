import { bitsToHex, interpret } from '@gatehouse/bridge-protocol';
import {
  type Clock,
  DeadLetterLimiter,
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
  append(input: JournalEntryInput): Promise<unknown>;
}

type Log = (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void;

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
  private timer: NodeJS.Timeout | null = null;
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
      'markInstalled' | 'renew' | 'beginRotation' | 'abortRotation'
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
  }

  monotonic(): number {
    return this.clock.monotonicMs();
  }

  private wall(): number {
    return this.clock.now().getTime();
  }

  start(): void {
    for (const port of this.ports) port.start();
    this.timer = setInterval(() => {
      const now = this.monotonic();
      for (const port of this.ports) port.tick(now);
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.ports.map((p) => p.stop()));
    this.rejections.flushAll();
  }

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
    return { ports: this.ports.map((p) => p.status()), readers };
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
  reinstallKey(readerId: string): boolean {
    const found = this.managedReader(readerId);
    if (found === null || found === 'not-managed' || !this.keys) return false;
    found.port.reinstall(found.address, this.keys.renew(readerId));
    return true;
  }

  /** Replaces a gateway-made key: stored beside the old one first, then sent by KEYSET in a session with the old. */
  rotateKey(readerId: string): boolean {
    const found = this.managedReader(readerId);
    if (found === null || found === 'not-managed' || !this.keys) return false;
    if (found.port.rotate(found.address, this.keys.beginRotation(readerId))) return true;
    this.keys.abortRotation(readerId); // the reader has no key in force yet: nothing to rotate
    return false;
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

  portState(port: ReaderPort, state: ChannelState, detail?: string): void {
    if (state === 'opening' || state === 'stopped') return;
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
    this.record(port, addresses, `reader.${change}`, payload);
    // A key the gateway made is used without SCBK-D from now on, across restarts.
    for (const r of port.config.readers) {
      if (!addresses.includes(r.address) || !r.managedKey) continue;
      if (change === 'key-set') this.keys?.markInstalled(r.id);
      if (change === 'key-set-failed') this.keys?.abortRotation(r.id);
    }
  }

  alarm(
    port: ReaderPort,
    raised: boolean,
    type: string,
    address: number | null,
    detail: string,
    priority: 'high' | 'medium' = 'high',
  ): void {
    const readerId =
      address === null ? null : (port.config.readers.find((r) => r.address === address)?.id ?? null);
    if (raised)
      this.bus.emit('alarm.raised', { type, priority, silent: false, readerId, detail, at: this.wall() });
    else this.bus.emit('alarm.cleared', { type, readerId, at: this.wall() });
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
  ): void {
    const readers = port.config.readers.filter((r) => addresses === null || addresses.includes(r.address));
    const subjects: SubjectRef[] = [
      { kind: 'device', id: port.config.id },
      ...readers.map((r) => ({ kind: 'reader' as const, id: r.id })),
    ];
    this.journal
      .append({ type, source: 'readers', subjects, payload: { port: port.config.id, ...payload } })
      .catch(() => undefined);
  }
}
