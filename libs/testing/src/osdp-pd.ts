import { randomBytes } from 'node:crypto';
import {
  BROADCAST,
  clientCryptogram,
  CMD,
  crc16Aug,
  encodeOsdp,
  initialRmac,
  type OsdpFrame,
  OsdpReader,
  REPLY,
  sameBytes,
  SCBK_D,
  SCS,
  SecureSession,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from '@gatehouse/osdp';

export interface SimulatedPdOptions {
  address: number;
  /** The PD's key; null: a PD fresh from the box, in install mode (SCBK-D only until KEYSET). */
  scbk: Uint8Array | null;
  vendor?: [number, number, number];
  model?: number;
  firmware?: [number, number, number];
  serial?: number;
}

/** What the PD was told to show, for tests and the demo. */
export interface PdOutputs {
  led: { reader: number; colour: number; onTime: number; timer: number } | null;
  buzzer: { reader: number; tone: number; count: number } | null;
  outputs: { output: number; controlCode: number; timer: number }[];
}

const NAK = (code: number) => ({ code: REPLY.NAK, data: Uint8Array.of(code) });
const STATUS_REPLIES = new Set<number>([REPLY.LSTATR, REPLY.ISTATR, REPLY.OSTATR, REPLY.RSTATR]);

/**
 * A simulated OSDP reader (PD): identifies itself, reports cards, keys,
 * tamper and power, obeys LED, buzzer and output commands, and runs the
 * secure channel (install mode with SCBK-D, KEYSET, then its own key). Its
 * faults can be switched on: silence, late replies, BUSY, NAKs, a dropped
 * session, a corrupted MAC.
 */
export class SimulatedPd {
  private readonly reader = new OsdpReader();
  private session: SecureSession | null = null;
  private handshake: { keys: SessionKeys; rndA: Uint8Array; rndB: Uint8Array; keyFlag: number } | null = null;
  private lastSequence = -1;
  private lastCommand: Uint8Array | null = null;
  private lastReply: Uint8Array | null = null;
  private readonly events: { code: number; data: Uint8Array }[] = [];
  private tamper = false;
  private readonly inputStates = [0, 0, 0, 0];
  private powerFault = false;
  scbk: Uint8Array | null;
  readonly outputs: PdOutputs = { led: null, buzzer: null, outputs: [] };
  readonly log: string[] = [];
  readonly faults = {
    silent: false,
    replyDelayMs: 0,
    busyNext: 0,
    nakNext: 0,
    corruptMacNext: false,
    /** Secure replies labelled `02 15`/`02 17` (a command's types) with a valid MAC, as libosdp's PD did before its issue 7. */
    mislabelReplies: false,
    /**
     * Status replies (LSTATR, ISTATR, OSTATR, RSTATR) labelled `02 15` with their data in clear and a valid
     * MAC, as libosdp's PD sends them (at 45d03d8: it builds them ahead, outside its relabelling).
     */
    clearStatusReplies: false,
    /** Commands answered with NAK 3 (unknown), as PDs without them do. */
    refuse: new Set<number>(),
  };
  commandsSeen = 0;
  /** Sees each command as it is taken off the line and each reply as it is written (benchmarks time the wire with it). */
  watch: ((event: 'command' | 'reply', code: number) => void) | null = null;

  constructor(
    readonly options: SimulatedPdOptions,
    private readonly write: (bytes: Uint8Array) => void,
  ) {
    this.scbk = options.scbk;
  }

  get secure(): boolean {
    return this.session !== null;
  }

  presentCard(bits: readonly number[], reader = 0): void {
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    bits.forEach((b, i) => (bytes[i >> 3]! |= b ? 0x80 >> (i & 7) : 0));
    this.events.push({
      code: REPLY.RAW,
      data: Uint8Array.from([reader, 1, bits.length & 0xff, bits.length >> 8, ...bytes]),
    });
  }

  typeKeys(keys: string, reader = 0): void {
    this.events.push({
      code: REPLY.KEYPAD,
      data: Uint8Array.from([reader, keys.length, ...Buffer.from(keys, 'ascii')]),
    });
  }

  setTamper(tamper: boolean): void {
    this.tamper = tamper;
    this.events.push(this.localStatus());
  }

  setPowerFault(fault: boolean): void {
    this.powerFault = fault;
    this.events.push(this.localStatus());
  }

  /** LSTATR as OSDP 2.2 has it: tamper, then power, each 0 for normal and 1 for the fault. */
  private localStatus() {
    return { code: REPLY.LSTATR, data: Uint8Array.of(this.tamper ? 1 : 0, this.powerFault ? 1 : 0) };
  }

  /** An input changes (0 door contact, 1 exit button…): reported with all the states. */
  setInput(input: number, active: boolean): void {
    this.inputStates[input] = active ? 1 : 0;
    this.events.push({ code: REPLY.ISTATR, data: Uint8Array.from(this.inputStates) });
  }

  /** Forgets the secure session, as a PD does after a power blip. */
  dropSession(): void {
    this.session = null;
  }

  receive(chunk: Uint8Array): void {
    this.reader.push(chunk, { frame: (frame, raw) => this.command(frame, raw) });
  }

  private command(frame: OsdpFrame, raw: Uint8Array): void {
    if (frame.reply || (frame.address !== this.options.address && frame.address !== BROADCAST)) return;
    this.commandsSeen++;
    if (this.faults.silent) return;
    this.watch?.('command', frame.code);
    // The same command again (the CP's retry): the same reply again, unchanged.
    if (this.lastCommand && frame.sequence !== 0 && sameBytes(raw, this.lastCommand) && this.lastReply) {
      return this.send(this.lastReply);
    }
    if (this.faults.busyNext > 0) {
      this.faults.busyNext--;
      return this.send(
        encodeOsdp({ address: this.options.address, reply: true, sequence: 0, code: REPLY.BUSY }),
      );
    }
    if (frame.sequence === 0) {
      this.session = null; // sequence 0 resets the link and ends any session
    } else if (this.lastSequence >= 0 && frame.sequence !== (this.lastSequence % 3) + 1) {
      return this.answer(frame, raw, NAK(4), false);
    }
    this.lastSequence = frame.sequence;
    if (this.faults.nakNext) {
      const code = this.faults.nakNext;
      this.faults.nakNext = 0;
      if (code === 6) this.session = null;
      return this.answer(frame, raw, NAK(code), false);
    }
    const scb = frame.security?.type;
    if (scb === SCS.CHLNG) return this.answer(frame, raw, this.challenge(frame), false);
    if (scb === SCS.SCRYPT) return this.answer(frame, raw, this.scrypt(frame), false);
    let code = frame.code;
    let data = frame.data;
    if (this.session) {
      const opened = this.session.open(frame, raw);
      if ('error' in opened) {
        this.log.push(`refused: ${opened.error}`);
        this.session = null;
        return this.answer(frame, raw, NAK(6), false);
      }
      ({ code, data } = opened);
    } else if (scb !== undefined) {
      return this.answer(frame, raw, NAK(6), false);
    }
    this.answer(frame, raw, this.handle(code, data), this.session !== null);
  }

  private handle(code: number, d: Uint8Array): { code: number; data: Uint8Array } {
    const o = this.options;
    if (this.faults.refuse.has(code)) return NAK(3);
    switch (code) {
      case CMD.POLL:
        return this.events.shift() ?? { code: REPLY.ACK, data: new Uint8Array(0) };
      case CMD.ID: {
        const [v0, v1, v2] = o.vendor ?? [0x0a, 0x0b, 0x0c];
        const [f0, f1, f2] = o.firmware ?? [2, 1, 0];
        const s = o.serial ?? 0x01020304;
        return {
          code: REPLY.PDID,
          data: Uint8Array.of(
            v0,
            v1,
            v2,
            o.model ?? 1,
            1,
            s & 0xff,
            (s >> 8) & 0xff,
            (s >> 16) & 0xff,
            s >>> 24,
            f0,
            f1,
            f2,
          ),
        };
      }
      case CMD.CAP: // contact status, outputs, card format, LEDs, buzzer, CRC, secure channel
        return {
          code: REPLY.PDCAP,
          data: Uint8Array.of(1, 1, 2, 2, 1, 1, 3, 1, 0, 4, 1, 1, 5, 1, 1, 8, 1, 0, 9, 1, 1),
        };
      case CMD.LSTAT:
        return this.localStatus();
      case CMD.ISTAT:
        return { code: REPLY.ISTATR, data: Uint8Array.from(this.inputStates) };
      case CMD.LED:
        if (d.length < 14) return NAK(2);
        this.outputs.led = { reader: d[0]!, colour: d[5]!, onTime: d[3]!, timer: d[7]! | (d[8]! << 8) };
        return { code: REPLY.ACK, data: new Uint8Array(0) };
      case CMD.BUZ:
        if (d.length < 5) return NAK(2);
        this.outputs.buzzer = { reader: d[0]!, tone: d[1]!, count: d[4]! };
        return { code: REPLY.ACK, data: new Uint8Array(0) };
      case CMD.OUT:
        if (d.length < 4 || d.length % 4) return NAK(2);
        for (let i = 0; i < d.length; i += 4)
          this.outputs.outputs.push({
            output: d[i]!,
            controlCode: d[i + 1]!,
            timer: d[i + 2]! | (d[i + 3]! << 8),
          });
        return { code: REPLY.ACK, data: new Uint8Array(0) };
      case CMD.KEYSET:
        if (!this.session) return NAK(6); // a key only travels inside a secure channel
        if (d.length < 18 || d[0] !== 1 || d[1] !== 16) return NAK(9);
        this.scbk = d.slice(2, 18);
        this.log.push('new key set');
        return { code: REPLY.ACK, data: new Uint8Array(0) };
      default:
        return NAK(3);
    }
  }

  private challenge(frame: OsdpFrame) {
    const keyFlag = frame.security!.data[0] ?? 1;
    // A PD with its own key refuses the install key, and one without a key has only SCBK-D.
    const key = keyFlag === 0 ? (this.scbk ? null : SCBK_D) : this.scbk;
    if (!key || frame.data.length < 8) return NAK(6);
    const rndA = frame.data.slice(0, 8);
    const rndB = Uint8Array.from(randomBytes(8));
    const keys = sessionKeys(key, rndA);
    this.handshake = { keys, rndA, rndB, keyFlag };
    const cuid = Uint8Array.of(0x0a, 0x0b, 0x0c, 0, 0, 0, 0, this.options.address);
    return {
      code: REPLY.CCRYPT,
      data: Uint8Array.from([...cuid, ...rndB, ...clientCryptogram(keys, rndA, rndB)]),
      security: { type: SCS.CCRYPT, data: Uint8Array.of(keyFlag) },
    };
  }

  private scrypt(frame: OsdpFrame) {
    const h = this.handshake;
    this.handshake = null;
    if (!h || !sameBytes(frame.data.subarray(0, 16), serverCryptogram(h.keys, h.rndA, h.rndB))) return NAK(6);
    const rmacI = initialRmac(h.keys, frame.data.subarray(0, 16));
    this.session = new SecureSession(h.keys, rmacI, 'pd');
    return { code: REPLY.RMAC_I, data: rmacI, security: { type: SCS.RMAC_I, data: Uint8Array.of(1) } };
  }

  private answer(
    frame: OsdpFrame,
    raw: Uint8Array,
    r: { code: number; data: Uint8Array; security?: { type: number; data: Uint8Array } },
    sealed: boolean,
  ): void {
    const address = this.options.address;
    let bytes =
      sealed && this.session
        ? this.session.seal({
            address,
            sequence: frame.sequence,
            code: r.code,
            data: r.data,
            ...(this.faults.clearStatusReplies && STATUS_REPLIES.has(r.code)
              ? { mislabel: true, clear: true }
              : { mislabel: this.faults.mislabelReplies }),
          })
        : encodeOsdp({
            address,
            reply: true,
            sequence: frame.sequence,
            code: r.code,
            data: r.data,
            security: r.security ?? null,
          });
    if (sealed && this.faults.corruptMacNext) {
      this.faults.corruptMacNext = false;
      // A byte of the MAC flipped and the CRC made good again: only the MAC check can notice.
      bytes = bytes.slice();
      bytes[bytes.length - 3]! ^= 0xff;
      const crc = crc16Aug(bytes, 0, bytes.length - 2);
      bytes[bytes.length - 2] = crc & 0xff;
      bytes[bytes.length - 1] = crc >> 8;
    }
    this.lastCommand = raw;
    this.lastReply = bytes;
    this.watch?.('reply', r.code);
    this.send(bytes);
  }

  private send(bytes: Uint8Array): void {
    if (this.faults.replyDelayMs > 0) setTimeout(() => this.write(bytes), this.faults.replyDelayMs).unref();
    else this.write(bytes);
  }
}
