import type { Clock } from './clock';
import { GatehouseBus } from './events';
import type { Log } from './log';
import type { DeadLetter } from './sensors';

export interface DeadLetterBounds {
  /** Letters per device and window kept whole, raw bytes included. */
  keep: number;
  /** The window; what is over `keep` in it is counted and summarised once at its end. */
  windowMs: number;
}

/**
 * Bounds the dead letters of each device (a serial port, an MQTT sensor, an
 * event handler): the first `keep` of a window pass whole with their raw bytes,
 * the rest are only counted, and one summary letter (the count, the last
 * reason and the last raw bytes) follows when the window ends. A device that
 * sends thousands of bad messages a second costs a handful of journal entries,
 * and nothing it sent goes uncounted.
 */
export class DeadLetterLimiter {
  private readonly buckets = new Map<
    string,
    {
      windowEnd: number;
      passed: number;
      suppressed: number;
      last: DeadLetter | null;
      cancel: (() => void) | null;
    }
  >();
  private suppressedTotal = 0;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (letter: DeadLetter) => void,
    private readonly bounds: DeadLetterBounds = { keep: 5, windowMs: 60_000 },
  ) {}

  /** Letters counted into a summary instead of passing whole, since start. */
  get suppressed(): number {
    return this.suppressedTotal;
  }

  offer(device: string, letter: DeadLetter): void {
    const now = this.clock.monotonicMs();
    let b = this.buckets.get(device);
    if (b && now >= b.windowEnd) {
      this.flush(device);
      b = undefined;
    }
    if (!b) {
      b = { windowEnd: now + this.bounds.windowMs, passed: 0, suppressed: 0, last: null, cancel: null };
      this.buckets.set(device, b);
    }
    if (b.passed < this.bounds.keep) {
      b.passed += 1;
      this.emit(letter);
      return;
    }
    b.suppressed += 1;
    this.suppressedTotal += 1;
    b.last = letter;
    b.cancel ??= this.clock.after(b.windowEnd - now, () => this.flush(device), true);
  }

  /** Emits every pending summary now (at shutdown). */
  flushAll(): void {
    for (const device of [...this.buckets.keys()]) this.flush(device);
  }

  private flush(device: string): void {
    const b = this.buckets.get(device);
    if (!b) return;
    this.buckets.delete(device);
    b.cancel?.();
    if (b.suppressed === 0 || !b.last) return;
    const seconds = Math.round(this.bounds.windowMs / 1000);
    this.emit({
      ...b.last,
      reason: `${b.suppressed} more refused from ${device} in ${seconds} s beyond the first ${this.bounds.keep}; the last: ${b.last.reason}`,
      suppressed: b.suppressed,
    });
  }
}

/** JSON of anything, even what JSON cannot hold (a cycle, a BigInt): for the record of a failure. */
const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/**
 * An event handler that threw, as a dead letter naming the handler and keeping
 * (the start of) what it was handling: a failure is never a silent drop.
 */
export const handlerFailure = (
  event: string,
  owner: string,
  error: unknown,
  payload: unknown,
  at: number,
): DeadLetter => {
  const json = Buffer.from(safeJson(payload));
  return {
    source: 'event-bus',
    origin: `${event}/${owner}`,
    reason: `handler ${owner} of ${event} failed: ${error instanceof Error ? error.message : String(error)}`,
    raw: json.subarray(0, 1024).toString('base64'),
    bytes: json.length,
    at,
  };
};

/**
 * The process's bus, whose failures are never silent: a listener that throws
 * or rejects (or work it tracks) is logged, and becomes a dead letter naming
 * it, bounded per handler like a device's. A failure of the dead letters' own
 * listeners is only logged: sending it round again would never end.
 */
export const deadLetteringBus = (clock: Clock, log: Log): GatehouseBus => {
  let handlerFailures: DeadLetterLimiter | null = null;
  const bus = new GatehouseBus((event, owner, error, payload) => {
    log('error', 'event subscriber failed', { err: error, event, owner });
    if (event === 'device.dead-letter') return;
    handlerFailures?.offer(
      `${event}/${owner}`,
      handlerFailure(event, owner, error, payload, clock.now().getTime()),
    );
  });
  handlerFailures = new DeadLetterLimiter(clock, (d) => bus.emit('device.dead-letter', d));
  return bus;
};
