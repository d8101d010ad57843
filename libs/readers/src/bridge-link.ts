import {
  commandFrame,
  encodeFrame,
  type Frame,
  FrameReader,
  type BridgeMessage,
  type GatewayCommand,
  readBridgeMessage,
  MSG,
} from '@gatehouse/bridge-protocol';

/** What the gateway knows of one Wiegand bridge (firmware-bridge/PROTOCOL.md). */
export interface BridgeStatus {
  online: boolean;
  firmware: string | null;
  watchdogMs: number | null;
  failMode: 'secure' | 'safe' | null;
  uptimeS: number | null;
  lastSeenMs: number | null;
  counters: {
    framesIn: number;
    framesOut: number;
    /** Bytes before a start-of-frame, and frames whose length or CRC failed, on our side. */
    skippedBytes: number;
    badFrames: number;
    /** Frames that decoded but made no message (unknown type, short payload). */
    rejected: number;
    /** Re-sent events recognised by their sequence number and not acted on twice. */
    duplicates: number;
    /** Bad frames the bridge received from us (from its heartbeat). */
    bridgeBadFrames: number;
    reboots: number;
  };
}

export interface BridgeLinkEvents {
  card(reader: number, bits: number[]): void;
  keypad(reader: number, key: string): void;
  input(input: number, active: boolean): void;
  /** Online/offline, a HELLO, a reboot: anything that changes the status. */
  status(change: 'online' | 'offline' | 'hello' | 'rebooted', status: BridgeStatus): void;
  failsafe(relay: number, released: boolean, silentMs: number): void;
  bridgeError(code: number, detail: number): void;
  /** Bytes that made no frame or no message: kept raw for the field engineer. */
  rejected(reason: string, raw: Uint8Array): void;
}

export interface BridgeLinkOptions {
  /** Silence after which the bridge counts as offline (it sends a heartbeat every second). */
  offlineAfterMs: number;
  /** How long a re-sent event's sequence number is remembered. */
  duplicateWindowMs: number;
}

const DEFAULTS: BridgeLinkOptions = { offlineAfterMs: 3500, duplicateWindowMs: 2000 };
const ACKED = new Set<number>([MSG.CARD, MSG.KEYPAD, MSG.INPUT]);

/**
 * The gateway's side of one bridge: no I/O and no timers of its own. The owner
 * feeds it received bytes and the monotonic clock (`tick`), and gives it a
 * `write` for outgoing frames; tests drive it with a fake clock.
 */
export class BridgeLink {
  private readonly reader = new FrameReader();
  private readonly options: BridgeLinkOptions;
  private seq = 0;
  private lastSentMs = -Infinity;
  private seenDrops = 0;
  private readonly seen = new Map<number, { at: number; payload: string }>();
  readonly status: BridgeStatus = {
    online: false,
    firmware: null,
    watchdogMs: null,
    failMode: null,
    uptimeS: null,
    lastSeenMs: null,
    counters: {
      framesIn: 0,
      framesOut: 0,
      skippedBytes: 0,
      badFrames: 0,
      rejected: 0,
      duplicates: 0,
      bridgeBadFrames: 0,
      reboots: 0,
    },
  };

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    private readonly events: BridgeLinkEvents,
    options: Partial<BridgeLinkOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  receive(chunk: Uint8Array, nowMs: number): void {
    this.accept(this.reader.push(chunk, nowMs), chunk, nowMs);
  }

  private accept(frames: Frame[], chunk: Uint8Array, nowMs: number): void {
    const before = this.seenDrops;
    const c = this.status.counters;
    c.skippedBytes = this.reader.dropped.skipped;
    c.badFrames = this.reader.dropped.bad;
    this.seenDrops = c.skippedBytes + c.badFrames;
    if (this.seenDrops > before)
      this.events.rejected(this.reader.lastError ?? 'bytes outside a frame', chunk);
    for (const frame of frames) {
      c.framesIn++;
      this.heard(nowMs);
      const message = readBridgeMessage(frame);
      if ('invalid' in message) {
        c.rejected++;
        this.events.rejected(message.invalid, encodeFrame(frame));
        continue;
      }
      if (ACKED.has(frame.type)) {
        // Acknowledge every copy: the first ACK may be the one that was lost.
        this.send({ type: 'ack', seq: frame.seq }, nowMs);
        if (this.isDuplicate(frame.type, frame.seq, frame.payload, nowMs)) {
          c.duplicates++;
          continue;
        }
      }
      this.handle(message, nowMs);
    }
  }

  /** Keeps the bridge's watchdog fed and notices silence. Call it every 100 ms or so. */
  tick(nowMs: number): void {
    // A partial frame that stopped arriving is given up now, so the frames it held are not late.
    this.accept(this.reader.flushStale(nowMs), new Uint8Array(0), nowMs);
    const s = this.status;
    if (s.online && s.lastSeenMs !== null && nowMs - s.lastSeenMs >= this.options.offlineAfterMs) {
      s.online = false;
      this.events.status('offline', s);
    }
    const feedEvery = Math.min(1000, (s.watchdogMs ?? 3000) / 3);
    if (nowMs - this.lastSentMs >= feedEvery) this.send({ type: 'ping' }, nowMs);
  }

  /** The port went away: the bridge is unreachable now, not after the silence timeout. */
  lost(): void {
    if (!this.status.online) return;
    this.status.online = false;
    this.events.status('offline', this.status);
  }

  send(command: GatewayCommand, nowMs: number): void {
    this.lastSentMs = nowMs;
    this.status.counters.framesOut++;
    this.write(encodeFrame(commandFrame(command, this.seq)));
    this.seq = (this.seq + 1) & 0xff;
  }

  private heard(nowMs: number): void {
    this.status.lastSeenMs = nowMs;
    if (!this.status.online) {
      this.status.online = true;
      this.events.status('online', this.status);
    }
  }

  private isDuplicate(type: number, seq: number, payload: Uint8Array, nowMs: number): boolean {
    for (const [key, v] of this.seen)
      if (nowMs - v.at > this.options.duplicateWindowMs) this.seen.delete(key);
    const key = (type << 8) | seq;
    const hex = Buffer.from(payload).toString('hex');
    const previous = this.seen.get(key);
    if (previous && previous.payload === hex) return true;
    this.seen.set(key, { at: nowMs, payload: hex });
    return false;
  }

  private handle(m: BridgeMessage, nowMs: number): void {
    const s = this.status;
    switch (m.type) {
      case 'hello':
        // Sequence numbers restart at boot: what was seen before says nothing now.
        this.seen.clear();
        s.firmware = m.firmware;
        s.watchdogMs = m.watchdogMs;
        s.failMode = m.failMode;
        this.events.status('hello', s);
        this.tick(nowMs);
        return;
      case 'heartbeat':
        if (s.uptimeS !== null && m.uptimeS < s.uptimeS) {
          s.counters.reboots++;
          this.seen.clear();
          this.events.status('rebooted', s);
        }
        s.uptimeS = m.uptimeS;
        s.counters.bridgeBadFrames = m.badFrames;
        return;
      case 'card':
        return this.events.card(m.reader, m.bits);
      case 'keypad':
        return this.events.keypad(m.reader, m.key);
      case 'input':
        return this.events.input(m.input, m.active);
      case 'failsafe':
        return this.events.failsafe(m.relay, m.released, m.silentMs);
      case 'error':
        return this.events.bridgeError(m.code, m.detail);
    }
  }
}
