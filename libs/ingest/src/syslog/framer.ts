/** What the framer found in the bytes of one TCP/TLS stream. */
export type FramerOutput =
  | { frame: Buffer }
  | { rejected: 'oversize' | 'bad-octet-count' }
  /** The stream cannot be resynchronised (a broken octet count): close it. */
  | { fatal: 'bad-octet-count' };

const LF = 0x0a;
const SP = 0x20;
/** "2147483647 " is the longest count worth reading; more digits are not a length. */
const MAX_COUNT_DIGITS = 10;

/**
 * RFC 6587 framing of one stream: octet-counting (`LEN SP MSG`) or
 * non-transparent (newline) framing, chosen per frame by its first byte the
 * way rsyslog does, so a sender may switch. Holds at most `maxFrameBytes`
 * (plus one read) per stream: a longer frame is dropped, counted, and skipped.
 */
export class SyslogFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a rejected octet-counted frame still to throw away. */
  private skipBytes = 0;
  /** Throwing away a too-long newline frame until its LF. */
  private skipLine = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for an unfinished frame: what a stream closed mid-frame truncated. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /**
   * The stream ended. A newline-framed message without its final LF is still a
   * message (senders close right after the last one); anything else left over
   * was cut off.
   */
  finish(): { frame: Buffer } | { truncated: number } | null {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (rest.length === 0 || this.skipBytes > 0 || this.skipLine) return null;
    if (rest[0] === 0x3c) return { frame: rest };
    return { truncated: rest.length };
  }

  push(chunk: Buffer): FramerOutput[] {
    const out: FramerOutput[] = [];
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    // Each turn consumes at least one byte or stops, so the loop ends.
    while (data.length > 0) {
      if (this.skipBytes > 0) {
        const skipped = Math.min(this.skipBytes, data.length);
        this.skipBytes -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      if (this.skipLine) {
        const lf = data.indexOf(LF);
        if (lf < 0) return out;
        this.skipLine = false;
        data = data.subarray(lf + 1);
        continue;
      }
      const first = data[0]!;
      if (first >= 0x30 && first <= 0x39) {
        const step = this.octetCounted(data, out);
        if (step === 'need-more') break;
        if (step === 'fatal') return out;
        data = data.subarray(step);
      } else if (first === LF || first === 0x0d || first === 0) {
        // Stray line ends between frames (some senders end octet-counted frames with LF too).
        data = data.subarray(1);
      } else {
        const lf = data.indexOf(LF);
        if (lf < 0) {
          if (data.length > this.maxFrameBytes) {
            out.push({ rejected: 'oversize' });
            this.skipLine = true;
            return out;
          }
          break;
        }
        if (lf > this.maxFrameBytes) out.push({ rejected: 'oversize' });
        else out.push({ frame: data.subarray(0, data[lf - 1] === 0x0d ? lf - 1 : lf) });
        data = data.subarray(lf + 1);
      }
    }
    // Copy: the rest may be a view into a large read we should not pin.
    this.pending = Buffer.from(data);
    return out;
  }

  /** Returns bytes consumed, 'need-more', or 'fatal' (after pushing the reason). */
  private octetCounted(data: Buffer, out: FramerOutput[]): number | 'need-more' | 'fatal' {
    let digits = 0;
    while (digits < data.length && data[digits]! >= 0x30 && data[digits]! <= 0x39) digits++;
    if (digits > MAX_COUNT_DIGITS || (digits === data.length && digits === MAX_COUNT_DIGITS)) {
      out.push({ fatal: 'bad-octet-count' });
      return 'fatal';
    }
    if (digits === data.length) return 'need-more';
    if (data[digits] !== SP || data[0] === 0x30) {
      out.push({ fatal: 'bad-octet-count' });
      return 'fatal';
    }
    const length = Number(data.toString('latin1', 0, digits));
    const start = digits + 1;
    if (length > this.maxFrameBytes) {
      out.push({ rejected: 'oversize' });
      const available = data.length - start;
      this.skipBytes = length - Math.min(length, available);
      return start + Math.min(length, available);
    }
    if (data.length - start < length) return 'need-more';
    out.push({ frame: data.subarray(start, start + length) });
    return start + length;
  }
}
