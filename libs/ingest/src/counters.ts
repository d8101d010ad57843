import type { Log } from '@gatehouse/contracts';

/** Every reason a listener refuses input, each counted for metrics and tests. */
export type IngestRejection =
  | 'source-not-allowed'
  | 'rate-limited'
  | 'too-many-connections'
  | 'oversize'
  | 'bad-octet-count'
  | 'truncated'
  | 'not-syslog'
  | 'bad-priority'
  | 'bad-timestamp'
  | 'bad-structured-data'
  | 'invalid-utf8'
  | 'idle-timeout'
  | 'tls-handshake'
  | 'beats-bad-version'
  | 'beats-unknown-frame'
  | 'beats-bad-length'
  | 'beats-bad-zlib'
  | 'beats-bad-json'
  | 'beats-unexpected-frame';

/** Counters for one listener, plus a log that says each kind of rejection at most once a minute per source. */
export class IngestCounters {
  accepted = 0;
  private readonly rejections = new Map<IngestRejection, number>();
  private readonly lastLogged = new Map<string, number>();

  constructor(
    readonly listener: string,
    private readonly log: Log | undefined,
    private readonly nowMs: () => number = Date.now,
    private readonly logEveryMs = 60_000,
  ) {}

  reject(reason: IngestRejection, source: string | undefined): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    const key = `${reason}|${source ?? ''}`;
    const now = this.nowMs();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < this.logEveryMs) return;
    // Bounded: a spray of spoofed UDP sources must not grow this map without end.
    if (this.lastLogged.size >= 1024) this.lastLogged.clear();
    this.lastLogged.set(key, now);
    this.log?.('warn', 'ingest input rejected', {
      listener: this.listener,
      reason,
      source,
      total: this.rejections.get(reason),
    });
  }

  rejected(reason: IngestRejection): number {
    return this.rejections.get(reason) ?? 0;
  }

  snapshot(): { listener: string; accepted: number; rejected: Partial<Record<IngestRejection, number>> } {
    return {
      listener: this.listener,
      accepted: this.accepted,
      rejected: Object.fromEntries(this.rejections),
    };
  }
}
