/**
 * Time is a port: state machines and time-outs read it from here so tests can
 * step time instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time (UTC). May jump when the system clock is set. */
  now(): Date;
  /** Milliseconds from an arbitrary origin; never goes backwards. For durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

/** A clock that only moves when told to. Used by tests and simulations. */
export class ManualClock implements Clock {
  private wallMs: number;
  private mono = 0;
  constructor(start: Date | string = '2026-01-05T08:00:00.000Z') {
    this.wallMs = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.wallMs);
  }
  monotonicMs(): number {
    return this.mono;
  }
  advance(ms: number): void {
    this.wallMs += ms;
    this.mono += ms;
  }
  set(date: Date | string): void {
    this.wallMs = new Date(date).getTime();
  }
}
