import {
  every,
  type Clock,
  type GatehouseBus,
  type JournalEntry,
  type JsonObject,
  type Log,
} from '@gatehouse/contracts';
import { type Alert, CorrelationEngine, type Outcome, type Withdrawal } from './engine';
import type { CorrelationEvent } from './events';
import { type DoorSides, FACT_TYPES, factFromEntry } from './journal-facts';
import type { CorrelationSettings } from './settings';

/** What the service needs of the journal: writing its alerts, and reading back the horizon at start. */
export interface CorrelationJournal {
  append(input: {
    type: string;
    source: string;
    subjects: { kind: 'person' | 'door' | 'reader'; id: string }[];
    payload: JsonObject;
  }): Promise<unknown>;
}
export interface CorrelationHistory {
  /** Entries after `afterSeq` of these types from `from` on, oldest first, at most `limit`. */
  since(afterSeq: number, filter: { from: string; types: string[] }, limit: number): Promise<JournalEntry[]>;
}

const ALERT_TYPES = ['correlation.alert-raised', 'correlation.alert-withdrawn'];
const SETTINGS_TYPE = 'correlation.settings-in-force';
const PAGE = 1000;
const TICK_MS = 15_000;

/**
 * The correlation rules at work in the gateway: facts from the journal (so a
 * restart replays the horizon, and every fact has one id), alerts into the
 * journal and the alarm queue, withdrawals likewise. Other inputs (logins)
 * reach it through `observe`.
 */
export class CorrelationService {
  readonly engine: CorrelationEngine;
  private stopTick: (() => void) | null = null;
  private live: CorrelationEvent[] | null = [];

  constructor(
    private readonly settings: CorrelationSettings,
    private readonly deps: {
      journal: CorrelationJournal;
      history: CorrelationHistory;
      bus: GatehouseBus;
      clock: Clock;
      doorSides: (doorId: string) => DoorSides | undefined;
      log: Log;
    },
  ) {
    this.engine = new CorrelationEngine(settings);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /**
   * Listens first (what commits meanwhile waits), then adopts the alerts
   * raised before a restart, replays the horizon's facts, withdraws what the
   * replay no longer supports, and takes the live facts that waited.
   */
  async start(): Promise<void> {
    const { bus, clock } = this.deps;
    bus.on('journal.committed', 'correlation', (entries) => {
      for (const e of entries) {
        const fact = factFromEntry(e, this.deps.doorSides);
        if (fact) this.observe(fact);
      }
    });
    const from = new Date(this.now() - this.horizonMs()).toISOString();
    this.engine.adopt(await this.raisedBefore(from));
    const replayed = await this.read(from, FACT_TYPES);
    const now = this.now();
    const out: Outcome = { raised: [], withdrawn: [] };
    for (const e of replayed) {
      const fact = factFromEntry(e, this.deps.doorSides);
      if (!fact) continue;
      const o = this.engine.observe(fact, now);
      out.raised.push(...o.raised);
      out.withdrawn.push(...o.withdrawn);
    }
    out.withdrawn.push(...this.engine.reconcileAdopted());
    this.publish(out);
    await this.recordSettings();
    const waiting = this.live ?? [];
    this.live = null;
    for (const fact of waiting) this.observe(fact);
    this.stopTick = every(clock, TICK_MS, () => this.publish(this.engine.tick(this.now())), {
      background: true,
      onError: (error) => this.deps.log('warn', 'correlation tick failed', { error: String(error) }),
    });
    this.deps.log('info', 'correlation started', {
      replayed: replayed.length,
      adoptedOpen: this.engine.open().length,
    });
  }

  /**
   * The settings are configuration (a file an administrator edits): the first
   * start with settings unlike the last journaled ones puts them on record, so
   * a change of the rules is in the journal with when it took effect.
   */
  private async recordSettings(): Promise<void> {
    const s = this.settings;
    const payload = {
      rules: s.rules,
      skewToleranceMs: s.skewToleranceMs,
      denialBurst: s.denialBurst,
      remoteNeedsPresence: s.remoteNeedsPresence,
      horizonMs: s.horizonMs,
    } as unknown as JsonObject;
    const recorded = await this.read(new Date(0).toISOString(), [SETTINGS_TYPE]);
    const last = recorded.at(-1)?.payload;
    if (last && sameJson(last, payload)) return;
    await this.deps.journal.append({ type: SETTINGS_TYPE, source: 'correlation', subjects: [], payload });
  }

  stop(): void {
    this.stopTick?.();
    this.deps.bus.off('journal.committed', 'correlation');
  }

  /** One fact from any source (the journal's, or a login's). */
  observe(fact: CorrelationEvent): void {
    if (this.live) {
      this.live.push(fact);
      return;
    }
    this.publish(this.engine.observe(fact, this.now()));
  }

  private horizonMs(): number {
    return this.settings.horizonMs;
  }

  private async read(from: string, types: string[]): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let after = 0;
    // Bounded: the horizon holds a finite number of entries, read a page at a time.
    for (;;) {
      const page = await this.deps.history.since(after, { from, types }, PAGE);
      out.push(...page);
      if (page.length < PAGE) return out;
      after = page.at(-1)!.seq;
    }
  }

  /** Alerts raised within the horizon and not withdrawn since, as the journal has them. */
  private async raisedBefore(from: string): Promise<Alert[]> {
    const open = new Map<string, Alert>();
    for (const e of await this.read(from, ALERT_TYPES)) {
      const p = e.payload as unknown as Alert;
      if (e.type === 'correlation.alert-raised') open.set(p.key, { ...p, evidence: [], state: 'raised' });
      else open.delete(p.key);
    }
    return [...open.values()];
  }

  /** Each raised alert and each withdrawal: journaled, and into (or out of) the alarm queue. */
  private publish(out: Outcome): void {
    for (const a of out.raised) this.raise(a);
    for (const w of out.withdrawn) this.withdraw(w);
  }

  private raise(a: Alert): void {
    const { bus, journal } = this.deps;
    const entry = {
      type: 'correlation.alert-raised',
      source: 'correlation',
      subjects: subjectsOf(a),
      payload: {
        key: a.key,
        rule: a.rule,
        severity: a.severity,
        personId: a.personId,
        at: a.at,
        dueAt: a.dueAt,
        raisedAt: a.raisedAt,
        summary: a.summary,
        evidence: a.evidence.map((f) => evidenceOf(f, this.engine.seqOf(f))),
      } as unknown as JsonObject,
    };
    bus.track(entry.type, 'correlation', journal.append(entry), { key: a.key });
    const first = a.evidence.find((f) => f.kind === 'badge' || f.kind === 'denial');
    bus.emit('alarm.raised', {
      type: a.rule,
      priority: a.severity,
      silent: false,
      cardholderId: a.personId,
      doorId: first && 'doorId' in first ? first.doorId : null,
      readerId: first && 'readerId' in first ? first.readerId : null,
      detail: withoutAccounts(a),
      at: a.at,
      sourceKey: a.key,
      ...workstationOf(a),
    });
  }

  private withdraw(w: Withdrawal): void {
    const { bus, journal } = this.deps;
    const entry = {
      type: 'correlation.alert-withdrawn',
      source: 'correlation',
      subjects: subjectsOf(w.alert),
      payload: {
        key: w.alert.key,
        rule: w.alert.rule,
        personId: w.alert.personId,
        reason: w.reason,
        because: w.because ? evidenceOf(w.because, this.engine.seqOf(w.because)) : null,
      } as unknown as JsonObject,
    };
    bus.track(entry.type, 'correlation', journal.append(entry), { key: w.alert.key });
    bus.emit('alarm.withdrawn', {
      type: w.alert.rule,
      sourceKey: w.alert.key,
      reason: w.reason,
      at: this.now(),
    });
  }
}

/**
 * The alarm queue's line for an alert: its summary without the directory
 * accounts it names. The queue is read by roles that may not see accounts
 * (guards: permissions.ts, `directoryAccount`); the evidence behind the alarm
 * names them to those who may.
 */
const withoutAccounts = (a: Alert): string => {
  let text = a.summary;
  for (const f of a.evidence) if (f.kind === 'login') text = text.split(f.account).join('their account');
  return text;
};

/**
 * The workstation session an alert is about (its latest login fact), for a
 * workstation-lock target. The session key stands in for the account when a
 * source gave no session id: then no id is passed on, never the account.
 */
const workstationOf = (a: Alert): { workstation?: { host: string; sessionId: string | null } } => {
  const login = a.evidence.filter((f) => f.kind === 'login').at(-1);
  if (!login) return {};
  const sessionId = login.sessionKey && login.sessionKey !== login.account ? login.sessionKey : null;
  return { workstation: { host: login.host, sessionId } };
};

/** Equal as JSON whatever the order of keys (the journal stores canonical JSON, keys sorted). */
const sameJson = (a: unknown, b: unknown): boolean => {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
};

const subjectsOf = (a: Alert) => {
  const s: { kind: 'person' | 'door' | 'reader'; id: string }[] = [];
  if (a.personId) s.push({ kind: 'person', id: a.personId });
  for (const f of a.evidence) {
    if (f.kind === 'badge' || f.kind === 'denial') {
      if (f.doorId) s.push({ kind: 'door', id: f.doorId });
      s.push({ kind: 'reader', id: f.readerId });
    }
  }
  return s;
};

/**
 * A fact as the alert's evidence chain shows it: what, when, where, from
 * which source, and the journal entry it came from (by seq) when known.
 */
const evidenceOf = (f: CorrelationEvent, seq: number | undefined) => ({
  ...(seq === undefined ? {} : { seq }),
  ...evidenceFields(f),
});

const evidenceFields = (f: CorrelationEvent) => {
  switch (f.kind) {
    case 'badge':
      return {
        id: f.id,
        kind: f.kind,
        at: f.at,
        doorId: f.doorId,
        readerId: f.readerId,
        zone: f.zone,
        fromZone: f.fromZone,
      };
    case 'denial':
      return { id: f.id, kind: f.kind, at: f.at, readerId: f.readerId, doorId: f.doorId, reason: f.reason };
    case 'login':
      return {
        id: f.id,
        kind: f.kind,
        at: f.at,
        action: f.action,
        account: f.account,
        host: f.host,
        zone: f.zone,
        remote: f.remote,
        source: f.source,
      };
    case 'status':
      return { id: f.id, kind: f.kind, at: f.at, leaver: f.leaver };
  }
};
