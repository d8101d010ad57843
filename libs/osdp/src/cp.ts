import { randomBytes } from 'node:crypto';
import { BROADCAST, encodeOsdp, MARK, type OsdpFrame, OsdpReader } from './frame';
import { CMD, NAK_REASONS, readReply, REPLY, type OsdpReply } from './messages';
import {
  clientCryptogram,
  initialRmac,
  sameBytes,
  SCBK_D,
  SCS,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from './secure';
import { SecureSession } from './session';

export interface PdConfig {
  address: number;
  /** The reader's own key; null for a plaintext reader (not recommended). */
  scbk: Uint8Array | null;
  /** The PD has no key yet: start with SCBK-D, send KEYSET with `scbk`, then use it. */
  installMode?: boolean;
  /** A rotation under way: replace `scbk` with this key by KEYSET (or, if the reader holds it already, use it). */
  nextKey?: Uint8Array | null;
}

export type PdPhase = 'offline' | 'identify' | 'capabilities' | 'secure-setup' | 'keyset' | 'online';

export interface PdStatus {
  address: number;
  phase: PdPhase;
  online: boolean;
  secure: 'none' | 'handshake' | 'established' | 'failed';
  /** From PDID. */
  vendor: string | null;
  model: number | null;
  firmware: string | null;
  serial: number | null;
  tamper: boolean | null;
  power: boolean | null;
  lastSeenMs: number | null;
  lastNak: string | null;
  counters: {
    polls: number;
    timeouts: number;
    retries: number;
    naks: number;
    busy: number;
    badMacs: number;
    rejected: number;
    sessions: number;
  };
}

export type PdChange =
  'online' | 'offline' | 'secure' | 'secure-failed' | 'tamper' | 'power' | 'keyset' | 'keyset-failed';

export interface CpEvents {
  card(address: number, reader: number, bits: number[]): void;
  keypad(address: number, reader: number, keys: string): void;
  /** The PD's inputs (door contact, exit button…), one state byte each, when they change. */
  inputs(address: number, states: number[]): void;
  changed(address: number, change: PdChange, status: PdStatus): void;
  /** Bytes or messages refused, with the raw bytes for the record. */
  rejected(address: number | null, reason: string, raw: Uint8Array): void;
}

export interface CpOptions {
  /** How often each online PD is polled. */
  pollIntervalMs: number;
  /** Reply timeout beyond the transmit time of the command. */
  replyTimeoutMs: number;
  /** Sends of one command before the PD counts as offline. */
  tries: number;
  /** Wait before trying an offline PD again: doubles up to the maximum. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** For the transmit time (10 bits a byte); a pty ignores it, RS-485 does not. */
  baudRate: number;
  /** Send the mark byte (0xFF) before each frame, as OSDP 2.2 allows and some readers expect. */
  markByte: boolean;
  random(bytes: number): Uint8Array;
}

const DEFAULTS: CpOptions = {
  pollIntervalMs: 100,
  replyTimeoutMs: 200,
  tries: 3,
  backoffMinMs: 500,
  backoffMaxMs: 30_000,
  baudRate: 115_200,
  markByte: false,
  random: (n) => Uint8Array.from(randomBytes(n)),
};

const BUSY_PAUSE_MS = 20;

interface Pending {
  pd: Pd;
  bytes: Uint8Array;
  code: number;
  sequence: number;
  sentAt: number;
  tries: number;
  secure: boolean;
}

class Pd {
  readonly status: PdStatus;
  sequence = 0;
  nextAt = 0;
  backoffMs: number;
  session: SecureSession | null = null;
  /** A handshake under way: our random, then the session keys and our cryptogram (for RMAC_I). */
  handshake: { rndA: Uint8Array; keys?: SessionKeys; server?: Uint8Array } | null = null;
  /** Whether the PD holds `key` (false: SCBK-D first, while installing). */
  keyInstalled: boolean;
  /** The key in force and whether SCBK-D may be tried first: from the configuration, until reinstalled. */
  key: Uint8Array | null;
  nextKey: Uint8Array | null;
  installMode: boolean;
  readonly queue: { code: number; data: Uint8Array }[] = [];
  needStatus = true;
  needInputs = true;
  lastPollAt = -Infinity;
  inputs: number[] | null = null;
  /** A command the PD answered BUSY to: sent again, unchanged. */
  resend: Pending | null = null;

  constructor(
    readonly config: PdConfig,
    backoffMs: number,
  ) {
    this.backoffMs = backoffMs;
    this.keyInstalled = !config.installMode;
    this.key = config.scbk;
    this.nextKey = config.nextKey ?? null;
    this.installMode = config.installMode ?? false;
    this.status = {
      address: config.address,
      phase: 'offline',
      online: false,
      secure: 'none',
      vendor: null,
      model: null,
      firmware: null,
      serial: null,
      tamper: null,
      power: null,
      lastSeenMs: null,
      lastNak: null,
      counters: { polls: 0, timeouts: 0, retries: 0, naks: 0, busy: 0, badMacs: 0, rejected: 0, sessions: 0 },
    };
  }

  /** 0 only to reset; after it 1, 2, 3, 1… */
  nextSequence(): number {
    const s = this.sequence;
    this.sequence = s === 3 ? 1 : s + 1;
    return s;
  }
}

/**
 * An OSDP control panel for one bus: several PDs by address, one command in
 * flight at a time (RS-485 is half duplex). Pure: the owner feeds received
 * bytes and the monotonic clock and supplies `write`. Each PD runs its own
 * state machine: offline → identify → capabilities → secure channel (and
 * KEYSET in install mode) → online, back to offline on silence with backoff.
 * A PD configured with a key is never used in plaintext: no downgrade.
 */
export class ControlPanel {
  private readonly pds: Pd[];
  private readonly options: CpOptions;
  private pending: Pending | null = null;
  private readonly reader = new OsdpReader();
  private turn = 0;
  /** Bytes skipped before a SOM and frames that failed their check, for the port's counters. */
  readonly line = { skippedBytes: 0, badFrames: 0, frames: 0 };

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    pds: readonly PdConfig[],
    private readonly events: CpEvents,
    options: Partial<CpOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.pds = pds.map((c) => new Pd(c, this.options.backoffMinMs));
  }

  status(address: number): PdStatus | undefined {
    return this.pds.find((p) => p.config.address === address)?.status;
  }

  /** Queues a command (LED, BUZ, OUT…) for an online PD; sent in order between polls. */
  send(address: number, code: number, data: Uint8Array): boolean {
    const pd = this.pds.find((p) => p.config.address === address);
    if (!pd || !pd.status.online || pd.queue.length >= 16) return false;
    pd.queue.push({ code, data });
    // Feedback is due now, not at the next poll: the cardholder is waiting at the door.
    pd.nextAt = 0;
    return true;
  }

  /**
   * A replaced reader (fresh from the box, so it only knows SCBK-D) is to get
   * a new key: the next handshake uses SCBK-D and KEYSETs `key`. An operator's
   * deliberate act; the caller journals it.
   */
  reinstall(address: number, key: Uint8Array, nowMs: number): boolean {
    const pd = this.pds.find((p) => p.config.address === address);
    if (!pd) return false;
    if (this.pending?.pd === pd) this.pending = null;
    pd.key = key;
    pd.installMode = true;
    pd.keyInstalled = false;
    pd.status.secure = 'none';
    pd.backoffMs = this.options.backoffMinMs;
    this.drop(pd, nowMs, 'key to be reinstalled', 0);
    return true;
  }

  /**
   * Replaces a reader's key: KEYSET of `key` inside the session with the
   * current one, then sessions with the new key. Until it is acknowledged the
   * old key stays in force; a reader found already holding the new key (the
   * gateway stopped between the reader's ACK and its record) is used with it.
   */
  rotate(address: number, key: Uint8Array): boolean {
    const pd = this.pds.find((p) => p.config.address === address);
    if (!pd || !pd.key || !pd.keyInstalled) return false;
    pd.nextKey = key;
    pd.nextAt = 0;
    return true;
  }

  /** Forgets the command in flight and every session: the port was closed and reopened. */
  reset(nowMs: number): void {
    this.pending = null;
    this.reader.clear();
    for (const pd of this.pds) this.drop(pd, nowMs, 'port reset', 0);
  }

  receive(chunk: Uint8Array, nowMs: number): void {
    this.reader.push(chunk, {
      frame: (frame, raw) => {
        this.line.frames++;
        this.frame(frame, raw, nowMs);
      },
      skipped: (bytes) => (this.line.skippedBytes += bytes),
      bad: (reason, held) => {
        this.line.badFrames++;
        this.events.rejected(null, reason, held);
      },
    });
    this.tick(nowMs);
  }

  tick(nowMs: number): void {
    const p = this.pending;
    if (p) {
      const transmitMs = ((p.bytes.length + 32) * 10 * 1000) / this.options.baudRate;
      if (nowMs - p.sentAt < this.options.replyTimeoutMs + transmitMs) return;
      p.pd.status.counters.timeouts++;
      if (p.tries < this.options.tries) {
        // The same bytes with the same sequence: a PD that answered already resends its reply.
        p.tries++;
        p.sentAt = nowMs;
        p.pd.status.counters.retries++;
        this.out(p.bytes);
        return;
      }
      this.pending = null;
      this.fail(p.pd, nowMs, 'no reply');
    }
    const waiting = this.pds.find((pd) => pd.queue.length > 0 && pd.status.phase === 'online' && !pd.resend);
    if (waiting) return this.next(waiting, nowMs);
    for (let i = 0; i < this.pds.length; i++) {
      const pd = this.pds[(this.turn + i) % this.pds.length]!;
      if (nowMs < pd.nextAt) continue;
      this.turn = (this.turn + i + 1) % this.pds.length;
      this.next(pd, nowMs);
      return;
    }
  }

  // ---------- sending ----------

  /**
   * Half duplex: a PD speaks only when asked, so whatever is held when we ask
   * again is stale (a torn reply, or noise whose length field would swallow the
   * next reply).
   */
  private out(bytes: Uint8Array): void {
    this.reader.clear();
    this.write(this.options.markByte ? Uint8Array.from([MARK, ...bytes]) : bytes);
  }

  private next(pd: Pd, nowMs: number): void {
    if (pd.resend) {
      this.pending = { ...pd.resend, sentAt: nowMs, tries: 1 };
      pd.resend = null;
      return this.out(this.pending.bytes);
    }
    switch (pd.status.phase) {
      case 'offline':
        pd.sequence = 0;
        pd.session = null;
        return this.transmit(pd, CMD.ID, Uint8Array.of(0), nowMs, 'identify');
      case 'identify':
      case 'capabilities':
        return this.transmit(pd, CMD.CAP, Uint8Array.of(0), nowMs, 'capabilities');
      case 'secure-setup':
        return this.challenge(pd, nowMs);
      case 'keyset':
        return this.transmit(pd, CMD.KEYSET, Uint8Array.from([1, 16, ...pd.key!]), nowMs);
      case 'online': {
        if (pd.nextKey && pd.session)
          return this.transmit(pd, CMD.KEYSET, Uint8Array.from([1, 16, ...pd.nextKey]), nowMs);
        const queued = pd.queue.shift();
        if (queued) return this.transmit(pd, queued.code, queued.data, nowMs);
        if (pd.needStatus) return this.transmit(pd, CMD.LSTAT, new Uint8Array(0), nowMs);
        if (pd.needInputs) return this.transmit(pd, CMD.ISTAT, new Uint8Array(0), nowMs);
        pd.status.counters.polls++;
        pd.lastPollAt = nowMs;
        return this.transmit(pd, CMD.POLL, new Uint8Array(0), nowMs);
      }
    }
  }

  private transmit(pd: Pd, code: number, data: Uint8Array, nowMs: number, phase?: PdPhase): void {
    if (phase) pd.status.phase = phase;
    const sequence = pd.nextSequence();
    const bytes = pd.session
      ? pd.session.seal({ address: pd.config.address, sequence, code, data })
      : encodeOsdp({ address: pd.config.address, sequence, code, data });
    this.pending = { pd, bytes, code, sequence, sentAt: nowMs, tries: 1, secure: pd.session !== null };
    this.out(bytes);
  }

  private challenge(pd: Pd, nowMs: number): void {
    pd.handshake = { rndA: this.options.random(8) };
    pd.status.secure = 'handshake';
    const sequence = pd.nextSequence();
    const bytes = encodeOsdp({
      address: pd.config.address,
      sequence,
      code: CMD.CHLNG,
      data: pd.handshake.rndA,
      security: { type: SCS.CHLNG, data: Uint8Array.of(pd.keyInstalled ? 1 : 0) },
    });
    this.pending = { pd, bytes, code: CMD.CHLNG, sequence, sentAt: nowMs, tries: 1, secure: false };
    this.out(bytes);
  }

  // ---------- receiving ----------

  private frame(frame: OsdpFrame, raw: Uint8Array, nowMs: number): void {
    if (!frame.reply) return; // our own command echoed by a 2-wire adapter
    const p = this.pending;
    if (frame.address === BROADCAST || !p || frame.address !== p.pd.config.address) {
      this.events.rejected(frame.address, 'reply from a PD that was not asked', raw);
      const known = this.pds.find((x) => x.config.address === frame.address);
      if (known) known.status.counters.rejected++;
      return;
    }
    const pd = p.pd;
    // BUSY comes back with sequence 0: ask again, same command, same sequence.
    if (frame.code === REPLY.BUSY && !frame.security) {
      pd.status.counters.busy++;
      pd.status.lastSeenMs = nowMs;
      this.pending = null;
      pd.resend = p;
      pd.nextAt = nowMs + BUSY_PAUSE_MS;
      return;
    }
    if (frame.sequence !== p.sequence) {
      pd.status.counters.rejected++;
      this.events.rejected(pd.config.address, `sequence ${frame.sequence}, expected ${p.sequence}`, raw);
      return;
    }
    let code = frame.code;
    let data = frame.data;
    if (p.secure && pd.session) {
      const opened = pd.session.open(frame, raw);
      if ('error' in opened) {
        // A NAK in plain text is how a PD says it dropped the session.
        if (frame.code === REPLY.NAK && !frame.security) {
          this.pending = null;
          return this.nak(pd, frame.data[0] ?? 0, nowMs, p.code);
        }
        pd.status.counters.badMacs++;
        this.events.rejected(pd.config.address, opened.error, raw);
        this.pending = null;
        return this.drop(pd, nowMs, opened.error, 0);
      }
      ({ code, data } = opened);
    }
    this.pending = null;
    pd.status.lastSeenMs = nowMs;
    this.reply(pd, p, frame, code, data, raw, nowMs);
  }

  private reply(
    pd: Pd,
    p: Pending,
    frame: OsdpFrame,
    code: number,
    data: Uint8Array,
    raw: Uint8Array,
    nowMs: number,
  ) {
    const s = pd.status;
    if (code === REPLY.CCRYPT && p.code === CMD.CHLNG) return this.ccrypt(pd, frame, data, nowMs);
    if (code === REPLY.RMAC_I && p.code === CMD.SCRYPT) return this.rmacI(pd, data, nowMs);
    const r: OsdpReply | { invalid: string } = readReply(code, data);
    if ('invalid' in r) {
      s.counters.rejected++;
      this.events.rejected(pd.config.address, r.invalid, raw);
      return this.schedule(pd, nowMs);
    }
    if (r.type === 'nak') return this.nak(pd, r.code, nowMs, p.code);
    switch (p.code) {
      case CMD.ID:
        if (r.type !== 'pdid') break;
        Object.assign(s, { vendor: r.vendor, model: r.model, firmware: r.firmware, serial: r.serial });
        s.phase = 'capabilities';
        return this.schedule(pd, nowMs, 0);
      case CMD.CAP:
        if (r.type !== 'pdcap') break;
        if (pd.key) s.phase = 'secure-setup';
        else this.online(pd, nowMs);
        return this.schedule(pd, nowMs, 0);
      case CMD.KEYSET:
        if (r.type !== 'ack') break;
        // The new key is in force from the next session on.
        if (s.phase === 'online' && pd.nextKey) {
          pd.key = pd.nextKey;
          pd.nextKey = null;
        }
        pd.keyInstalled = true;
        this.events.changed(pd.config.address, 'keyset', s);
        return this.drop(pd, nowMs, 'new key set', 0, true);
    }
    if (r.type === 'istatr') {
      pd.needInputs = false;
      const before = pd.inputs;
      pd.inputs = r.states;
      if (!before || before.length !== r.states.length || before.some((v, i) => v !== r.states[i]))
        this.events.inputs(pd.config.address, r.states);
    } else if (r.type === 'raw') this.events.card(pd.config.address, r.reader, r.bits);
    else if (r.type === 'keypad') this.events.keypad(pd.config.address, r.reader, r.keys);
    else if (r.type === 'lstatr') {
      pd.needStatus = false;
      const tamperChanged = s.tamper !== r.tamper;
      const powerChanged = s.power !== r.power;
      s.tamper = r.tamper;
      s.power = r.power;
      if (tamperChanged) this.events.changed(pd.config.address, 'tamper', s);
      if (powerChanged) this.events.changed(pd.config.address, 'power', s);
    }
    this.schedule(pd, nowMs);
  }

  private ccrypt(pd: Pd, frame: OsdpFrame, data: Uint8Array, nowMs: number): void {
    const h = pd.handshake;
    if (frame.security?.type !== SCS.CCRYPT || data.length < 32 || !h) {
      return this.secureFailed(pd, nowMs, 'malformed CCRYPT');
    }
    const rndB = data.subarray(8, 16);
    const keys = sessionKeys(pd.keyInstalled ? pd.key! : SCBK_D, h.rndA);
    if (!sameBytes(clientCryptogram(keys, h.rndA, rndB), data.subarray(16, 32))) {
      if (this.installedAlready(pd, nowMs) || this.rotatedAlready(pd, nowMs)) return;
      return this.secureFailed(pd, nowMs, 'client cryptogram does not verify (wrong key?)');
    }
    const server = serverCryptogram(keys, h.rndA, rndB);
    Object.assign(h, { keys, server });
    const sequence = pd.nextSequence();
    const bytes = encodeOsdp({
      address: pd.config.address,
      sequence,
      code: CMD.SCRYPT,
      data: server,
      security: { type: SCS.SCRYPT, data: Uint8Array.of(pd.keyInstalled ? 1 : 0) },
    });
    this.pending = { pd, bytes, code: CMD.SCRYPT, sequence, sentAt: nowMs, tries: 1, secure: false };
    this.out(bytes);
  }

  private rmacI(pd: Pd, data: Uint8Array, nowMs: number): void {
    const h = pd.handshake;
    if (!h?.keys || !h.server || data.length < 16) return this.secureFailed(pd, nowMs, 'malformed RMAC_I');
    const expected = initialRmac(h.keys, h.server);
    if (!sameBytes(expected, data.subarray(0, 16)))
      return this.secureFailed(pd, nowMs, 'RMAC_I does not verify');
    pd.session = new SecureSession(h.keys, expected, 'cp');
    pd.handshake = null;
    pd.status.secure = 'established';
    pd.status.counters.sessions++;
    this.events.changed(pd.config.address, 'secure', pd.status);
    if (!pd.keyInstalled) pd.status.phase = 'keyset';
    else this.online(pd, nowMs);
    this.schedule(pd, nowMs, 0);
  }

  private online(pd: Pd, nowMs: number): void {
    pd.status.phase = 'online';
    pd.backoffMs = this.options.backoffMinMs;
    pd.needStatus = true;
    pd.needInputs = true;
    if (!pd.status.online) {
      pd.status.online = true;
      pd.status.lastSeenMs = nowMs;
      this.events.changed(pd.config.address, 'online', pd.status);
    }
  }

  private nak(pd: Pd, code: number, nowMs: number, command: number): void {
    const s = pd.status;
    s.counters.naks++;
    s.lastNak = `${NAK_REASONS[code] ?? `code ${code}`} (command 0x${command.toString(16)})`;
    s.lastSeenMs = nowMs;
    // Not every PD answers LSTAT or ISTAT (libosdp refuses them unless its application does): poll it without.
    if (command === CMD.LSTAT) pd.needStatus = false;
    if (command === CMD.ISTAT) pd.needInputs = false;
    if (command === CMD.KEYSET && s.phase === 'online' && pd.nextKey) {
      // The reader would not take the new key: the old one stays in force.
      pd.nextKey = null;
      this.events.changed(pd.config.address, 'keyset-failed', s);
    }
    switch (code) {
      case 5: // secure channel not supported: never fall back to plain text
        return this.secureFailed(pd, nowMs, s.lastNak);
      case 6: // secure channel conditions: the PD dropped the session, or refused the install key
        if (command === CMD.CHLNG) {
          // Refused at the challenge: the reader does not take this key (replaced, or reset to factory).
          if (this.installedAlready(pd, nowMs) || this.rotatedAlready(pd, nowMs)) return;
          return this.secureFailed(
            pd,
            nowMs,
            `the reader refused the ${pd.keyInstalled ? 'key' : 'install key'}`,
          );
        }
        return this.drop(pd, nowMs, s.lastNak, 0, true);
      case 4: // sequence: start again from 0
        return this.drop(pd, nowMs, s.lastNak, 0, true);
      default: // 1, 2: the PD will take the next one; 3, 9: it will never take this one
        return this.schedule(pd, nowMs);
    }
  }

  /**
   * In install mode the reader may hold our key already (installed before a
   * restart of the gateway): when it refuses SCBK-D, the next handshake uses
   * the key. The other way round never happens: a key that fails is an alarm.
   */
  private installedAlready(pd: Pd, nowMs: number): boolean {
    if (pd.keyInstalled || !pd.installMode || !pd.key) return false;
    pd.keyInstalled = true;
    this.drop(pd, nowMs, 'the reader refused the install key', 0, true);
    return true;
  }

  /** The reader refused the old key while a rotation was under way: it took the new one before we recorded it. */
  private rotatedAlready(pd: Pd, nowMs: number): boolean {
    if (!pd.nextKey || !pd.keyInstalled) return false;
    pd.key = pd.nextKey;
    pd.nextKey = null;
    this.events.changed(pd.config.address, 'keyset', pd.status);
    this.drop(pd, nowMs, 'the reader holds the new key', 0, true);
    return true;
  }

  private secureFailed(pd: Pd, nowMs: number, why: string): void {
    pd.status.secure = 'failed';
    pd.status.lastNak = why;
    this.events.changed(pd.config.address, 'secure-failed', pd.status);
    this.fail(pd, nowMs, why);
  }

  /** Silence or a broken handshake: offline, tried again after a growing pause. */
  private fail(pd: Pd, nowMs: number, why: string): void {
    this.drop(pd, nowMs, why, pd.backoffMs);
    pd.backoffMs = Math.min(pd.backoffMs * 2, this.options.backoffMaxMs);
  }

  /** Ends the session and starts over from identification after `afterMs`. */
  private drop(pd: Pd, nowMs: number, why: string, afterMs: number, keepOnline = false): void {
    pd.session = null;
    pd.handshake = null;
    pd.resend = null;
    pd.queue.length = 0;
    if (pd.status.secure === 'established' || pd.status.secure === 'handshake') pd.status.secure = 'none';
    pd.status.phase = 'offline';
    pd.sequence = 0;
    pd.nextAt = nowMs + afterMs;
    if (!keepOnline && pd.status.online) {
      pd.status.online = false;
      pd.status.lastNak = pd.status.lastNak ?? why;
      this.events.changed(pd.config.address, 'offline', pd.status);
    }
  }

  /** Polls keep their cadence from when the last POLL went out, so reply times and stalls do not add up. */
  private schedule(pd: Pd, nowMs: number, afterMs = this.options.pollIntervalMs): void {
    pd.nextAt = pd.queue.length > 0 || afterMs === 0 ? nowMs : Math.max(nowMs, pd.lastPollAt + afterMs);
  }
}
