/**
 * Time is a port: state machines and time-outs read it from here so tests can
 * step time instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time (UTC). May jump when the system clock is set. */
  now(): Date;
  /** Milliseconds from an arbitrary origin; never goes backwards. For durations. */
  monotonicMs(): number;
  /**
   * Runs `fn` once after `ms` (never keeping the process alive for it); returns
   * a function that cancels it. Timers go through the clock so a test's clock
   * fires them when it is stepped.
   */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told to. Used by tests and simulations. */
export class ManualClock implements Clock {
  private wallMs: number;
  private mono = 0;
  private timers: { due: number; order: number; fn: () => void }[] = [];
  private made = 0;
  constructor(start: Date | string = '2026-01-05T08:00:00.000Z') {
    this.wallMs = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.wallMs);
  }
  monotonicMs(): number {
    return this.mono;
  }
  setTimer(ms: number, fn: () => void): () => void {
    const timer = { due: this.mono + Math.max(0, ms), order: this.made++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves time on, firing each timer due on the way at its own time, in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => t.due <= end)
        .sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.wallMs += next.due - this.mono;
      this.mono = Math.max(this.mono, next.due);
      next.fn();
    }
    this.wallMs += end - this.mono;
    this.mono = end;
  }
  set(date: Date | string): void {
    this.wallMs = new Date(date).getTime();
  }
}
