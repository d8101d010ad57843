/**
 * Time is a port: state machines and time-outs read it from here so tests can
 * step time instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time (UTC). May jump when the system clock is set. */
  now(): Date;
  /** Milliseconds from an arbitrary origin; never goes backwards. For durations. */
  monotonicMs(): number;
  /** Runs `fn` once after `ms` of this clock's time; returns a cancel. Never keeps the process alive. */
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
  private timers: { due: number; fn: () => void; id: number }[] = [];
  private nextTimerId = 0;
  constructor(start: Date | string = '2026-01-05T08:00:00.000Z') {
    this.wallMs = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.wallMs);
  }
  monotonicMs(): number {
    return this.mono;
  }
  /** Moves time on, firing the timers that fall due on the way, in order of due time. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.wallMs += next.due - this.mono;
      this.mono = next.due;
      this.timers = this.timers.filter((t) => t !== next);
      next.fn();
    }
    this.wallMs += end - this.mono;
    this.mono = end;
  }
  setTimer(ms: number, fn: () => void): () => void {
    const timer = { due: this.mono + Math.max(0, ms), fn, id: this.nextTimerId++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }
  set(date: Date | string): void {
    this.wallMs = new Date(date).getTime();
  }
}
