/**
 * One door's state, from its contact, lock, request-to-exit, grants and people
 * counter (DOMAIN.md, "Door states and alarms"). A pure state machine: inputs
 * carry their own time, `tick(now)` runs the timers, and every call returns
 * what happened. Nothing here reads a clock or knows a protocol.
 */
export type DoorPhase =
  'secure' | 'unlocked' | 'open' | 'held-warning' | 'held' | 'forced' | 'closed-unlocked' | 'unknown';
export type DoorAlarmType = 'forced-open' | 'held-open' | 'held-open-warning' | 'tailgating';

export interface DoorSettings {
  id: string;
  /** How long a grant unlocks the door. */
  unlockMs: number;
  /** Open longer than this is "held open". */
  heldOpenMs: number;
  /** The warning comes this long before the held-open alarm. */
  preAlarmMs: number;
  /** A contact change counts once it has been stable this long (bounce filter). */
  debounceMs: number;
  /** A request-to-exit excuses an opening within this window. */
  rexWindowMs: number;
}

export type DoorInput =
  /**
   * `at` is when it happened (the device's time when it gave one), `arrivedAt`
   * when the gateway got it (default `at`): settling waits on arrival, bounces
   * are told by `at`. `unjudged`: when it happened is unknown (retained state,
   * or queued while the gateway was away with no device time): taken as the
   * current state, never judged forced.
   */
  | { kind: 'contact'; open: boolean; at: number; arrivedAt?: number; unjudged?: boolean }
  | { kind: 'grant'; at: number; unlockMs?: number }
  | { kind: 'rex'; at: number }
  /**
   * `relock`: the mode holds the door shut at once (a lockdown): an unlock a
   * card granted just before ends now, not when its unlock time runs out.
   */
  | { kind: 'mode'; unlocked: boolean; at: number; relock?: boolean }
  /** A lock that reports its own state (a monitored strike or smart lock). */
  | { kind: 'lock'; locked: boolean; at: number }
  | { kind: 'passage'; count: number; at: number };

export type DoorOutput =
  /** `open`: the contact as the machine knows it then (null: no contact data), for views that show it apart. */
  | { kind: 'state'; door: string; phase: DoorPhase; at: number; open: boolean | null }
  /** A contact change that went back within the debounce time: recorded, not acted on. */
  | { kind: 'bounce'; door: string; open: boolean; at: number; back: number }
  | { kind: 'alarm'; door: string; type: DoorAlarmType; at: number; detail?: string }
  | { kind: 'clear'; door: string; type: DoorAlarmType; at: number };

export const DEFAULT_DOOR_TIMING = {
  unlockMs: 5000,
  heldOpenMs: 30_000,
  preAlarmMs: 5000,
  debounceMs: 250,
  rexWindowMs: 10_000,
};

/** How many recent grants and requests to exit a door remembers for late readings. */
const HISTORY = 32;

export class DoorMachine {
  private phase: DoorPhase = 'unknown';
  private open: boolean | null = null;
  private pending: { open: boolean; since: number; settleAt: number } | null = null;
  private openedAt = 0;
  private unlockedUntil = -1;
  private modeUnlocked = false;
  /** What the lock itself last said; null when it reports nothing. */
  private lockReportsLocked: boolean | null = null;
  /** Recent grants and requests to exit, so an opening reported late is judged against those of its own time. */
  private grants: { at: number; until: number }[] = [];
  private rexes: number[] = [];
  /** Grants not yet used by an opening, and passages counted in the current open cycle. */
  private grantsThisCycle = 0;
  private passagesThisCycle = 0;
  private readonly active = new Set<DoorAlarmType>();

  constructor(private config: DoorSettings) {}

  get settings(): Readonly<DoorSettings> {
    return this.config;
  }

  /** The door's timings changed (in the console): they apply from the next input on. */
  retime(timing: Partial<Omit<DoorSettings, 'id'>>): void {
    this.config = { ...this.config, ...timing };
  }

  get state(): { phase: DoorPhase; open: boolean | null; alarms: DoorAlarmType[] } {
    return { phase: this.phase, open: this.open, alarms: [...this.active] };
  }

  feed(input: DoorInput): DoorOutput[] {
    const out: DoorOutput[] = [];
    switch (input.kind) {
      case 'contact':
        this.contact(input, out);
        return out;
      case 'grant':
        this.grantsThisCycle += 1;
        this.unlockedUntil = input.at + (input.unlockMs ?? this.settings.unlockMs);
        this.grants = [...this.grants.slice(1 - HISTORY), { at: input.at, until: this.unlockedUntil }];
        if (!this.open) this.setPhase('unlocked', input.at, out);
        return out;
      case 'rex':
        this.rexes = [...this.rexes.slice(1 - HISTORY), input.at];
        return out;
      case 'mode':
        this.modeUnlocked = input.unlocked;
        if (input.relock) {
          // The grants end too: an opening after this is forced (one before it, reported late, is not).
          this.unlockedUntil = Math.min(this.unlockedUntil, input.at);
          for (const g of this.grants) g.until = Math.min(g.until, input.at);
        }
        if (!this.open) this.setPhase(this.lockedPhaseAt(input.at), input.at, out);
        else if (input.unlocked) this.clearHeld(input.at, out);
        return out;
      case 'lock':
        this.lockReportsLocked = input.locked;
        if (!this.open) this.setPhase(this.lockedPhaseAt(input.at), input.at, out);
        return out;
      case 'passage':
        this.passagesThisCycle += input.count;
        if (!this.modeUnlocked && this.passagesThisCycle > Math.max(1, this.grantsThisCycle)) {
          this.raise(
            'tailgating',
            input.at,
            out,
            `${this.passagesThisCycle} people through on ${this.grantsThisCycle} grant(s)`,
          );
        }
        return out;
    }
  }

  private contact(input: Extract<DoorInput, { kind: 'contact' }>, out: DoorOutput[]): void {
    const arrived = input.arrivedAt ?? input.at;
    if (input.unjudged) {
      this.settle(out);
      if (input.open !== this.open) this.commitContact(input.open, input.at, out, false);
      return;
    }
    const p = this.pending;
    if (p && p.open !== input.open) {
      if (input.at - p.since < this.settings.debounceMs) {
        // It went back before settling: a bounce, kept on record, not acted on.
        out.push({ kind: 'bounce', door: this.settings.id, open: p.open, at: p.since, back: input.at });
        this.pending = null;
        // A door whose state is still unknown learns it from the reading that stayed.
        if (this.open === null) this.pending = { open: input.open, since: input.at, settleAt: arrived };
      } else {
        // Stable long enough by its own times (a pair delivered late): the first counts, this one waits.
        this.settle(out);
        this.pending = { open: input.open, since: input.at, settleAt: arrived + this.settings.debounceMs };
      }
    } else if (!p && input.open !== this.open) {
      this.pending = { open: input.open, since: input.at, settleAt: arrived + this.settings.debounceMs };
    }
    if (this.settings.debounceMs === 0) out.push(...this.tick(arrived));
  }

  private settle(out: DoorOutput[]): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.commitContact(p.open, p.since, out, true);
  }

  /** Runs the timers up to `now`: debounce settling, unlock expiry, held-open warning and alarm. */
  tick(now: number): DoorOutput[] {
    const out: DoorOutput[] = [];
    if (this.pending && now >= this.pending.settleAt) this.settle(out);
    if (this.open) {
      // A close waiting to settle ended the opening at its own time (late pairs: long ago).
      const end = this.pending && !this.pending.open ? Math.min(now, this.pending.since) : now;
      const openFor = end - this.openedAt;
      if (!this.modeUnlocked && this.phase !== 'forced') {
        if (openFor >= this.settings.heldOpenMs && !this.active.has('held-open')) {
          this.raise(
            'held-open',
            this.openedAt + this.settings.heldOpenMs,
            out,
            `open ${Math.round(openFor / 1000)} s`,
          );
          this.setPhase('held', now, out);
        } else if (
          openFor >= this.settings.heldOpenMs - this.settings.preAlarmMs &&
          !this.active.has('held-open-warning') &&
          !this.active.has('held-open')
        ) {
          this.raise(
            'held-open-warning',
            this.openedAt + this.settings.heldOpenMs - this.settings.preAlarmMs,
            out,
          );
          this.setPhase('held-warning', now, out);
        }
      }
    } else if (this.phase === 'unlocked' && now >= this.unlockedUntil) {
      this.setPhase(this.lockedPhaseAt(now), now, out);
    }
    return out;
  }

  /** When the next timer is due, so a scheduler can sleep until then (no polling loop). */
  nextDue(): number | null {
    const due: number[] = [];
    if (this.pending) due.push(this.pending.settleAt);
    // A forced door is not timed as held (tick never raises held-open for it): a deadline here
    // would be due at once for ever, and the service re-arms its timer at zero delay in a loop.
    if (this.open && !this.modeUnlocked && this.phase !== 'forced') {
      if (!this.active.has('held-open-warning'))
        due.push(this.openedAt + this.settings.heldOpenMs - this.settings.preAlarmMs);
      if (!this.active.has('held-open')) due.push(this.openedAt + this.settings.heldOpenMs);
    }
    // An unlocked mode ends by its own input, not by a time (due at once for ever otherwise).
    if (!this.open && this.phase === 'unlocked' && !this.modeUnlocked) due.push(this.unlockedUntil);
    return due.length ? Math.min(...due) : null;
  }

  /** A grant running at `at` (the one that covers it), if any. */
  private grantAt(at: number): { at: number; until: number } | undefined {
    return this.grants.find((g) => g.at <= at && at <= g.until);
  }

  private commitContact(open: boolean, at: number, out: DoorOutput[], judged: boolean): void {
    this.open = open;
    if (open) {
      this.openedAt = at;
      this.passagesThisCycle = 0;
      const grant = this.grantAt(at);
      const authorised =
        !judged ||
        this.modeUnlocked ||
        grant !== undefined ||
        this.rexes.some((r) => r <= at + this.settings.debounceMs && at - r <= this.settings.rexWindowMs);
      if (!authorised) {
        const lastGrant = Math.max(-Infinity, ...this.grants.filter((g) => g.at <= at).map((g) => g.at));
        this.raise(
          'forced-open',
          at,
          out,
          at - lastGrant < 60_000
            ? 'opened after the unlock time ran out'
            : 'no grant and no request to exit',
        );
        this.setPhase('forced', at, out);
      } else {
        this.setPhase('open', at, out);
      }
      // The grant is used by this opening; the lock falls back when the door closes.
      if (grant) grant.until = Math.min(grant.until, at);
      // (An opening reported late, covered by an older grant, leaves a newer one running.)
      if (!grant || grant === this.grants[this.grants.length - 1])
        this.unlockedUntil = Math.min(this.unlockedUntil, at);
    } else {
      this.clearHeld(at, out);
      if (this.active.has('forced-open')) this.clear('forced-open', at, out);
      if (this.active.has('tailgating')) this.clear('tailgating', at, out);
      this.grantsThisCycle = 0;
      this.setPhase(this.lockedPhaseAt(at), at, out);
    }
  }

  private lockedPhaseAt(at: number): DoorPhase {
    if (this.open) return this.phase;
    // No contact data: "secure" or "closed-unlocked" would tell a guard the door is shut, which
    // nobody knows. A released lock (a grant running, an unlocked mode) still reads unlocked;
    // otherwise the state stays unknown (a lockdown, its release or a grant's end does not make a
    // door without a sensor a closed one).
    if (this.open === null) return this.modeUnlocked || at < this.unlockedUntil ? 'unlocked' : 'unknown';
    if (this.modeUnlocked) return 'closed-unlocked';
    if (at < this.unlockedUntil) return 'unlocked';
    // Closed, no grant running, yet the lock says it is open: not secure.
    return this.lockReportsLocked === false ? 'closed-unlocked' : 'secure';
  }

  private clearHeld(at: number, out: DoorOutput[]): void {
    if (this.active.has('held-open-warning')) this.clear('held-open-warning', at, out);
    if (this.active.has('held-open')) this.clear('held-open', at, out);
  }

  private raise(type: DoorAlarmType, at: number, out: DoorOutput[], detail?: string): void {
    if (this.active.has(type)) return; // one alarm per cause, not one per message
    this.active.add(type);
    out.push({ kind: 'alarm', door: this.settings.id, type, at, ...(detail ? { detail } : {}) });
  }

  private clear(type: DoorAlarmType, at: number, out: DoorOutput[]): void {
    this.active.delete(type);
    out.push({ kind: 'clear', door: this.settings.id, type, at });
  }

  private setPhase(phase: DoorPhase, at: number, out: DoorOutput[]): void {
    if (phase === this.phase) return;
    this.phase = phase;
    out.push({ kind: 'state', door: this.settings.id, phase, at, open: this.open });
  }
}
