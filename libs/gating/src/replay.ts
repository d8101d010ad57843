/**
 * Nonces each workstation sent recently, so one question is answered once (a
 * captured question replayed at the gateway gets `replayed`). A question also
 * carries its time and is refused outside the window (`stale`), so a nonce
 * need only be remembered while its question could still be accepted: a time
 * up to one window behind or ahead of the gateway's clock, so a nonce is kept
 * for two windows from when it was first seen. The gateway reloads the last
 * two windows' nonces from the journal at start (every answer's entry holds
 * its nonce), so a restart does not reopen the window.
 *
 * Bounded per workstation: when one host's nonces are full its oldest are
 * forgotten first, which a flooding host can only use to forget its own.
 */
export class NonceWindow {
  private readonly byHost = new Map<string, Map<string, number>>();

  constructor(
    /** `replayWindowSeconds` in ms: how far a question's time may be from the gateway's clock. */
    private readonly windowMs: number,
    private readonly perHostMax = 20_000,
  ) {}

  /** How long a nonce is kept: a question timed up to a window ahead, replayed up to a window after its time. */
  get memoryMs(): number {
    return 2 * this.windowMs;
  }

  /** A question's time outside the window of the gateway's clock (a clock too far off, or a question kept). */
  stale(questionTime: number, now: number): boolean {
    return Math.abs(now - questionTime) > this.windowMs;
  }

  /** True when `host` already sent `nonce` within memory; records it otherwise. */
  replayed(host: string, nonce: string, now: number): boolean {
    let seen = this.byHost.get(host);
    if (!seen) this.byHost.set(host, (seen = new Map()));
    this.expire(seen, now);
    if (seen.has(nonce)) return true;
    seen.set(nonce, now);
    if (seen.size > this.perHostMax) seen.delete(seen.keys().next().value!);
    return false;
  }

  /** Records a nonce answered before (read back from the journal at start, oldest first). */
  remember(host: string, nonce: string, at: number, now: number): void {
    if (now - at <= this.memoryMs) this.replayed(host, nonce, at);
  }

  get size(): number {
    let n = 0;
    for (const seen of this.byHost.values()) n += seen.size;
    return n;
  }

  /** Insertion order is time order: drop from the front while past memory (bounded by the map's size). */
  private expire(seen: Map<string, number>, now: number): void {
    for (const [nonce, at] of seen) {
      if (now - at <= this.memoryMs) break;
      seen.delete(nonce);
    }
  }
}
