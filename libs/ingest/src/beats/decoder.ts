import { inflateSync } from 'node:zlib';
import { decodeUtf8 } from '../syslog/utf8';
import { LJ_COMPRESSED, LJ_JSON, LJ_VERSION, LJ_WINDOW } from './frames';

export interface BeatsEvent {
  sequence: number;
  /** The JSON text as sent, kept with what is parsed from it. */
  raw: string;
  value: unknown;
}

export type BeatsFault =
  | 'beats-bad-version'
  | 'beats-unknown-frame'
  | 'beats-bad-length'
  | 'beats-bad-zlib'
  | 'beats-unexpected-frame';

export interface BeatsOutput {
  events: BeatsEvent[];
  /** Events whose payload was not JSON (or not UTF-8): counted, still acknowledged. */
  badEvents: number;
  /** Sequence numbers to acknowledge, in order (one per completed window). */
  acks: number[];
  /** The stream broke the protocol; the connection must close. */
  fault?: BeatsFault;
}

/**
 * One connection's Lumberjack v2 reader. Pure: bytes in, events and acks out.
 * Memory is bounded by `maxFrameBytes` for buffered input and for each
 * decompressed batch (a zlib bomb is refused, not inflated).
 */
export class BeatsDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private window = 0;
  private seen = 0;
  private lastSequence = 0;
  private broken = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes of a frame not yet complete; non-zero at close means it was cut off. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** True while a window is open and not every event of it has arrived. */
  get windowOpen(): boolean {
    return this.window > 0 && this.seen < this.window;
  }

  push(chunk: Buffer): BeatsOutput {
    const out: BeatsOutput = { events: [], badEvents: 0, acks: [] };
    if (this.broken) return out;
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const step = this.frame(data, at, out, false);
      if (step === 'need-more') break;
      if (typeof step === 'string') {
        out.fault = step;
        this.broken = true;
        this.pending = Buffer.alloc(0);
        return out;
      }
      at = step;
      if (at >= data.length) break;
    }
    data = data.subarray(at);
    this.pending = Buffer.from(data);
    return out;
  }

  /** Reads one frame at `at`; returns the next offset, 'need-more' or a fault. */
  private frame(
    data: Buffer,
    at: number,
    out: BeatsOutput,
    nested: boolean,
  ): number | 'need-more' | BeatsFault {
    if (data.length - at < 2) return 'need-more';
    if (data[at] !== LJ_VERSION) return 'beats-bad-version';
    const type = data[at + 1];
    if (type === LJ_WINDOW) {
      if (nested) return 'beats-unexpected-frame';
      if (data.length - at < 6) return 'need-more';
      // go-lumber's server reads a window of zero as an empty batch: nothing to wait for.
      this.window = data.readUInt32BE(at + 2);
      this.seen = 0;
      return at + 6;
    }
    if (type === LJ_JSON) {
      if (data.length - at < 10) return 'need-more';
      const sequence = data.readUInt32BE(at + 2);
      const length = data.readUInt32BE(at + 6);
      if (length > this.maxFrameBytes) return 'beats-bad-length';
      if (data.length - at - 10 < length) return nested ? 'beats-bad-length' : 'need-more';
      if (this.window === 0) return 'beats-unexpected-frame';
      this.event(sequence, data.subarray(at + 10, at + 10 + length), out);
      return at + 10 + length;
    }
    if (type === LJ_COMPRESSED) {
      // go-lumber would recurse; one level is all Beats send and keeps the work bounded.
      if (nested) return 'beats-unexpected-frame';
      if (data.length - at < 6) return 'need-more';
      const length = data.readUInt32BE(at + 2);
      if (length > this.maxFrameBytes) return 'beats-bad-length';
      if (data.length - at - 6 < length) return 'need-more';
      let inflated: Buffer;
      try {
        inflated = inflateSync(data.subarray(at + 6, at + 6 + length), {
          maxOutputLength: this.maxFrameBytes * 16,
        });
      } catch {
        return 'beats-bad-zlib';
      }
      let inner = 0;
      while (inner < inflated.length) {
        const step = this.frame(inflated, inner, out, true);
        if (step === 'need-more') return 'beats-bad-length';
        if (typeof step === 'string') return step;
        inner = step;
      }
      return at + 6 + length;
    }
    return 'beats-unknown-frame';
  }

  private event(sequence: number, payload: Buffer, out: BeatsOutput): void {
    const text = decodeUtf8(payload);
    let value: unknown;
    let good = text !== null;
    if (text !== null) {
      try {
        value = JSON.parse(text);
      } catch {
        good = false;
      }
    }
    if (good && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out.events.push({ sequence, raw: text!, value });
    } else {
      out.badEvents += 1;
    }
    this.lastSequence = sequence;
    this.seen += 1;
    if (this.seen >= this.window) {
      out.acks.push(this.lastSequence);
      this.window = 0;
      this.seen = 0;
    }
  }
}
