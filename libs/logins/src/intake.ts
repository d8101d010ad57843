import type { IgnoredReason, Interpretation, LoginObserved, UnknownReason } from './event';

export interface LoginIntakeOptions {
  /**
   * Keys remembered for duplicate detection (a Beats resend comes within one
   * window): the latest half of them at least, all at most. Default 100,000.
   */
  rememberKeys?: number;
  /** Unknown messages kept for a person to look at; the oldest go first. Default 200. */
  keepUnknown?: number;
  /**
   * How far ahead of the gateway's clock an event may claim to be (sender
   * clocks drift a little); later ones are refused, counted and kept. Default 5 minutes.
   */
  maxFutureMs?: number;
}

/** Why a parsed login was refused. */
export type RefusedReason = 'from-the-future';

export interface KeptUnknown {
  reason: UnknownReason | RefusedReason;
  raw: string;
  /** Which listener or route it came through. */
  via: string;
  at: string;
}

/**
 * Where interpretations end: counts every outcome, drops duplicates by key,
 * keeps the latest unknown messages. Memory is bounded by its two limits.
 */
export class LoginIntake {
  accepted = 0;
  duplicates = 0;
  readonly ignored: Partial<Record<IgnoredReason, number>> = {};
  readonly unknown: Partial<Record<UnknownReason, number>> = {};
  readonly refused: Partial<Record<RefusedReason, number>> = {};
  /**
   * Two generations of keys: when the newer holds half the limit, the older is
   * dropped whole. Forgetting the oldest key one by one from a Set costs a scan
   * over the deleted slots before it on every message once the limit is
   * reached (measured: a tenth of the login path's time past 100,000 keys).
   */
  private seen = new Set<string>();
  private older = new Set<string>();
  private readonly kept: KeptUnknown[] = [];
  private readonly rememberKeys: number;
  private readonly keepUnknown: number;
  private readonly maxFutureMs: number;

  constructor(options: LoginIntakeOptions = {}) {
    this.rememberKeys = options.rememberKeys ?? 100_000;
    this.keepUnknown = options.keepUnknown ?? 200;
    this.maxFutureMs = options.maxFutureMs ?? 5 * 60_000;
  }

  /** The event to publish as `login.observed`, or null (ignored, unknown or a duplicate). */
  take(interpretation: Interpretation, via: string, at: Date): LoginObserved | null {
    if (interpretation.kind === 'ignored') {
      this.ignored[interpretation.reason] = (this.ignored[interpretation.reason] ?? 0) + 1;
      return null;
    }
    if (interpretation.kind === 'unknown') {
      this.unknown[interpretation.reason] = (this.unknown[interpretation.reason] ?? 0) + 1;
      this.keep(interpretation.reason, interpretation.raw, via, at);
      return null;
    }
    const { key, occurredAt, raw } = interpretation.event;
    if (Date.parse(occurredAt) - at.getTime() > this.maxFutureMs) {
      this.refused['from-the-future'] = (this.refused['from-the-future'] ?? 0) + 1;
      this.keep('from-the-future', raw, via, at);
      return null;
    }
    if (this.seen.has(key) || this.older.has(key)) {
      this.duplicates += 1;
      return null;
    }
    this.seen.add(key);
    if (this.seen.size >= Math.ceil(this.rememberKeys / 2)) {
      this.older = this.seen;
      this.seen = new Set();
    }
    this.accepted += 1;
    return interpretation.event;
  }

  private keep(reason: KeptUnknown['reason'], raw: string, via: string, at: Date): void {
    this.kept.push({ reason, raw, via, at: at.toISOString() });
    if (this.kept.length > this.keepUnknown) this.kept.shift();
  }

  /** The unknown and refused messages kept, oldest first. */
  keptUnknown(): readonly KeptUnknown[] {
    return [...this.kept];
  }
}
