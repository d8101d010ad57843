import type { Cardholder } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Clock, GatehouseBus, JournalEntry, JournalEntryInput, Log } from '@gatehouse/contracts';
import type { CorrelationService, LoginEvent } from '@gatehouse/correlation';
import type { Backpressure, IngestListener } from '@gatehouse/ingest';
import {
  type IgnoredReason,
  type Interpretation,
  type KeptUnknown,
  type LoginAction,
  LoginIntake,
  type LoginObserved,
  type RefusedReason,
  SessionTracker,
  type TrackedSession,
  type UnknownReason,
} from '@gatehouse/logins';
import { AccountDirectory, hostKey, WorkstationMap } from './identity';
import { SeenList } from './seen-list';
import type { WorkstationPlaces } from './workstation-places';
import type { AccountDigest } from './account-digest';
import type { LoginTopic } from './mqtt-topic';
import { type LoginArrival, type LoginIdentity, loginEntry, sessionAttributedEntry } from './entry';
import {
  restoreHorizonMs,
  restoreSessions,
  SESSION_ACTIONS,
  type SessionHistory,
  sessionTracker,
} from './sessions';

/** What became of one message: each HTTP batch item answers with this. */
export type LoginOutcome =
  | { outcome: 'accepted'; key: string; action: LoginAction; mapped: boolean }
  | { outcome: 'duplicate'; key: string }
  | { outcome: 'ignored'; reason: IgnoredReason }
  | { outcome: 'unknown'; reason: UnknownReason | RefusedReason };

/**
 * Login facts handed to the journal and not yet committed, past which the
 * stream listeners stop reading (TCP holds the senders back) until half have
 * committed: a burst beyond what the journal commits waits in the senders'
 * buffers and spools, not in the gateway's memory.
 */
export const MAX_IN_FLIGHT = 20_000;

/** A workstation taken out of its zone: its sessions are in none. */
const NOWHERE = { zone: null, remote: false } as const;

/** Accounts that map to nobody, and workstations no zone holds, kept (bounded) for mapping. */
const MAX_UNMAPPED_LISTED = 500;

export interface LoginsDeps {
  journal: { append(input: JournalEntryInput): Promise<JournalEntry> };
  correlation: Pick<CorrelationService, 'observe'> | null;
  cardholders: () => ReadonlyMap<string, Cardholder>;
  /** The account's keyed digest: what is kept of an account in clear (see account-digest.ts). */
  accountDigest: AccountDigest;
  bus: GatehouseBus;
  clock: Clock;
  log: Log;
}

/**
 * Workstation logins as the gateway takes them, whatever carried them:
 * interpretation → intake (counts, duplicates) → identity (account to person,
 * workstation to zone) → a journal entry and a fact for the correlation rules.
 */
export class LoginsGateway {
  readonly intake: LoginIntake;
  readonly accounts: AccountDirectory;
  readonly workstations: WorkstationMap;
  /** The zone assumed for login times that carry none. */
  readonly zone: string;
  /** Who is logged in where: open and locked sessions, per person (or unmapped account) and workstation. */
  readonly sessions: SessionTracker;
  private readonly sessionHorizonMs: number;
  /** The listeners started for `logins.listeners` (none unless configured). */
  listeners: readonly IngestListener[] = [];
  /** The console's placings of workstations (set at the start, where a database is). */
  places: WorkstationPlaces | null = null;
  /** The agents' MQTT topic (`logins.mqtt.topic`), when one is configured and a broker is. */
  topic: LoginTopic | null = null;
  private readonly unmapped = new SeenList(MAX_UNMAPPED_LISTED);
  private readonly unplaced = new SeenList(MAX_UNMAPPED_LISTED);
  /** The identity map's generation whose mapped accounts' sessions were attributed. */
  private attributedGeneration = 0;
  /** A look at changed accounts is scheduled (`attributeSessions`). */
  private attributeDue = false;
  private closed = false;
  private unmappedCount = 0;
  private unplacedCount = 0;
  private journalFailures = 0;
  private inFlight = 0;
  private freeWaiters: (() => void)[] = [];
  /** For the stream listeners: busy while MAX_IN_FLIGHT facts wait for the journal. */
  readonly backpressure: Backpressure = {
    busy: () => this.inFlight >= MAX_IN_FLIGHT,
    onceFree: (resume) => {
      if (this.inFlight < MAX_IN_FLIGHT / 2) resume();
      else this.freeWaiters.push(resume);
    },
  };

  constructor(
    config: GatehouseConfig,
    private readonly deps: LoginsDeps,
  ) {
    this.zone = config.logins.timeZone ?? config.site.timeZone;
    this.intake = new LoginIntake({ keepUnknown: config.logins.keepUnknown });
    this.accounts = new AccountDirectory(deps.cardholders);
    this.workstations = new WorkstationMap(config.logins.workstations);
    this.sessions = sessionTracker(config.logins.sessions);
    this.sessionHorizonMs = restoreHorizonMs(config.logins.sessions);
    // A cardholder created, changed, imported or erased may change whose account is whose.
    deps.bus.on('journal.committed', 'logins-identity', (entries) => {
      let changed = false;
      const people: string[] = [];
      for (const e of entries) {
        // An erased person's whereabouts go with the rest of their data.
        if (e.type === 'privacy.person-erased' && typeof e.payload.id === 'string')
          this.sessions.forgetPerson(e.payload.id);
        // An import's summary: its rows have entries of their own. An erasure clears the person's
        // directory account in the index's record in place: a change of that person like any other.
        const changesPerson =
          (e.type.startsWith('cardholder.') && e.type !== 'cardholder.imported') ||
          e.type === 'privacy.person-erased';
        if (!changesPerson) continue;
        changed = true;
        const person = e.subjects.find((s) => s.kind === 'person');
        if (person) people.push(person.id);
        else this.accounts.invalidate();
      }
      if (changed) {
        this.accounts.changed(people);
        // The access index takes the change in after its entry commits (an import's, after its
        // slices): looked at once that has run, one look for however many parts came meanwhile;
        // a login or a listing meanwhile looks itself.
        if (!this.attributeDue) {
          this.attributeDue = true;
          setImmediate(() => {
            this.attributeDue = false;
            void this.attributeSessions();
          });
        }
      }
    });
  }

  /**
   * One interpreted message. Resolves when an accepted fact is journaled (the
   * HTTP route answers after that); listeners need not wait.
   */
  async take(interpretation: Interpretation, arrival: LoginArrival): Promise<LoginOutcome> {
    // One look at the clock per message: at tens of thousands a second each is a Date to collect.
    const now = this.deps.clock.now();
    if (interpretation.kind !== 'login') {
      this.intake.take(interpretation, arrival.via, now);
      return interpretation.kind === 'ignored'
        ? { outcome: 'ignored', reason: interpretation.reason }
        : { outcome: 'unknown', reason: interpretation.reason };
    }
    const before = this.intake.duplicates;
    const event = this.intake.take(interpretation, arrival.via, now);
    if (!event) {
      return this.intake.duplicates > before
        ? { outcome: 'duplicate', key: interpretation.event.key }
        : { outcome: 'unknown', reason: 'from-the-future' };
    }
    const personId = event.account ? this.accounts.personOf(event.account.key) : null;
    const accountDigest = event.account ? this.deps.accountDigest(event.account.key) : null;
    const place = this.workstations.placeOf(event.workstation.host, arrival.sourceAddress);
    if (event.account && !personId) {
      this.unmappedCount += 1;
      this.unmapped.note(event.account.key, now.getTime());
    }
    if (!place) {
      this.unplacedCount += 1;
      this.unplaced.note(event.workstation.host, now.getTime(), arrival.sourceAddress);
    }
    // The identity map was rebuilt for this login (a change not yet looked at): sessions first.
    if (this.accounts.generation !== this.attributedGeneration) void this.attributeSessions();
    const identity = { personId, accountDigest, place };
    // The sender's time read once for the sessions and the rules.
    const at = Date.parse(event.occurredAt);
    this.track(event, at, identity, now.getTime());
    this.observe(event, at, identity, arrival);
    this.inFlight += 1;
    try {
      await this.deps.journal.append(loginEntry(event, identity, arrival));
    } catch (error) {
      this.journalFailures += 1;
      throw error;
    } finally {
      this.inFlight -= 1;
      if (this.freeWaiters.length > 0 && this.inFlight < MAX_IN_FLIGHT / 2) {
        const waiting = this.freeWaiters;
        this.freeWaiters = [];
        for (const resume of waiting) resume();
      }
    }
    return { outcome: 'accepted', key: event.key, action: event.action, mapped: personId !== null };
  }

  /**
   * After accounts were mapped or unmapped (a cardholder changed, imported,
   * synced from the directory, or mapped on the console): the identity map is
   * rebuilt, and the open sessions of accounts that mapped to nobody and map
   * to a person now become that person's at once, each journaled. Resolves
   * when those entries are committed.
   */
  remapAccounts(): Promise<number> {
    this.accounts.invalidate();
    return this.attributeSessions();
  }

  /** Open sessions of accounts mapped since the identity map was last looked at become their person's. */
  private async attributeSessions(): Promise<number> {
    if (this.closed) return 0; // a look scheduled before the stop: the journal is closing
    const mapped = this.accounts.mapped(); // rebuilt here when the cardholders changed
    if (this.accounts.generation === this.attributedGeneration) return 0;
    this.attributedGeneration = this.accounts.generation;
    const waiting = this.sessions.unmappedDigests();
    if (waiting.size === 0) return 0;
    const appends: Promise<JournalEntry>[] = [];
    for (const [key, personId] of mapped) {
      const digest = this.deps.accountDigest(key);
      if (!waiting.has(digest)) continue;
      for (const session of this.sessions.attribute(digest, personId))
        appends.push(this.deps.journal.append(sessionAttributedEntry(session)));
    }
    const results = await Promise.allSettled(appends);
    for (const r of results)
      if (r.status === 'rejected') {
        this.journalFailures += 1;
        this.deps.log('warn', 'a session attributed to its person could not be journaled', {
          error: String(r.reason),
        });
      }
    return appends.length;
  }

  /** For listeners: nobody awaits, a failed journal write is counted and logged. */
  takeDetached(interpretation: Interpretation, arrival: LoginArrival): void {
    this.take(interpretation, arrival).catch((error: unknown) =>
      this.deps.log('warn', 'a login could not be journaled', { via: arrival.via, error: String(error) }),
    );
  }

  /**
   * The sessions open at the last stop, from the journal: called once at the
   * start, before any listener takes a message.
   */
  async restoreSessions(history: SessionHistory, open: (e: JournalEntry) => JournalEntry): Promise<number> {
    const restored = await restoreSessions(this.sessions, {
      history,
      open,
      now: this.deps.clock.now().getTime(),
      horizonMs: this.sessionHorizonMs,
      log: this.deps.log,
    });
    this.relocateSessions();
    return restored;
  }

  /**
   * Open sessions on a workstation placed or taken back on the console take
   * its place now (the guard's "Sessions now" at once, not at the next login);
   * without a host, every session on a placed workstation (after a restart,
   * the placings made since those sessions' logins).
   */
  relocateSessions(changedHost?: string): number {
    const changed = changedHost === undefined ? null : hostKey(changedHost);
    return this.sessions.relocate((host) => {
      const place = this.workstations.placeOf(host, null);
      if (changed === null) return place;
      if (hostKey(host) !== changed && hostKey(host).split('.')[0] !== changed) return null;
      return place ?? NOWHERE;
    });
  }

  /** The sessions tracked now (open and locked), time-outs applied. */
  trackedSessions(): TrackedSession[] {
    void this.attributeSessions();
    return this.sessions.list(this.deps.clock.now().getTime());
  }

  private track(event: LoginObserved, at: number, identity: LoginIdentity, now: number): void {
    const action = SESSION_ACTIONS[event.action];
    if (!action) return;
    this.sessions.apply(
      {
        at,
        action,
        personId: identity.personId,
        accountDigest: identity.accountDigest,
        account: event.account?.name ?? null,
        host: event.workstation.host,
        zone: identity.place?.zone ?? null,
        remote: event.remote || (identity.place?.remote ?? false),
        sessionId: event.sessionId,
      },
      now,
    );
  }

  private observe(event: LoginObserved, at: number, identity: LoginIdentity, arrival: LoginArrival): void {
    const action = SESSION_ACTIONS[event.action];
    const { personId, accountDigest, place } = identity;
    // Without an account (logind's "Removed session") there is nobody to judge.
    if (!action || !accountDigest || !this.deps.correlation) return;
    const fact: LoginEvent = {
      kind: 'login',
      id: event.key,
      at,
      action,
      // The digest, as the journal keeps it: a fact read back after a restart names the same account.
      account: accountDigest,
      personId,
      host: event.workstation.host,
      zone: place?.zone ?? null,
      ...(place?.acceptedZones ? { acceptedZones: place.acceptedZones } : {}),
      remote: event.remote || (place?.remote ?? false),
      sessionKey: event.sessionId ?? accountDigest,
      source: arrival.sourceAddress ? `${arrival.via} ${arrival.sourceAddress}` : arrival.via,
    };
    this.deps.correlation.observe(fact);
  }

  /** Every counter, for health, metrics and the status route. */
  counters() {
    const i = this.intake;
    return {
      accepted: i.accepted,
      duplicates: i.duplicates,
      ignored: { ...i.ignored },
      unknown: { ...i.unknown },
      refused: { ...i.refused },
      unmappedAccounts: this.unmappedCount,
      unplacedWorkstations: this.unplacedCount,
      journalFailures: this.journalFailures,
      /** Accepted facts waiting for their journal commit (the listeners hold off at MAX_IN_FLIGHT). */
      journalBacklog: this.inFlight,
      sessions: { tracked: this.sessions.size, ...this.sessions.counters },
      ...(this.topic
        ? {
            mqtt: {
              messages: this.topic.counters.messages,
              events: this.topic.counters.events,
              rejected: { ...this.topic.counters.rejected },
            },
          }
        : {}),
    };
  }

  /**
   * Accounts seen that map to nobody (their normalised key, `corp\\ann`), most
   * recent first; one mapped since is left out at once, not after a restart.
   */
  unmappedAccounts(): { account: string; count: number; lastSeen: string }[] {
    return this.unmapped
      .list()
      .filter((a) => this.accounts.personOf(a.key) === null)
      .map((a) => ({ account: a.key, count: a.count, lastSeen: new Date(a.lastSeen).toISOString() }));
  }

  /** Workstations that sent logins and that no zone holds (`logins.workstations`), most recent first. */
  unplacedWorkstations(): { host: string; count: number; lastSeen: string; sourceAddress: string | null }[] {
    // One placed since is left out at once.
    return this.unplaced
      .list()
      .filter((w) => this.workstations.placeOf(w.key, w.sourceAddress) === null)
      .map((w) => ({
        host: w.key,
        count: w.count,
        lastSeen: new Date(w.lastSeen).toISOString(),
        sourceAddress: w.sourceAddress,
      }));
  }

  keptUnknown(): readonly KeptUnknown[] {
    return this.intake.keptUnknown();
  }

  /** Each listener's counters: accepted, and refusals by reason. */
  listenerStatus() {
    return this.listeners.map((l) => ({
      ...l.counters.snapshot(),
      address: l.address,
      connections: l.connections,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.listeners.map((l) => l.close()));
    this.deps.bus.off('journal.committed', 'logins-identity');
  }
}
