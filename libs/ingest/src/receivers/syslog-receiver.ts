import type { Log } from '@gatehouse/contracts';
import type { IngestCounters } from '../counters';
import { SourceAllowList } from '../guard/allow-list';
import { PerSourceRateLimiter } from '../guard/rate-limiter';
import type { SyslogMessage } from '../syslog/message';
import { parseSyslogText } from '../syslog/parse';
import { decodeUtf8 } from '../syslog/utf8';
import type { ListenerOptions } from './options';

/** A parsed syslog message with where it came from and the bytes it came as. */
export interface ReceivedSyslog {
  listener: string;
  transport: 'udp' | 'tcp' | 'tls';
  /** Peer address as the socket saw it. */
  source: string;
  receivedAt: string;
  message: SyslogMessage;
  /** The frame as received (UTF-8), kept with every event parsed from it. */
  raw: string;
}

export interface SyslogListenerOptions extends ListenerOptions {
  transport: 'udp' | 'tcp' | 'tls';
  /** IANA zone assumed for RFC 3164 times, recorded on each message that needed it. */
  zone: string;
  /** Called for each parsed message; a throw is logged, never fatal. */
  onMessage: (received: ReceivedSyslog) => void;
}

/** The part every syslog transport shares: guard, parse, hand over. */
export class SyslogIntake {
  readonly allowList: SourceAllowList;
  private readonly limiter: PerSourceRateLimiter;

  constructor(
    private readonly options: SyslogListenerOptions,
    readonly counters: IngestCounters,
  ) {
    this.allowList = new SourceAllowList(options.allow);
    this.limiter = new PerSourceRateLimiter(options.rate, () => options.clock.monotonicMs());
  }

  /** One frame or datagram from `source`. */
  frame(bytes: Buffer, source: string): void {
    if (!this.limiter.take(source)) {
      this.counters.reject('rate-limited', source);
      return;
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      this.counters.reject('invalid-utf8', source);
      return;
    }
    const now = this.options.clock.now();
    const parsed = parseSyslogText(text, { now, zone: this.options.zone });
    if (!parsed.ok) {
      this.counters.reject(parsed.reason, source);
      return;
    }
    this.counters.accepted += 1;
    deliver(this.options.log, this.options.name, () =>
      this.options.onMessage({
        listener: this.options.name,
        transport: this.options.transport,
        source,
        receivedAt: now.toISOString(),
        message: parsed.message,
        raw: text,
      }),
    );
  }
}

/** Runs a consumer callback so its failure is logged and the listener goes on. */
export const deliver = (log: Log | undefined, listener: string, call: () => void): void => {
  try {
    call();
  } catch (error: unknown) {
    log?.('error', 'ingest consumer failed', {
      listener,
      error: error instanceof Error ? error.message : String(error),
    });
  }
};
