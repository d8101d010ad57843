import {
  type Actor,
  type AlarmRaised,
  type Clock,
  every,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type Log,
} from '@gatehouse/contracts';
import { type DirectoryAnswer, DirectoryFault, type FaultKind } from './answer';
import { type PersonUpdate, planSync, type Refusal, type SyncCardholder, type Unmapped } from './plan';

/** Where the sync writes: the gateway binds these to access records, the journal, the links table and the bus. */
export interface DirectoryPorts {
  read(): Promise<DirectoryAnswer>;
  cardholders(): Iterable<SyncCardholder>;
  accountKey(account: string | null): string | null;
  levelExists(id: string): boolean;
  /** Changes a cardholder's fields (journaled by access, as any change of a cardholder). */
  updateCardholder(id: string, patch: PersonUpdate['patch'], actor: Actor): Promise<void>;
  /**
   * Marks a cardholder left, suspends their active credentials and journals
   * `record(suspended)`, the sync's entry saying why, in the same transaction;
   * the ids suspended.
   */
  markLeaver(
    id: string,
    actor: Actor,
    record: (suspended: readonly string[]) => JournalEntryInput,
  ): Promise<string[]>;
  journal: { append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry> };
  links: { load(): Set<string>; replace(ids: readonly string[], at: number): void };
  raise(alarm: AlarmRaised): void;
  clock: Clock;
  log: Log;
}

export interface DirectorySyncSettings {
  intervalSeconds: number;
  groupLevels: Readonly<Record<string, readonly string[]>>;
  safety: { maxLeaverFraction: number; alwaysAllow: number };
  /** The server, for status and alarms (no credentials in it). */
  url: string;
}

export type Trigger = 'schedule' | 'operator' | 'start';

export interface SyncChange {
  cardholderId: string;
  change: 'updated' | 'left' | 'returned' | 'failed';
  fields?: string[];
  reason?: 'disabled' | 'removed';
  suspendedCredentials?: number;
  error?: string;
}

export interface SyncRun {
  at: string;
  trigger: Trigger;
  result: 'applied' | 'unchanged' | 'refused' | 'failed';
  durationMs: number;
  fault: { kind: FaultKind; message: string } | null;
  refusal: Refusal | null;
  counts: {
    people: number;
    linked: number;
    updated: number;
    leavers: number;
    suspendedCredentials: number;
    unmapped: number;
    returned: number;
    failed: number;
    /** Entries with no account (counted, not matched). */
    withoutAccount: number;
  };
  /** The changes of this run (the first 200). */
  changes: SyncChange[];
}

export interface DirectoryStatus {
  enabled: true;
  url: string;
  intervalSeconds: number;
  running: boolean;
  lastRun: SyncRun | null;
  /**
   * The latest run that changed someone (or failed to), with its changes: a
   * quiet run every few minutes must not hide what the last real change was.
   */
  lastChanges: SyncRun | null;
  /** When an answer was last applied; the links from it are what the next run compares with. */
  lastGoodAt: string | null;
  linked: number;
  /** The last few runs, newest first, without their change lists. */
  history: Omit<SyncRun, 'changes'>[];
}

const SYSTEM: Actor = { kind: 'system', name: 'directory-sync' };
const MAX_CHANGES = 200;
const HISTORY = 20;

/** The alarm a fault raises: one type per cause, so a guard sees which to fix. */
const ALARM_OF: Record<FaultKind, string> = {
  unreachable: 'directory-unreachable',
  timeout: 'directory-unreachable',
  tls: 'directory-tls',
  'bind-refused': 'directory-bind-refused',
  'search-failed': 'directory-search-failed',
  partial: 'directory-search-failed',
  secrets: 'directory-misconfigured',
};

const asJson = (v: unknown): JsonObject => JSON.parse(JSON.stringify(v)) as JsonObject;

/**
 * Directory sync: on a schedule and on demand, reads the directory, plans,
 * and applies a plan only whole and only when safe. A run that fails or is
 * refused changes nothing (the last good links and every cardholder stay),
 * raises an alarm and is journaled when its cause changes, not every interval.
 */
export class DirectorySync {
  private linked: Set<string>;
  private lastGoodAt: string | null = null;
  private readonly runs: SyncRun[] = [];
  private lastChanges: SyncRun | null = null;
  private unmappedNow: Unmapped[] = [];
  private running: Promise<SyncRun> | null = null;
  private firstRun: (() => void) | null = null;
  private stopSchedule: (() => void) | null = null;
  /** The last fault journaled, so a directory down for hours is one entry, not one per interval. */
  private lastFaultKind: FaultKind | 'refused' | null = null;

  constructor(
    private readonly settings: DirectorySyncSettings,
    private readonly ports: DirectoryPorts,
  ) {
    this.linked = ports.links.load();
  }

  /**
   * Runs once at start (the first `tick` of the clock), then every interval of
   * the injected clock, in the background (it never holds the process open).
   * A run still going when the next falls due is not doubled.
   */
  start(): void {
    const onError = (error: unknown) =>
      this.ports.log('error', 'directory sync failed unexpectedly', { error: String(error) });
    this.firstRun = this.ports.clock.after(0, () => void this.sync('start').catch(onError), true);
    this.stopSchedule = every(
      this.ports.clock,
      this.settings.intervalSeconds * 1000,
      () => this.sync('schedule'),
      {
        background: true,
        onError,
      },
    );
  }

  stop(): void {
    this.firstRun?.();
    this.stopSchedule?.();
    this.firstRun = this.stopSchedule = null;
  }

  /**
   * One run; a run asked for while one is going joins it rather than reading
   * the directory twice. Its changes are the sync's (actor `directory-sync`)
   * whoever asked: the directory decided them; an operator's request is
   * journaled apart by the caller.
   */
  sync(trigger: Trigger): Promise<SyncRun> {
    if (this.running) return this.running;
    this.running = this.runOnce(trigger, SYSTEM).finally(() => (this.running = null));
    return this.running;
  }

  /** Waits for a run in progress (for a clean stop). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  status(): DirectoryStatus {
    const last = this.runs[0] ?? null;
    return {
      enabled: true,
      url: this.settings.url,
      intervalSeconds: this.settings.intervalSeconds,
      running: this.running !== null,
      lastRun: last,
      lastChanges: this.lastChanges,
      lastGoodAt: this.lastGoodAt,
      linked: this.linked.size,
      history: this.runs.map(({ changes: _changes, ...rest }) => rest),
    };
  }

  /** Directory accounts that map to no cardholder, as of the last good answer. */
  unmapped(): { count: number; accounts: Unmapped[] } {
    return { count: this.unmappedNow.length, accounts: this.unmappedNow };
  }

  private async runOnce(trigger: Trigger, actor: Actor): Promise<SyncRun> {
    const started = this.ports.clock.now().getTime();
    const run: SyncRun = {
      at: new Date(started).toISOString(),
      trigger,
      result: 'unchanged',
      durationMs: 0,
      fault: null,
      refusal: null,
      counts: {
        people: 0,
        linked: this.linked.size,
        updated: 0,
        leavers: 0,
        suspendedCredentials: 0,
        unmapped: this.unmappedNow.length,
        returned: 0,
        failed: 0,
        withoutAccount: 0,
      },
      changes: [],
    };
    try {
      const answer = await this.ports.read();
      await this.apply(answer, run, actor);
    } catch (error) {
      const fault =
        error instanceof DirectoryFault ? error : new DirectoryFault('search-failed', String(error));
      run.result = 'failed';
      run.fault = { kind: fault.kind, message: fault.message };
      await this.failed(run, fault);
    }
    run.durationMs = this.ports.clock.now().getTime() - started;
    this.runs.unshift(run);
    if (run.changes.length > 0) this.lastChanges = run;
    this.runs.length = Math.min(this.runs.length, HISTORY);
    return run;
  }

  private async apply(answer: DirectoryAnswer, run: SyncRun, actor: Actor): Promise<void> {
    const plan = planSync({
      answer,
      cardholders: this.ports.cardholders(),
      accountKey: (a) => this.ports.accountKey(a),
      linkedBefore: this.linked,
      groupLevels: this.settings.groupLevels,
      levelExists: (id) => this.ports.levelExists(id),
      safety: this.settings.safety,
    });
    run.counts.people = answer.people.length;
    run.counts.withoutAccount = plan.withoutAccount;
    if (plan.refused) {
      run.result = 'refused';
      run.refusal = plan.refused;
      run.counts.leavers = plan.leavers.length;
      await this.refused(run, plan.refused);
      return;
    }
    this.unmappedNow = plan.unmapped;
    run.counts.unmapped = plan.unmapped.length;
    const note = (c: SyncChange) => {
      if (run.changes.length < MAX_CHANGES) run.changes.push(c);
    };
    for (const u of plan.updates) {
      try {
        await this.ports.updateCardholder(u.cardholderId, u.patch, actor);
        run.counts.updated += 1;
        note({ cardholderId: u.cardholderId, change: 'updated', fields: Object.keys(u.patch) });
      } catch (error) {
        // One record the store refuses (a deleted level meanwhile) does not stop the others.
        run.counts.failed += 1;
        note({ cardholderId: u.cardholderId, change: 'failed', error: String(error) });
      }
    }
    for (const l of plan.leavers) {
      try {
        // The reason commits with the state change: a stop between them must not lose it.
        const suspended = await this.ports.markLeaver(l.cardholderId, actor, (cards) => ({
          type: 'directory.leaver',
          source: 'directory',
          actor,
          subjects: [
            { kind: 'person', id: l.cardholderId },
            ...cards.map((id) => ({ kind: 'credential' as const, id })),
          ],
          payload: asJson({
            cardholderId: l.cardholderId,
            reason: l.reason,
            account: l.account,
            suspended: [...cards],
          }),
          ...(l.account ? { personal: { personId: l.cardholderId, paths: ['account'] } } : {}),
        }));
        run.counts.leavers += 1;
        run.counts.suspendedCredentials += suspended.length;
        note({
          cardholderId: l.cardholderId,
          change: 'left',
          reason: l.reason,
          suspendedCredentials: suspended.length,
        });
      } catch (error) {
        run.counts.failed += 1;
        note({ cardholderId: l.cardholderId, change: 'failed', reason: l.reason, error: String(error) });
      }
    }
    for (const id of plan.returned) note({ cardholderId: id, change: 'returned' });
    run.counts.returned = plan.returned.length;
    run.counts.linked = plan.linked.length;
    const changed = run.counts.updated + run.counts.leavers + run.counts.failed > 0;
    run.result = changed ? 'applied' : 'unchanged';
    const recovered = this.lastFaultKind !== null;
    const at = this.ports.clock.now().getTime();
    const links = plan.linked;
    const linksChanged = links.length !== this.linked.size || links.some((id) => !this.linked.has(id));
    if (changed || recovered || linksChanged) {
      await this.ports.journal.append(
        {
          type: 'directory.synced',
          source: 'directory',
          actor,
          payload: asJson({ trigger: run.trigger, result: run.result, counts: run.counts, recovered }),
        },
        () => this.ports.links.replace(links, at),
      );
    }
    this.linked = new Set(links);
    this.lastGoodAt = new Date(at).toISOString();
    this.lastFaultKind = null;
  }

  private async failed(run: SyncRun, fault: DirectoryFault): Promise<void> {
    // Never the password: the fault's message is built from the URL and the LDAP result only.
    this.ports.log('warn', 'directory sync could not read the directory', {
      kind: fault.kind,
      error: fault.message,
    });
    this.ports.raise({
      type: ALARM_OF[fault.kind],
      priority: 'high',
      silent: false,
      detail: `${fault.message}; the last good mapping is kept`,
      at: this.ports.clock.now().getTime(),
    });
    if (this.lastFaultKind === fault.kind) return;
    this.lastFaultKind = fault.kind;
    await this.ports.journal.append({
      type: 'directory.failed',
      source: 'directory',
      actor: SYSTEM,
      payload: asJson({
        trigger: run.trigger,
        kind: fault.kind,
        message: fault.message,
        linkedKept: this.linked.size,
      }),
    });
  }

  private async refused(run: SyncRun, refusal: Refusal): Promise<void> {
    const detail =
      refusal.reason === 'empty-answer'
        ? `the directory answered with nobody while ${refusal.linked} people are linked; nothing applied`
        : `the directory answer would make ${refusal.leavers} of ${refusal.linked} linked people leavers (at most ${refusal.allowed} at once); nothing applied`;
    this.ports.log('warn', 'directory sync refused an answer', { ...refusal });
    this.ports.raise({
      type: 'directory-mass-leavers',
      priority: 'high',
      silent: false,
      detail,
      at: this.ports.clock.now().getTime(),
    });
    if (this.lastFaultKind === 'refused') return;
    this.lastFaultKind = 'refused';
    await this.ports.journal.append({
      type: 'directory.refused',
      source: 'directory',
      actor: SYSTEM,
      payload: asJson({ trigger: run.trigger, ...refusal }),
    });
  }
}
