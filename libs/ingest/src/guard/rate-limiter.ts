/** A monotonic time source in milliseconds (Clock.monotonicMs from @gatehouse/contracts fits). */
export type MonotonicMs = () => number;

export interface RateLimit {
  /** Messages per second each source may send on average. */
  perSecond: number;
  /** Messages a source may send at once after a quiet spell. */
  burst: number;
  /** Sources tracked at once; the least recently seen is forgotten first. */
  maxSources: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per source address, so one flooding source is cut off while
 * the others go on. Memory is bounded by `maxSources`: a forgotten source
 * starts again with a full bucket, which errs towards accepting.
 */
export class PerSourceRateLimiter {
  // A Map keeps insertion order: re-inserting on use makes the first key the stalest.
  private readonly buckets = new Map<string, Bucket>();
  private lastSource: string | null = null;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: MonotonicMs,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1) || !(limit.maxSources >= 1)) {
      throw new Error('rate limit needs perSecond > 0, burst >= 1 and maxSources >= 1');
    }
  }

  /** Takes one token for `source`; false when its bucket is empty. */
  take(source: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(source) ?? { tokens: this.limit.burst, at: now };
    // Moving a key to the end of the Map costs a delete and an insert; a stream from one source needs it once.
    const alreadyLast = source === this.lastSource;
    if (!alreadyLast) this.buckets.delete(source);
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    );
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (!alreadyLast) {
      this.buckets.set(source, bucket);
      this.lastSource = source;
    }
    if (this.buckets.size > this.limit.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed;
  }

  get trackedSources(): number {
    return this.buckets.size;
  }
}
