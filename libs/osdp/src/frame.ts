/**
 * OSDP v2.2 framing (INTEROP.md section 1), pure: bytes in, a frame or a verdict
 * out. No exceptions on line noise: `wait` for more bytes, `skip` garbage, `bad`
 * with a reason and how many bytes to drop.
 */
export const SOM = 0x53;
export const MARK = 0xff;
export const BROADCAST = 0x7f;
/** Longest frame accepted; a larger LEN is noise, not a frame. */
export const MAX_FRAME = 1024;

export interface OsdpFrame {
  /** Address without the reply bit. */
  address: number;
  /** Set on replies (PD to CP): address | 0x80 on the wire. */
  reply: boolean;
  sequence: number;
  /** Whether the frame ended in a CRC (true) or an 8-bit checksum. */
  crc: boolean;
  /** Security block (type and data) when CTRL bit 3 is set. */
  security: { type: number; data: Uint8Array } | null;
  code: number;
  data: Uint8Array;
  /** The 4-byte MAC of secure messages (security types 0x15-0x18). */
  mac: Uint8Array | null;
}

export type OsdpDecoded =
  | { kind: 'frame'; frame: OsdpFrame; used: number; raw: Uint8Array }
  | { kind: 'wait' }
  | { kind: 'skip'; used: number }
  | { kind: 'bad'; reason: string; used: number };

/** CRC-16/AUG-CCITT: poly 0x1021, init 0x1D0F, not reflected; sent little-endian. */
export const crc16Aug = (bytes: Uint8Array, from = 0, to = bytes.length): number => {
  let crc = 0x1d0f;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
};

/** Two's complement of the 8-bit sum. */
export const checksum = (bytes: Uint8Array, from = 0, to = bytes.length): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
};

const MAC_TYPES = new Set([0x15, 0x16, 0x17, 0x18]);

export interface EncodeOptions {
  address: number;
  reply?: boolean;
  sequence: number;
  crc?: boolean;
  security?: { type: number; data: Uint8Array } | null;
  code: number;
  data?: Uint8Array;
  mac?: Uint8Array | null;
  mark?: boolean;
}

export const encodeOsdp = (o: EncodeOptions): Uint8Array => {
  const data = o.data ?? new Uint8Array(0);
  const crc = o.crc ?? true;
  const scb = o.security ? [o.security.data.length + 2, o.security.type, ...o.security.data] : [];
  const mac = o.mac ? [...o.mac.subarray(0, 4)] : [];
  const length = 5 + scb.length + 1 + data.length + mac.length + (crc ? 2 : 1);
  const ctrl = (o.sequence & 3) | (crc ? 0x04 : 0) | (o.security ? 0x08 : 0);
  const body = [
    SOM,
    (o.address & 0x7f) | (o.reply ? 0x80 : 0),
    length & 0xff,
    length >> 8,
    ctrl,
    ...scb,
    o.code,
    ...data,
    ...mac,
  ];
  const bytes = Uint8Array.from(body);
  const c = crc16Aug(bytes);
  const check = crc ? [c & 0xff, c >> 8] : [checksum(bytes)];
  return Uint8Array.from([...(o.mark ? [MARK] : []), ...body, ...check]);
};

export const decodeOsdp = (buf: Uint8Array): OsdpDecoded => {
  if (buf.length === 0) return { kind: 'wait' };
  if (buf[0] !== SOM) {
    // The mark byte and anything else before SOM is dropped.
    const next = buf.indexOf(SOM, 1);
    return { kind: 'skip', used: next < 0 ? buf.length : next };
  }
  if (buf.length < 5) return { kind: 'wait' };
  const length = buf[2]! | (buf[3]! << 8);
  const ctrl = buf[4]!;
  const crc = (ctrl & 0x04) !== 0;
  const hasScb = (ctrl & 0x08) !== 0;
  const minimum = 6 + (crc ? 2 : 1) + (hasScb ? 2 : 0);
  if (length < minimum || length > MAX_FRAME)
    return { kind: 'bad', reason: `length ${length} out of range`, used: 1 };
  if (buf.length < length) return { kind: 'wait' };
  const frameBytes = buf.subarray(0, length);
  const checkAt = length - (crc ? 2 : 1);
  if (crc) {
    const got = frameBytes[checkAt]! | (frameBytes[checkAt + 1]! << 8);
    if (got !== crc16Aug(frameBytes, 0, checkAt)) return { kind: 'bad', reason: 'CRC mismatch', used: 1 };
  } else if (frameBytes[checkAt] !== checksum(frameBytes, 0, checkAt)) {
    return { kind: 'bad', reason: 'checksum mismatch', used: 1 };
  }
  let at = 5;
  let security: OsdpFrame['security'] = null;
  if (hasScb) {
    const scbLength = frameBytes[5]!;
    if (scbLength < 2 || 5 + scbLength >= checkAt)
      return { kind: 'bad', reason: `security block length ${scbLength} does not fit`, used: length };
    security = { type: frameBytes[6]!, data: frameBytes.slice(7, 5 + scbLength) };
    at = 5 + scbLength;
  }
  const macLength = security && MAC_TYPES.has(security.type) ? 4 : 0;
  const dataEnd = checkAt - macLength;
  if (at >= dataEnd) return { kind: 'bad', reason: 'no room for the command code', used: length };
  return {
    kind: 'frame',
    used: length,
    raw: frameBytes.slice(),
    frame: {
      address: frameBytes[1]! & 0x7f,
      reply: (frameBytes[1]! & 0x80) !== 0,
      sequence: ctrl & 0x03,
      crc,
      security,
      code: frameBytes[at]!,
      data: frameBytes.slice(at + 1, dataEnd),
      mac: macLength ? frameBytes.slice(dataEnd, checkAt) : null,
    },
  };
};

/**
 * Accumulates chunks off a serial line and hands over whole frames, in order,
 * with what was dropped and why. Bounded: a partial frame never needs more
 * than MAX_FRAME bytes. Both ends use it (the CP and the simulated PD).
 */
export class OsdpReader {
  private buffer = new Uint8Array(0);

  push(
    chunk: Uint8Array,
    on: {
      frame(frame: OsdpFrame, raw: Uint8Array): void;
      skipped?(bytes: number): void;
      bad?(reason: string, held: Uint8Array): void;
    },
  ): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    let view = joined;
    for (;;) {
      const d = decodeOsdp(view);
      if (d.kind === 'wait') break;
      if (d.kind === 'skip') on.skipped?.(d.used);
      else if (d.kind === 'bad') on.bad?.(d.reason, view.subarray(0, Math.min(view.length, 64)));
      else on.frame(d.frame, d.raw);
      view = view.subarray(d.used);
    }
    this.buffer = view.slice(Math.max(0, view.length - MAX_FRAME));
  }

  /** Forgets a partial frame (the half-duplex master asks again, the port reopened). */
  clear(): void {
    this.buffer = new Uint8Array(0);
  }
}
