/** What a session hears of a login fact: the four actions that open and end one. */
export type SessionAction = 'logon' | 'unlock' | 'lock' | 'logoff';

/** One login fact as the session tracker takes it (from the live intake or read back from the journal). */
export interface SessionFact {
  /** When it happened by the sender's clock, ms since the epoch. */
  at: number;
  action: SessionAction;
  /** The cardholder the account maps to; null for an account that maps to nobody. */
  personId: string | null;
  /** The account's keyed digest; null only for an end that names no account (logind's "Removed session"). */
  accountDigest: string | null;
  /** The account as received, for display; kept in memory only (null after a restart when not opened). */
  account: string | null;
  host: string;
  zone: string | null;
  remote: boolean;
  /** Ties an end to its start: Windows logon id, `sshd:<pid>`, `logind:<n>`. */
  sessionId: string | null;
}

export interface TrackedSession {
  personId: string | null;
  accountDigest: string;
  account: string | null;
  host: string;
  zone: string | null;
  remote: boolean;
  /** Open (someone at it) or locked (the screen locked: not open, but its ids kept for the logoff). */
  state: 'open' | 'locked';
  /** The start of this open stretch: the logon, or the unlock after a lock. */
  since: number;
  /** The latest fact seen for it: what the time-outs count from. */
  lastSeen: number;
  sessionIds: string[];
}

export interface SessionTrackerOptions {
  /** An open session with no fact for this long is taken as ended (its logoff never came). */
  idleTimeoutMs: number;
  /** A locked session with no fact for this long is forgotten. */
  lockedTimeoutMs: number;
  /** Sessions tracked at once; past it the stalest is forgotten (counted). */
  maxSessions: number;
}

interface Held {
  key: string;
  personId: string | null;
  accountDigest: string;
  account: string | null;
  host: string;
  zone: string | null;
  remote: boolean;
  state: 'open' | 'locked';
  since: number;
  lastSeen: number;
  ids: Set<string>;
}

/** Expiry is looked at no more often than this while facts flow (and always before a listing). */
const SWEEP_EVERY_MS = 30_000;
/**
 * Logon ids kept per session. A session whose logons never end (a sender that
 * drops logoffs, SSH logins by the thousand) would otherwise grow without
 * bound and slow every fact with its garbage; past this the oldest id is
 * forgotten (counted), and its late logoff is an unmatched end.
 */
export const MAX_IDS_PER_SESSION = 32;

/**
 * Interactive sessions per person (or unmapped account) and workstation:
 * open from a logon or an unlock to a logoff or a lock, with time-outs for
 * ends that never arrive. A workstation can carry several sessions of one
 * person (a desktop and an SSH login): they are one session here, its ids
 * kept, and it ends when the last id's logoff arrives (an end without an id
 * ends it whole). Facts are applied in arrival order, the journal's order, so
 * replaying the journal after a restart rebuilds the same state. Memory is
 * bounded by `maxSessions`.
 */
export class SessionTracker {
  readonly counters = {
    opened: 0,
    closed: 0,
    locked: 0,
    timedOut: 0,
    /** Forgotten because `maxSessions` was reached. */
    evicted: 0,
    /** A lock or logoff for no session tracked (its start came before the gateway heard, or timed out). */
    unmatchedEnds: 0,
    /** A lock or logoff older than the start it would end (arrived out of order). */
    stale: 0,
    /** Logon ids forgotten because a session held MAX_IDS_PER_SESSION. */
    idsForgotten: 0,
  };
  private readonly sessions = new Map<string, Held>();
  /** `host|sessionId` → session key: how an end that names no account finds its session. */
  private readonly byId = new Map<string, string>();
  private lastSweep = 0;

  constructor(private readonly options: SessionTrackerOptions) {}

  apply(fact: SessionFact, now: number): void {
    if (now - this.lastSweep >= SWEEP_EVERY_MS) this.expire(now);
    if (fact.action === 'logon' || fact.action === 'unlock') this.start(fact);
    else this.end(fact);
  }

  private keyOf(fact: SessionFact): string | null {
    if (fact.accountDigest) return `${fact.personId ?? fact.accountDigest}|${fact.host}`;
    return fact.sessionId ? (this.byId.get(`${fact.host}|${fact.sessionId}`) ?? null) : null;
  }

  private start(fact: SessionFact): void {
    if (!fact.accountDigest) return;
    const key = this.keyOf(fact)!;
    const held = this.sessions.get(key);
    if (held) {
      // Re-inserted, so the map's first entry is always the stalest (evicted first).
      this.sessions.delete(key);
      if (held.state === 'locked') {
        held.state = 'open';
        held.since = fact.at;
        this.counters.opened += 1;
      }
      held.lastSeen = Math.max(held.lastSeen, fact.at);
      held.zone = fact.zone;
      held.remote = fact.remote;
      held.account = fact.account ?? held.account;
      this.sessions.set(key, held);
      this.addId(held, fact.sessionId);
      return;
    }
    const fresh: Held = {
      key,
      personId: fact.personId,
      accountDigest: fact.accountDigest,
      account: fact.account,
      host: fact.host,
      zone: fact.zone,
      remote: fact.remote,
      state: 'open',
      since: fact.at,
      lastSeen: fact.at,
      ids: new Set(),
    };
    this.sessions.set(key, fresh);
    this.addId(fresh, fact.sessionId);
    this.counters.opened += 1;
    if (this.sessions.size > this.options.maxSessions) {
      this.drop(this.sessions.values().next().value!);
      this.counters.evicted += 1;
    }
  }

  private end(fact: SessionFact): void {
    const key = this.keyOf(fact);
    const held = key ? this.sessions.get(key) : undefined;
    if (!held) {
      this.counters.unmatchedEnds += 1;
      return;
    }
    if (fact.at < held.since) {
      this.counters.stale += 1;
      return;
    }
    held.lastSeen = Math.max(held.lastSeen, fact.at);
    if (fact.action === 'lock') {
      if (held.state === 'open') this.counters.locked += 1;
      held.state = 'locked';
      return;
    }
    if (fact.sessionId && held.ids.size > 0) {
      // The logoff of one of several logons (an SSH login beside the desktop, or the short type 7
      // logon Windows makes at each unlock): the rest stays open.
      if (!held.ids.delete(fact.sessionId)) {
        this.counters.unmatchedEnds += 1;
        return;
      }
      this.byId.delete(`${held.host}|${fact.sessionId}`);
      if (held.ids.size > 0) return;
    }
    this.drop(held);
    this.counters.closed += 1;
  }

  private addId(held: Held, sessionId: string | null): void {
    if (!sessionId || held.ids.has(sessionId)) return;
    held.ids.add(sessionId);
    this.byId.set(`${held.host}|${sessionId}`, held.key);
    if (held.ids.size <= MAX_IDS_PER_SESSION) return;
    // A Set iterates in insertion order: the first id is the oldest.
    const oldest = held.ids.values().next().value!;
    held.ids.delete(oldest);
    this.byId.delete(`${held.host}|${oldest}`);
    this.counters.idsForgotten += 1;
  }

  private drop(held: Held): void {
    this.sessions.delete(held.key);
    for (const id of held.ids) this.byId.delete(`${held.host}|${id}`);
  }

  /** The account digests of the sessions open or locked for an account that maps to nobody. */
  unmappedDigests(): Set<string> {
    const digests = new Set<string>();
    for (const held of this.sessions.values()) if (held.personId === null) digests.add(held.accountDigest);
    return digests;
  }

  /**
   * An account mapped to a person since its sessions began: they become the
   * person's at once (not at the account's next logon), each re-keyed to the
   * person and workstation. Where the person already had a session on that
   * workstation (under another account of theirs) the two become one: ids
   * joined, open if either was. Returns the sessions attributed.
   */
  attribute(accountDigest: string, personId: string): TrackedSession[] {
    const done: TrackedSession[] = [];
    for (const held of [...this.sessions.values()]) {
      if (held.personId !== null || held.accountDigest !== accountDigest) continue;
      this.sessions.delete(held.key);
      const key = `${personId}|${held.host}`;
      const into = this.sessions.get(key);
      if (into) {
        if (held.state === 'open' && into.state === 'locked') {
          into.state = 'open';
          into.since = held.since;
        } else if (held.state === into.state) into.since = Math.min(into.since, held.since);
        into.lastSeen = Math.max(into.lastSeen, held.lastSeen);
        for (const id of held.ids) this.addId(into, id);
        for (const id of into.ids) this.byId.set(`${into.host}|${id}`, key);
      } else {
        held.key = key;
        held.personId = personId;
        this.sessions.set(key, held);
        for (const id of held.ids) this.byId.set(`${held.host}|${id}`, key);
      }
      done.push(view(into ?? held));
    }
    return done;
  }

  /**
   * Sessions on workstations placed (or taken back) since they opened: their
   * zone as placed now, and remote if either the login or the place says so.
   * `placeOf` answers null for a host to leave as it is. Returns how many changed.
   */
  relocate(placeOf: (host: string) => { zone: string | null; remote: boolean } | null): number {
    let changed = 0;
    for (const held of this.sessions.values()) {
      const place = placeOf(held.host);
      if (!place) continue;
      const remote = held.remote || place.remote;
      if (held.zone === place.zone && held.remote === remote) continue;
      held.zone = place.zone;
      held.remote = remote;
      changed += 1;
    }
    return changed;
  }

  /** Forgets every session of a person (erased): whereabouts are personal data too. */
  forgetPerson(personId: string): void {
    for (const held of [...this.sessions.values()]) if (held.personId === personId) this.drop(held);
  }

  /** Ends sessions whose time-out passed; returns how many. */
  expire(now: number): number {
    this.lastSweep = now;
    let n = 0;
    for (const held of [...this.sessions.values()]) {
      const limit = held.state === 'open' ? this.options.idleTimeoutMs : this.options.lockedTimeoutMs;
      if (now - held.lastSeen <= limit) continue;
      this.drop(held);
      n += 1;
    }
    this.counters.timedOut += n;
    return n;
  }

  /** Every tracked session (open and locked), after expiring what timed out, most recently started first. */
  list(now: number): TrackedSession[] {
    this.expire(now);
    return [...this.sessions.values()].map(view).sort((a, b) => b.since - a.since);
  }

  get size(): number {
    return this.sessions.size;
  }
}

const view = (h: Held): TrackedSession => ({
  personId: h.personId,
  accountDigest: h.accountDigest,
  account: h.account,
  host: h.host,
  zone: h.zone,
  remote: h.remote,
  state: h.state,
  since: h.since,
  lastSeen: h.lastSeen,
  sessionIds: [...h.ids],
});
