import { bitsToHex, interpret } from '@gatehouse/bridge-protocol';
import type { Clock, GatehouseBus, JournalEntryInput, SubjectRef } from '@gatehouse/contracts';
import { BridgeLink, type BridgeStatus } from './bridge-link';
import { type ChannelState, SerialChannel } from './serial-channel';

export interface SerialPortConfig {
  id: string;
  path: string;
  protocol: 'bridge';
  baudRate: number;
  readers: { id: string; address: number; format: string }[];
  relays: { relay: number; door: string }[];
  inputs: { input: number; sensor: string; door: string; role: 'contact' | 'rex' }[];
}

export interface ReadersJournal {
  append(input: JournalEntryInput): Promise<unknown>;
}

export interface ReaderStatus {
  id: string;
  port: string;
  address: number;
  format: string;
  online: boolean;
  /** Secure channel state: "none" for readers without one (Wiegand). */
  secureChannel: 'none';
  model: string | null;
  firmware: string | null;
  lastSeen: string | null;
}

export interface PortStatus {
  id: string;
  path: string;
  protocol: 'bridge';
  state: ChannelState;
  lastError: string | null;
  opens: number;
  captureRecords: number;
  link: BridgeStatus;
}

/** Feedback as a reader shows it: what a cardholder sees and hears at the door. */
export const FEEDBACK = {
  grant: { colour: 'green', ms: 2000, beeps: 1, onMs: 80, offMs: 0 },
  deny: { colour: 'red', ms: 2000, beeps: 3, onMs: 100, offMs: 100 },
  pin: { colour: 'amber', ms: 10_000, beeps: 2, onMs: 50, offMs: 50 },
} as const;

const KEYPAD_TIMEOUT_MS = 10_000;
const TICK_MS = 100;

/** One serial bus with a Wiegand bridge on it. */
class BridgePort {
  readonly channel: SerialChannel;
  readonly link: BridgeLink;
  private readonly keys = new Map<number, { digits: string; at: number }>();

  constructor(
    readonly config: SerialPortConfig,
    private readonly owner: ReadersService,
  ) {
    this.channel = new SerialChannel({
      path: config.path,
      baudRate: config.baudRate,
      reconnectMinMs: 500,
      reconnectMaxMs: 30_000,
      onData: (chunk) => this.link.receive(chunk, owner.monotonic()),
      onState: (state, detail) => owner.portState(this, state, detail),
    });
    this.link = new BridgeLink((bytes) => this.channel.write(bytes), {
      card: (address, bits) => owner.card(this, address, bits),
      keypad: (address, key) => this.key(address, key),
      input: (input, active) => owner.input(this, input, active),
      status: (change) => owner.linkChanged(this, change),
      failsafe: (relay, released, silentMs) => owner.failsafe(this, relay, released, silentMs),
      bridgeError: (code, detail) => owner.bridgeError(this, code, detail),
      rejected: (reason, raw) => owner.rejected(this, reason, raw),
    });
  }

  readerAt(address: number) {
    return this.config.readers.find((r) => r.address === address);
  }

  /** Keys are gathered into a PIN: "#" ends it, "*" starts again, a pause drops it. */
  private key(address: number, key: string): void {
    const now = this.owner.monotonic();
    const held = this.keys.get(address);
    const digits = held && now - held.at < KEYPAD_TIMEOUT_MS ? held.digits : '';
    if (key === '*') return void this.keys.delete(address);
    if (key !== '#') return void this.keys.set(address, { digits: (digits + key).slice(-12), at: now });
    this.keys.delete(address);
    if (digits) this.owner.keypad(this, address, digits);
  }
}

/**
 * The badge readers on serial buses: opens the ports, turns what readers send
 * into contract events (credential presented, keypad, inputs), carries out the
 * access context's feedback and the doors' relay pulses, and journals every
 * change of a reader's or port's state. Offline readers raise alarms.
 */
export class ReadersService {
  private readonly ports: BridgePort[];
  private timer: NodeJS.Timeout | null = null;
  private readonly rejections = new Map<BridgePort, { at: number; suppressed: number }>();

  constructor(
    configs: readonly SerialPortConfig[],
    private readonly bus: GatehouseBus,
    private readonly journal: ReadersJournal,
    private readonly clock: Clock,
    private readonly log: (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void,
  ) {
    this.ports = configs.map((c) => new BridgePort(c, this));
    bus.on('access.decided', 'readers', (d) => {
      for (const port of this.ports) {
        const reader = port.config.readers.find((r) => r.id === d.readerId);
        if (!reader) continue;
        const f = d.grant ? FEEDBACK.grant : d.awaitingPin ? FEEDBACK.pin : FEEDBACK.deny;
        const now = this.monotonic();
        port.link.send({ type: 'led', reader: reader.address, colour: f.colour, ms: f.ms }, now);
        port.link.send(
          { type: 'buzzer', reader: reader.address, count: f.beeps, onMs: f.onMs, offMs: f.offMs },
          now,
        );
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
    for (const port of this.ports) port.channel.start();
    this.timer = setInterval(() => {
      const now = this.monotonic();
      for (const port of this.ports) if (port.channel.current === 'open') port.link.tick(now);
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.ports.map((p) => p.channel.stop()));
  }

  /** Sensor bindings of the bridges' inputs, for the doors context. */
  static sensorBindings(configs: readonly SerialPortConfig[]) {
    return configs.flatMap((c) =>
      c.inputs.map((i) => ({ sensorId: i.sensor, doorId: i.door, role: i.role })),
    );
  }

  private pulse(doorId: string, ms: number): void {
    for (const port of this.ports)
      for (const r of port.config.relays)
        if (r.door === doorId)
          port.link.send({ type: 'relay', relay: r.relay, ms: Math.min(ms, 65_535) }, this.monotonic());
  }

  status(): { ports: PortStatus[]; readers: ReaderStatus[] } {
    const ports = this.ports.map((p) => ({
      id: p.config.id,
      path: p.config.path,
      protocol: p.config.protocol,
      state: p.channel.current,
      lastError: p.channel.lastError,
      opens: p.channel.opens,
      captureRecords: p.channel.capture.size,
      link: structuredClone(p.link.status),
    }));
    const readers = this.ports.flatMap((p) =>
      p.config.readers.map((r) => ({
        id: r.id,
        port: p.config.id,
        address: r.address,
        format: r.format,
        online: p.link.status.online,
        secureChannel: 'none' as const,
        model: p.link.status.firmware ? 'Gatehouse Wiegand bridge' : null,
        firmware: p.link.status.firmware,
        lastSeen:
          p.link.status.lastSeenMs === null
            ? null
            : new Date(this.wall() - (this.monotonic() - p.link.status.lastSeenMs)).toISOString(),
      })),
    );
    return { ports, readers };
  }

  /** The raw capture of a port, oldest first, or null for an unknown port. */
  capture(portId: string): string | null {
    const port = this.ports.find((p) => p.config.id === portId);
    return port ? port.channel.capture.toText() : null;
  }

  // ---------- from the ports ----------

  card(port: BridgePort, address: number, bits: number[]): void {
    const reader = port.readerAt(address);
    if (!reader) return this.rejected(port, `card on unconfigured reader ${address}`, Uint8Array.from(bits));
    const interpretations = interpret(bits);
    const chosen = interpretations.find((i) => i.format === reader.format && i.parityOk);
    // A parity failure in the configured format is a misread or a forged card: decided as raw, so it matches nothing.
    const used = chosen ?? interpretations[interpretations.length - 1]!;
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

  keypad(port: BridgePort, address: number, digits: string): void {
    const reader = port.readerAt(address);
    if (reader) this.bus.emit('keypad.entered', { readerId: reader.id, digits, at: this.wall() });
  }

  input(port: BridgePort, input: number, active: boolean): void {
    const binding = port.config.inputs.find((i) => i.input === input);
    if (!binding) return;
    this.bus.emit('sensor.reading', {
      sensorId: binding.sensor,
      signals: [binding.role === 'rex' ? { kind: 'rex', active } : { kind: 'contact', open: active }],
      at: this.wall(),
      origin: `serial:${port.config.id}/input/${input}`,
    });
  }

  portState(port: BridgePort, state: ChannelState, detail?: string): void {
    if (state === 'opening' || state === 'stopped') return;
    if (state === 'closed') port.link.lost();
    this.log(state === 'open' ? 'info' : 'warn', `serial port ${state}`, { port: port.config.id, detail });
    this.record(port, `reader.port-${state === 'open' ? 'opened' : 'closed'}`, {
      path: port.config.path,
      detail: detail ?? null,
    });
  }

  linkChanged(port: BridgePort, change: 'online' | 'offline' | 'hello' | 'rebooted'): void {
    const s = port.link.status;
    this.record(port, `reader.bridge-${change}`, {
      firmware: s.firmware,
      watchdogMs: s.watchdogMs,
      failMode: s.failMode,
      uptimeS: s.uptimeS,
    });
    for (const reader of port.config.readers) {
      if (change === 'offline')
        this.bus.emit('alarm.raised', {
          type: 'reader-offline',
          priority: 'high',
          silent: false,
          readerId: reader.id,
          detail: `no word from the bridge on ${port.config.id} for ${Math.round(this.monotonic() - (s.lastSeenMs ?? 0))} ms`,
          at: this.wall(),
        });
      if (change === 'online')
        this.bus.emit('alarm.cleared', { type: 'reader-offline', readerId: reader.id, at: this.wall() });
    }
    // A bridge that stays silent on an open port may be a stale pseudo-terminal or a wedged adapter: start afresh.
    if (change === 'offline') port.channel.reopen('bridge went silent');
  }

  failsafe(port: BridgePort, relay: number, released: boolean, silentMs: number): void {
    const door = port.config.relays.find((r) => r.relay === relay)?.door ?? null;
    this.record(port, 'reader.bridge-failsafe', { relay, door, released, silentMs });
    this.bus.emit('alarm.raised', {
      type: 'bridge-failsafe',
      priority: released ? 'high' : 'medium',
      silent: false,
      doorId: door,
      detail: `relay ${relay} ${released ? 'released' : 'locked'} after ${silentMs} ms without the gateway`,
      at: this.wall(),
    });
  }

  bridgeError(port: BridgePort, code: number, detail: number): void {
    this.log('warn', 'bridge reported an error', { port: port.config.id, code, detail });
    this.record(port, 'reader.bridge-error', { code, detail });
  }

  /** Refused bytes become dead letters, at most one a second per port: a noisy line must not flood the journal. */
  rejected(port: BridgePort, reason: string, raw: Uint8Array): void {
    const now = this.monotonic();
    const limit = this.rejections.get(port) ?? { at: -Infinity, suppressed: 0 };
    this.rejections.set(port, limit);
    if (now - limit.at < 1000) {
      limit.suppressed++;
      return;
    }
    if (limit.suppressed > 0) reason = `${reason} (and ${limit.suppressed} more refused in the last second)`;
    limit.at = now;
    limit.suppressed = 0;
    const bytes = raw.subarray(0, 256);
    this.bus.emit('device.dead-letter', {
      source: 'serial',
      origin: port.config.id,
      reason,
      raw: Buffer.from(bytes).toString('base64'),
      bytes: raw.length,
      at: this.wall(),
    });
  }

  private record(port: BridgePort, type: string, payload: Record<string, unknown>): void {
    const subjects: SubjectRef[] = [
      { kind: 'device', id: port.config.id },
      ...port.config.readers.map((r) => ({ kind: 'reader' as const, id: r.id })),
    ];
    this.journal
      .append({ type, source: 'readers', subjects, payload: { port: port.config.id, ...payload } })
      .catch(() => undefined);
  }
}
