/** What a token bucket says about one request. */
export type Admission =
  | { admitted: true }
  /** Refused; `burstStarted` is true for the first refusal after a request passed (one entry per burst). */
  | { admitted: false; retryAfterMs: number; burstStarted: boolean };

interface Bucket {
  tokens: number;
  at: number;
  refusing: boolean;
}

/**
 * A token bucket per key (a workstation token): `burst` questions at once,
 * refilled at `perSecond`. A stolen or looping token is held to that rate
 * (no flood of the gateway, no fast enumeration of accounts) while every
 * other token keeps its own bucket. Bounded in memory: the keys are
 * authenticated tokens, and past `max` the least recently used is dropped
 * (it comes back full, which only a token that stopped asking gets).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly max = 10_000,
  ) {}

  take(key: string, now: number): Admission {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now, refusing: false };
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.max) this.buckets.delete(this.buckets.keys().next().value!);
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) * this.perSecond) / 1000);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.refusing = false;
      return { admitted: true };
    }
    const burstStarted = !b.refusing;
    b.refusing = true;
    return {
      admitted: false,
      retryAfterMs: Math.ceil(((1 - b.tokens) * 1000) / this.perSecond),
      burstStarted,
    };
  }
}
