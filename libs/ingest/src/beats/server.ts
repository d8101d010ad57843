import { IngestCounters } from '../counters';
import { SourceAllowList } from '../guard/allow-list';
import { PerSourceRateLimiter } from '../guard/rate-limiter';
import { deliver } from '../receivers/syslog-receiver';
import { DEFAULT_MAX_FRAME_BYTES, type IngestListener, type ListenerOptions } from '../receivers/options';
import { startStreamServer } from '../receivers/stream-server';
import { BeatsDecoder } from './decoder';
import { ackFrame } from './frames';

/** One event from a Beat (Winlogbeat, Filebeat), with the JSON it came as. */
export interface ReceivedBeatsEvent {
  listener: string;
  transport: 'beats' | 'beats-tls';
  source: string;
  receivedAt: string;
  sequence: number;
  value: unknown;
  raw: string;
}

export interface BeatsListenerOptions extends ListenerOptions {
  /** With `tls` set, the listener speaks TLS (Winlogbeat's `ssl.*` settings). */
  secure: boolean;
  /** Called for each event before its window is acknowledged; a throw is logged, never fatal. */
  onEvent: (event: ReceivedBeatsEvent) => void;
}

/**
 * A Beats (Lumberjack v2) listener, as Logstash's beats input: events are
 * acknowledged once a whole window arrived and was handed over, so a Beat
 * resends whatever we never acknowledged. A flooding source is rate limited
 * per event: its events are dropped and counted but still acknowledged,
 * because an unacknowledged window would only make the Beat resend it.
 */
export const startBeatsListener = async (options: BeatsListenerOptions): Promise<IngestListener> => {
  const counters = new IngestCounters(options.name, options.log);
  const allowList = new SourceAllowList(options.allow);
  const limiter = new PerSourceRateLimiter(options.rate, () => options.clock.monotonicMs());
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const transport = options.secure ? 'beats-tls' : 'beats';
  return startStreamServer(options, options.secure, counters, allowList, (socket, source) => {
    const decoder = new BeatsDecoder(maxFrameBytes);
    return {
      data(chunk) {
        const out = decoder.push(chunk);
        const receivedAt = options.clock.now().toISOString();
        for (const event of out.events) {
          if (!limiter.take(source)) {
            counters.reject('rate-limited', source);
            continue;
          }
          counters.accepted += 1;
          deliver(options.log, options.name, () =>
            options.onEvent({ listener: options.name, transport, source, receivedAt, ...event }),
          );
        }
        for (let i = 0; i < out.badEvents; i++) counters.reject('beats-bad-json', source);
        for (const sequence of out.acks) socket.write(ackFrame(sequence));
        if (out.fault) {
          counters.reject(out.fault, source);
          socket.destroy();
        }
      },
      end() {
        if (decoder.pendingBytes > 0 || decoder.windowOpen) counters.reject('truncated', source);
      },
    };
  });
};
