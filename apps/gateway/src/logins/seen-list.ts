/** One thing seen in logins that the site has not mapped: how often, and when last. */
export interface Seen {
  key: string;
  count: number;
  /** Epoch ms: kept as a number, made a time only when listed (this runs per message). */
  lastSeen: number;
  /** The sending address the last time (workstations only). */
  sourceAddress: string | null;
}

/**
 * Keys seen in logins and mapped to nothing (accounts, workstations), bounded:
 * a flood of invented names keeps the `max` most recent, the stalest dropped
 * first. In memory only: after a restart the next logins list them again.
 */
export class SeenList {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly max: number) {}

  note(key: string, at: number, sourceAddress: string | null = null): void {
    const held = this.seen.get(key);
    if (held) {
      // Changed in place (this runs per message), and re-inserted so the map's first key is the
      // stalest, dropped first when full.
      held.count += 1;
      held.lastSeen = at;
      held.sourceAddress = sourceAddress;
      this.seen.delete(key);
      this.seen.set(key, held);
      return;
    }
    this.seen.set(key, { key, count: 1, lastSeen: at, sourceAddress });
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Most recent first. */
  list(): Seen[] {
    return [...this.seen.values()].reverse();
  }
}
