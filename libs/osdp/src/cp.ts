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
  /** Whether the PD's power is normal (LSTATR's power byte is 0): false is a power fault. */
  power: boolean | null;
  lastSeenMs: number | null;
  /** The last NAK the PD sent, with the command it refused. */
  lastNak: string | null;
  /** Why the PD last failed (no reply, a NAK, a handshake that did not verify, the port closed…): each failure its own reason. */
  lastError: string | null;
  /** Going offline and back again too often: changes are held back until it has been stable (see CpOptions.stableMs). */
  flapping: boolean;
  /** Offline/online changes not reported while it flapped, given with the report that ends it. */
  heldChanges: number;
  counters: {
    polls: number;
    timeouts: number;
    retries: number;
    naks: number;
    busy: number;
    badMacs: number;
    rejected: number;
    sessions: number;
    /** Secure replies labelled with a command's security type whose MAC verified (libosdp before its issue 7 fix). */
    mislabelled: number;
    /**
     * Second copies of a reply already taken: a PD answers a retried command
     * again with the same bytes, and the first answer (late, not lost) was
     * taken as the answer to the retry. Expected of a slow PD, not refused.
     */
    duplicateReplies: number;
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
  /**
   * A PD that has answered normally this long since it came online counts as
   * recovered: its run of failures (and so its backoff) starts again from zero,
   * and held-back changes of a flapping PD are reported.
   */
  stableMs: number;
  /** For the transmit time (10 bits a byte); a pty ignores it, RS-485 does not. */
  baudRate: number;
  /** Send the mark byte (0xFF) before each frame, as OSDP 2.2 allows and some readers expect. */
  markByte: boolean;
  random(bytes: number): Uint8Array;
  /**
   * The CP was held (not ticked or fed) this long: a reply deadline that
   * passed meanwhile is judged at the next call, not this one (see `tick`).
   */
  heldMs: number;
}

const DEFAULTS: CpOptions = {
  pollIntervalMs: 100,
  replyTimeoutMs: 200,
  tries: 3,
  backoffMinMs: 500,
  backoffMaxMs: 30_000,
  stableMs: 10_000,
  baudRate: 115_200,
  markByte: false,
  random: (n) => Uint8Array.from(randomBytes(n)),
  heldMs: 50,
};

const BUSY_PAUSE_MS = 20;
const SECRET_COMMANDS = new Set<number>([CMD.CHLNG, CMD.SCRYPT, CMD.KEYSET]);
/** A second drop within this window of the first is a flap: offline and online reports are held until the PD is stable. */
const FLAP_WINDOW_MS = 60_000;
const FLAPS_TO_HOLD = 2;
/** BUSY answers in a row (20 ms apart) before the PD counts as failed. */
const MAX_BUSY_IN_ROW = 50;

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
  busyInRow = 0;
  /** The last reply taken for a command sent more than once, and when: the PD answers each send with these bytes. */
  retriedReply: { raw: Uint8Array; atMs: number } | null = null;
  /** Failures in a row, not yet followed by stableMs of normal answers: sets the backoff. */
  failures = 0;
  onlineAt = 0;
  /** When it was last reported offline (within FLAP_WINDOW_MS): a second report makes it a flap. */
  offlineReports: number[] = [];
  /** What the journal and alarms were last told of the secure channel, so that a renewed session is not news. */
  reportedSecure: 'established' | 'failed' | null = null;
  reportedSecureError: string | null = null;

  constructor(readonly config: PdConfig) {
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
      lastError: null,
      flapping: false,
      heldChanges: 0,
      counters: {
        polls: 0,
        timeouts: 0,
        retries: 0,
        naks: 0,
        busy: 0,
        badMacs: 0,
        rejected: 0,
        sessions: 0,
        mislabelled: 0,
        duplicateReplies: 0,
      },
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
  /** When the CP last looked at the line (a tick, or bytes fed): a long gap means the process was held. */
  private lookedAt = -Infinity;
  /** Per address, the sequence of a command given up on after its tries: its reply, if it comes, is late. */
  private readonly gaveUp = new Map<number, number>();
  /**
   * The command on the line carries secrets (a handshake, a key, a session
   * under SCBK-D), and so may its echo and answer: until the next command,
   * captures withhold whatever they cannot frame (see redact.ts).
   */
  secretsOnLine = false;
  /** Bytes skipped before a SOM and frames that failed their check, for the port's counters. */
  readonly line = { skippedBytes: 0, badFrames: 0, frames: 0 };

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    pds: readonly PdConfig[],
    private readonly events: CpEvents,
    options: Partial<CpOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.pds = pds.map((c) => new Pd(c));
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
    pd.failures = 0;
    this.fail(pd, nowMs, 'key to be reinstalled', { offline: true, counts: false });
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

  /** Forgets the command in flight and every session: the port was closed (and will be reopened). */
  reset(nowMs: number, why = 'serial port closed'): void {
    this.pending = null;
    this.reader.clear();
    for (const pd of this.pds) this.fail(pd, nowMs, why, { offline: true });
  }

  receive(chunk: Uint8Array, nowMs: number): void {
    // Reading the line is looking at it: the tick below judges deadlines as usual.
    this.lookedAt = nowMs;
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

  /**
   * The clock's turn: judges the reply deadline of the command in flight, then
   * sends the next command if the line is free. A deadline that passed while
   * the CP was not called for `heldMs` (the process held by a GC pause or a
   * long task) is judged at the next call: in a turn of the event loop timers
   * run before I/O, so the reply may have come in time and be waiting, unread,
   * in the port's buffer. Judged at once, it was taken for silence: the command
   * went again, the waiting reply was then taken as the answer to the retry,
   * and the PD's answer to the retry came while another PD was asked ("reply
   * from a PD that was not asked"); three such stalls in a row took a healthy
   * PD offline.
   */
  tick(nowMs: number): void {
    const held = nowMs - this.lookedAt >= this.options.heldMs;
    this.lookedAt = nowMs;
    const p = this.pending;
    if (p) {
      const transmitMs = ((p.bytes.length + 32) * 10 * 1000) / this.options.baudRate;
      if (nowMs - p.sentAt < this.options.replyTimeoutMs + transmitMs || held) return;
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
      this.gaveUp.set(p.pd.config.address, p.sequence);
      this.fail(p.pd, nowMs, 'no reply', { offline: true });
    }
    this.sendNext(nowMs);
  }

  /**
   * Sends the next command if none is in flight, judging no deadline: for the
   * owner that has just queued feedback (the cardholder is waiting), which may
   * run before the port's buffer is read in its turn of the event loop.
   */
  sendQueued(nowMs: number): void {
    if (!this.pending) this.sendNext(nowMs);
  }

  private sendNext(nowMs: number): void {
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
    const p = this.pending!;
    this.secretsOnLine = SECRET_COMMANDS.has(p.code) || (p.secure && !p.pd.keyInstalled);
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
    const known = this.pds.find((x) => x.config.address === frame.address);
    if (frame.address === BROADCAST || !p || frame.address !== p.pd.config.address) {
      if (known && this.duplicate(known, raw, nowMs)) return;
      const late = known && this.gaveUp.get(frame.address) === frame.sequence;
      this.events.rejected(
        frame.address,
        late
          ? `late reply from PD ${frame.address}: its command had gone unanswered through every retry`
          : 'reply from a PD that was not asked',
        raw,
      );
      if (known) known.status.counters.rejected++;
      return;
    }
    const pd = p.pd;
    // BUSY comes back with sequence 0: ask again, same command, same sequence.
    if (frame.code === REPLY.BUSY && !frame.security) {
      pd.status.counters.busy++;
      pd.status.lastSeenMs = nowMs;
      this.pending = null;
      // A PD that stays busy is as good as silent: it goes the way of every failure, with backoff.
      if (++pd.busyInRow > MAX_BUSY_IN_ROW)
        return this.fail(pd, nowMs, 'busy for too long', { offline: true });
      pd.resend = p;
      pd.nextAt = nowMs + BUSY_PAUSE_MS;
      return;
    }
    pd.busyInRow = 0;
    if (frame.sequence !== p.sequence) {
      if (this.duplicate(pd, raw, nowMs)) return;
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
        return this.fail(pd, nowMs, opened.error, { offline: false });
      }
      if (opened.mislabelled) pd.status.counters.mislabelled++;
      ({ code, data } = opened);
    }
    this.pending = null;
    this.gaveUp.delete(pd.config.address);
    if (p.tries > 1) pd.retriedReply = { raw: raw.slice(), atMs: nowMs };
    pd.status.lastSeenMs = nowMs;
    this.reply(pd, p, frame, code, data, raw, nowMs);
  }

  /**
   * The same bytes as the reply just taken for a retried command: the PD's
   * answer to the other send of it (a PD answers a repeated command with its
   * reply again), for as long as the sends' answers can take to come.
   * Counted and dropped; only a reply that answers nothing in flight is
   * looked at, so a reply to the current command is never taken for one.
   */
  private duplicate(pd: Pd, raw: Uint8Array, nowMs: number): boolean {
    const r = pd.retriedReply;
    const windowMs = 2 * this.options.tries * this.options.replyTimeoutMs;
    if (!r || nowMs - r.atMs > windowMs || !sameBytes(r.raw, raw)) return false;
    pd.status.counters.duplicateReplies++;
    return true;
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
      if (s.phase !== 'online') return this.fail(pd, nowMs, r.invalid, { offline: true });
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
        return this.restart(pd, nowMs);
    }
    // Setting up, an answer that does not fit the question (ACK to ID, say) would only be asked again at once.
    if (s.phase !== 'online') {
      const why = `unexpected reply 0x${code.toString(16)} to command 0x${p.code.toString(16)}`;
      s.counters.rejected++;
      this.events.rejected(pd.config.address, why, raw);
      return this.fail(pd, nowMs, why, { offline: true });
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
      const power = !r.powerFault;
      const powerChanged = s.power !== power;
      s.tamper = r.tamper;
      s.power = power;
      if (tamperChanged) this.events.changed(pd.config.address, 'tamper', s);
      if (powerChanged) this.events.changed(pd.config.address, 'power', s);
    }
    this.settle(pd, nowMs);
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
    // A session renewed while the PD stays online is counted, not news.
    if (pd.reportedSecure !== 'established' && !pd.status.flapping) this.reportSecure(pd);
    if (!pd.keyInstalled) pd.status.phase = 'keyset';
    else this.online(pd, nowMs);
    this.schedule(pd, nowMs, 0);
  }

  private reportSecure(pd: Pd): void {
    pd.reportedSecure = 'established';
    pd.reportedSecureError = null;
    this.events.changed(pd.config.address, 'secure', pd.status);
  }

  private online(pd: Pd, nowMs: number): void {
    pd.status.phase = 'online';
    pd.needStatus = true;
    pd.needInputs = true;
    if (pd.status.online) return;
    pd.status.online = true;
    pd.onlineAt = nowMs;
    pd.status.lastSeenMs = nowMs;
    if (pd.status.flapping) pd.status.heldChanges++;
    else this.events.changed(pd.config.address, 'online', pd.status);
  }

  /**
   * A normal answer from an online PD: once it has answered for stableMs since
   * it came online it has recovered. Its run of failures ends (the next one is
   * a blip again), and if it was flapping, the held changes are reported now.
   */
  private settle(pd: Pd, nowMs: number): void {
    const s = pd.status;
    if (!s.online || s.phase !== 'online' || nowMs - pd.onlineAt < this.options.stableMs) return;
    pd.failures = 0;
    // A recovered reader shows no error: the failure stays in the journal, not on its status.
    s.lastError = null;
    if (!s.flapping) return;
    s.flapping = false;
    pd.offlineReports = [];
    if (s.secure === 'established' && pd.reportedSecure !== 'established') this.reportSecure(pd);
    this.events.changed(pd.config.address, 'online', s);
    s.heldChanges = 0;
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
      s.lastError = s.lastNak;
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
        return this.fail(pd, nowMs, s.lastNak, { offline: false });
      case 4: // sequence: start again from 0
        return this.fail(pd, nowMs, s.lastNak, { offline: false });
      default:
        // Setting up, a refusal leaves nothing to go on with: start over, after the backoff.
        if (s.phase !== 'online') return this.fail(pd, nowMs, s.lastNak, { offline: true });
        // Online: 1, 2: the PD will take the next one; 3, 9: it will never take this one.
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
    this.restart(pd, nowMs);
    return true;
  }

  /** The reader refused the old key while a rotation was under way: it took the new one before we recorded it. */
  private rotatedAlready(pd: Pd, nowMs: number): boolean {
    if (!pd.nextKey || !pd.keyInstalled) return false;
    pd.key = pd.nextKey;
    pd.nextKey = null;
    this.events.changed(pd.config.address, 'keyset', pd.status);
    this.restart(pd, nowMs);
    return true;
  }

  private secureFailed(pd: Pd, nowMs: number, why: string): void {
    pd.status.secure = 'failed';
    // Reported once per reason: a reader retried with backoff for days is one alarm, not one per try.
    if (pd.reportedSecure !== 'failed' || pd.reportedSecureError !== why) {
      pd.reportedSecure = 'failed';
      pd.reportedSecureError = why;
      pd.status.lastError = why;
      this.events.changed(pd.config.address, 'secure-failed', pd.status);
    }
    this.fail(pd, nowMs, why, { offline: true });
  }

  /**
   * Every failure ends here: the session ends and the PD is tried again after
   * the backoff of its run of failures: at once after the first (a blip), then
   * backoffMinMs doubling up to backoffMaxMs, until it has been stable for
   * stableMs. A blip of a running session (the PD dropped it, a sequence
   * slip, one bad MAC) is mended without going offline; a failure that cannot
   * be (silence, a handshake that does not verify) or a second in a row is an
   * outage. `counts: false` for an operator's deliberate reset.
   */
  private fail(pd: Pd, nowMs: number, why: string, o: { offline: boolean; counts?: boolean }): void {
    if (o.counts !== false) pd.failures++;
    pd.status.lastError = why;
    const n = pd.failures;
    const delay =
      n <= 1 ? 0 : Math.min(this.options.backoffMinMs * 2 ** Math.min(n - 2, 30), this.options.backoffMaxMs);
    this.end(pd, nowMs + delay);
    if (o.offline || n > 1) this.offline(pd, nowMs);
  }

  /** A new key is in force (or the reader holds another): a new session at once, which is news again. */
  private restart(pd: Pd, nowMs: number): void {
    pd.reportedSecure = null;
    this.end(pd, nowMs);
  }

  private offline(pd: Pd, nowMs: number): void {
    const s = pd.status;
    if (!s.online) return;
    s.online = false;
    if (s.flapping) {
      s.heldChanges++;
      return;
    }
    pd.offlineReports = pd.offlineReports.filter((t) => nowMs - t < FLAP_WINDOW_MS);
    pd.offlineReports.push(nowMs);
    // The second drop in a window is a flap: this report says so, and the next ones wait for stability.
    s.flapping = pd.offlineReports.length >= FLAPS_TO_HOLD;
    pd.reportedSecure = pd.reportedSecure === 'established' ? null : pd.reportedSecure;
    this.events.changed(pd.config.address, 'offline', s);
  }

  /** Ends the session and starts over from identification at `nextAt`. */
  private end(pd: Pd, nextAt: number): void {
    pd.session = null;
    pd.handshake = null;
    pd.resend = null;
    pd.busyInRow = 0;
    pd.queue.length = 0;
    if (pd.status.secure === 'established' || pd.status.secure === 'handshake') pd.status.secure = 'none';
    pd.status.phase = 'offline';
    pd.sequence = 0;
    pd.nextAt = nextAt;
  }

  /** Polls keep their cadence from when the last POLL went out, so reply times and stalls do not add up. */
  private schedule(pd: Pd, nowMs: number, afterMs = this.options.pollIntervalMs): void {
    pd.nextAt = pd.queue.length > 0 || afterMs === 0 ? nowMs : Math.max(nowMs, pd.lastPollAt + afterMs);
  }
}
