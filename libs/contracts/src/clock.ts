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
   * Calls `fn` once, when `ms` of monotonic time have passed; returns what
   * cancels it. A `background` timer (a periodic check) does not keep the
   * process alive; one that something waits for does.
   */
  after(ms: number, fn: () => void, background?: boolean): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  after: (ms, fn, background = false) => {
    const timer = setTimeout(fn, Math.max(0, ms));
    if (background) timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A clock that only moves when told to. Used by tests and simulations. */
export class ManualClock implements Clock {
  private wallMs: number;
  private mono = 0;
  private timers: { due: number; order: number; fn: () => void }[] = [];
  private order = 0;
  constructor(start: Date | string = '2026-01-05T08:00:00.000Z') {
    this.wallMs = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.wallMs);
  }
  monotonicMs(): number {
    return this.mono;
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { due: this.mono + Math.max(0, ms), order: this.order++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** Moves time on, firing each timer that falls due on the way at its own time, in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    // Bounded: a timer that keeps re-arming itself at zero delay is a bug to report, not to spin on.
    for (let fired = 0; ; fired++) {
      if (fired > 1_000_000) throw new Error('ManualClock: timers keep re-arming without time passing');
      const next = this.timers
        .filter((t) => t.due <= target)
        .sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.step(next.due - this.mono);
      next.fn();
    }
    this.step(target - this.mono);
  }
  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.length;
  }
  set(date: Date | string): void {
    this.wallMs = new Date(date).getTime();
  }
  private step(ms: number): void {
    this.wallMs += ms;
    this.mono += ms;
  }
}
