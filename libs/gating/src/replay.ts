/**
 * Nonces a workstation sent recently, so the same question is never answered
 * twice (a captured allow replayed at the gateway gets `replayed`). Bounded
 * in time (the window) and in memory (the oldest are forgotten first when
 * full, which a flood can only use to forget its own nonces).
 */
export class NonceWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly max = 100_000,
  ) {}

  /** True when `host` already sent `nonce` within the window; records it otherwise. */
  replayed(host: string, nonce: string, now: number): boolean {
    this.expire(now);
    const key = `${host}\u0000${nonce}`;
    if (this.seen.has(key)) return true;
    this.seen.set(key, now);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Insertion order is time order: drop from the front while stale (bounded by the map's size). */
  private expire(now: number): void {
    for (const [key, at] of this.seen) {
      if (now - at <= this.windowMs) break;
      this.seen.delete(key);
    }
  }
}
