/**
 * The bridge's serial framing (firmware-bridge/PROTOCOL.md): a pure codec.
 * `decodeFrame` never throws on line noise; it says what to do with the bytes.
 */
export const SOF = 0x7e;
export const MAX_PAYLOAD = 64;

export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

export type Decoded =
  | { kind: 'frame'; frame: Frame; used: number }
  | { kind: 'wait' }
  | { kind: 'skip'; used: number }
  | { kind: 'bad'; reason: string; used: number };

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR. */
export const crc16 = (bytes: Uint8Array, from = 0, to = bytes.length): number => {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
};

export const encodeFrame = (f: Frame): Uint8Array => {
  if (f.payload.length > MAX_PAYLOAD) throw new RangeError(`payload over ${MAX_PAYLOAD} bytes`);
  const out = new Uint8Array(f.payload.length + 6);
  out[0] = SOF;
  out[1] = f.payload.length + 2;
  out[2] = f.type & 0xff;
  out[3] = f.seq & 0xff;
  out.set(f.payload, 4);
  const crc = crc16(out, 1, 4 + f.payload.length);
  out[4 + f.payload.length] = crc >> 8;
  out[5 + f.payload.length] = crc & 0xff;
  return out;
};

/** Looks at the start of `buf`: a whole frame, a need for more bytes, or bytes to drop (and why). */
export const decodeFrame = (buf: Uint8Array): Decoded => {
  if (buf.length === 0) return { kind: 'wait' };
  if (buf[0] !== SOF) {
    const next = buf.indexOf(SOF, 1);
    return { kind: 'skip', used: next < 0 ? buf.length : next };
  }
  if (buf.length < 2) return { kind: 'wait' };
  const len = buf[1]!;
  if (len < 2 || len > MAX_PAYLOAD + 2) return { kind: 'bad', reason: `length ${len} out of range`, used: 1 };
  const total = len + 4;
  if (buf.length < total) return { kind: 'wait' };
  const crc = (buf[total - 2]! << 8) | buf[total - 1]!;
  if (crc !== crc16(buf, 1, total - 2)) return { kind: 'bad', reason: 'CRC mismatch', used: 1 };
  return {
    kind: 'frame',
    frame: { type: buf[2]!, seq: buf[3]!, payload: buf.slice(4, total - 2) },
    used: total,
  };
};

/** A frame's bytes come back to back: a partial frame silent this long was noise (PROTOCOL.md). */
export const FRAME_GAP_MS = 20;

/**
 * Accumulates chunks as they come off a serial port and yields whole frames.
 * Dropped bytes are counted by reason; the buffer is bounded. Given the time,
 * it also drops a partial frame that stopped arriving: without stuffing, a
 * stray start byte and a large length would hold the frames behind it.
 */
export class FrameReader {
  private buf = new Uint8Array(0);
  private lastByteAt = -Infinity;
  readonly dropped = { skipped: 0, bad: 0 };
  lastError: string | null = null;

  push(chunk: Uint8Array, nowMs?: number): Frame[] {
    const frames = nowMs === undefined ? [] : this.flushStale(nowMs);
    if (nowMs !== undefined) this.lastByteAt = nowMs;
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    frames.push(...this.scan());
    return frames;
  }

  /** After the gap, what is held is rescanned without its first byte until nothing partial is left. */
  flushStale(nowMs: number): Frame[] {
    const frames: Frame[] = [];
    while (this.buf.length > 0 && nowMs - this.lastByteAt >= FRAME_GAP_MS) {
      this.dropped.bad += 1;
      this.lastError = `partial frame abandoned after ${FRAME_GAP_MS} ms`;
      this.buf = this.buf.subarray(1);
      frames.push(...this.scan());
    }
    return frames;
  }

  private scan(): Frame[] {
    let view = this.buf;
    const frames: Frame[] = [];
    for (;;) {
      const d = decodeFrame(view);
      if (d.kind === 'wait') break;
      if (d.kind === 'frame') frames.push(d.frame);
      else if (d.kind === 'skip') this.dropped.skipped += d.used;
      else {
        this.dropped.bad += 1;
        this.lastError = d.reason;
      }
      view = view.subarray(d.used);
    }
    this.buf = view.slice();
    return frames;
  }
}
