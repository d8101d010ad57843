/** One chunk as it crossed the wire. */
export interface CaptureRecord {
  /** Wall-clock time (epoch ms). */
  at: number;
  direction: 'rx' | 'tx' | 'event';
  /** Hex of the bytes, or the event's text (port opened, closed, error). */
  data: string;
}

/**
 * The last bytes a port saw in both directions, for field debugging: bounded
 * by record count and by bytes, oldest dropped first, so a chattering line
 * cannot grow the gateway's memory.
 */
export class CaptureRing {
  private records: CaptureRecord[] = [];
  private start = 0;
  private bytes = 0;

  constructor(
    private readonly maxRecords = 4096,
    private readonly maxBytes = 512 * 1024,
  ) {}

  add(direction: CaptureRecord['direction'], data: Uint8Array | string, at = Date.now()): void {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('hex');
    this.records.push({ at, direction, data: text });
    this.bytes += text.length;
    while (this.records.length - this.start > this.maxRecords || this.bytes > this.maxBytes) {
      this.bytes -= this.records[this.start]!.data.length;
      this.start++;
    }
    // Compact now and then instead of shifting on every record.
    if (this.start > 1024) {
      this.records = this.records.slice(this.start);
      this.start = 0;
    }
  }

  list(): CaptureRecord[] {
    return this.records.slice(this.start);
  }

  get size(): number {
    return this.records.length - this.start;
  }

  /** One line per record: ISO time, direction, hex, as a field engineer reads it. */
  toText(): string {
    return this.list()
      .map((r) => `${new Date(r.at).toISOString()} ${r.direction.padEnd(5)} ${r.data}`)
      .join('\n');
  }
}
