import type { CaptureRing } from './capture';
import type { ChannelState } from './serial-channel';

export interface SerialPortConfig {
  id: string;
  path: string;
  protocol: 'bridge' | 'osdp';
  baudRate: number;
  pollIntervalMs: number;
  markByte: boolean;
  readers: {
    id: string;
    address: number;
    format: string;
    scbk: Uint8Array | null;
    installMode: boolean;
    /** The key was made by the gateway and is kept sealed in its database. */
    managedKey?: boolean;
    /** A rotation under way (gateway-made keys): the key to replace scbk with. */
    nextKey?: Uint8Array | null;
  }[];
  relays: { relay: number; address: number; door: string }[];
  inputs: { input: number; address: number; sensor: string; door: string; role: 'contact' | 'rex' }[];
}

export type ReaderConfig = SerialPortConfig['readers'][number];

export interface ReaderStatus {
  id: string;
  port: string;
  address: number;
  format: string;
  online: boolean;
  /** "none" for readers without one (Wiegand, or OSDP configured in plain text). */
  secureChannel: 'none' | 'handshake' | 'established' | 'failed';
  model: string | null;
  firmware: string | null;
  serial: string | null;
  tamper: boolean | null;
  power: boolean | null;
  lastSeen: string | null;
  lastError: string | null;
  counters: Record<string, number>;
  /** The gateway made this reader's key and can reinstall or rotate it. */
  keyManagedByGateway: boolean;
}

/** A reader's state as its port knows it; the service adds the reader's id and wall-clock times. */
export type PortReaderState = Omit<
  ReaderStatus,
  'id' | 'port' | 'format' | 'lastSeen' | 'keyManagedByGateway'
> & {
  lastSeenMs: number | null;
};

export interface PortStatus {
  id: string;
  path: string;
  protocol: SerialPortConfig['protocol'];
  state: ChannelState;
  lastError: string | null;
  opens: number;
  captureRecords: number;
  /** The line's own counters: frames, bytes skipped, frames that failed their check. */
  counters: Record<string, number>;
  /** When the line entered its state (the readers service's record of its changes); null before any. */
  since?: string | null;
}

export type Feedback = 'grant' | 'deny' | 'pin';

/** What a port tells the readers service; the service turns it into events, journal entries and alarms. */
export interface PortHost {
  monotonic(): number;
  card(port: ReaderPort, address: number, bits: number[]): void;
  keypad(port: ReaderPort, address: number, digits: string): void;
  input(port: ReaderPort, address: number, input: number, active: boolean): void;
  portState(port: ReaderPort, state: ChannelState, detail?: string): void;
  /** A reader's state changed (online, offline, secure channel, tamper, power, key set, reboot…). */
  readerChanged(
    port: ReaderPort,
    addresses: number[],
    change: string,
    payload: Record<string, unknown>,
  ): void;
  alarm(
    port: ReaderPort,
    raised: boolean,
    type: string,
    address: number | null,
    detail: string,
    priority?: 'high' | 'medium',
    /** The door it concerns, when no reader does (a bridge's relay): the alarm names the door. */
    doorId?: string | null,
  ): void;
  rejected(port: ReaderPort, reason: string, raw: Uint8Array): void;
}

/** One serial bus with its readers, whatever the protocol. */
export interface ReaderPort {
  readonly config: SerialPortConfig;
  readonly capture: CaptureRing;
  tap: ((direction: 'rx' | 'tx', bytes: Uint8Array) => void) | null;
  start(): void;
  stop(): Promise<void>;
  /** Runs timers: polls, pings, timeouts. */
  tick(nowMs: number): void;
  feedback(address: number, kind: Feedback): void;
  pulse(relay: SerialPortConfig['relays'][number], ms: number): void;
  status(): PortStatus;
  readerStates(): PortReaderState[];
}

/** Keys are gathered into a PIN: "#" ends it, "*" starts again, a pause drops it. */
export class KeypadBuffer {
  private readonly keys = new Map<number, { digits: string; at: number }>();
  constructor(private readonly timeoutMs = 10_000) {}

  /** Returns the digits when "#" ends an entry. */
  press(address: number, key: string, nowMs: number): string | null {
    const held = this.keys.get(address);
    const digits = held && nowMs - held.at < this.timeoutMs ? held.digits : '';
    if (key === '*') {
      this.keys.delete(address);
      return null;
    }
    if (key !== '#') {
      this.keys.set(address, { digits: (digits + key).slice(-12), at: nowMs });
      return null;
    }
    this.keys.delete(address);
    return digits || null;
  }
}
