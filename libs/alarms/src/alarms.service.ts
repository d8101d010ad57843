import { randomUUID } from 'node:crypto';
import {
  handlerFailure,
  type Actor,
  type AlarmCleared,
  type AlarmRaised,
  type AlarmWithdrawn,
  type Clock,
  DomainError,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type SubjectRef,
} from '@gatehouse/contracts';
import { ERASED_PERSON } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';
import {
  type Alarm,
  type AlarmState,
  coveringType,
  dedupeKey,
  DOOR_OPEN_TYPES,
  CONDITION_TYPES,
  INFORMATIONAL_TYPES,
  isOpen,
  type Priority,
  queueOrder,
  raisePriority,
} from './alarm';
import {
  type AlarmCommentSealing,
  alarmOf,
  shownAlarm,
  type StoredAlarm,
  storedAlarm,
} from './comment-sealing';

export interface AlarmJournal {
  append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry>;
  alongside(change: () => void): void;
}

export interface AlarmSettings {
  /** Seconds an alarm may stay unacknowledged before it escalates, per priority (0: never). */
  escalateAfterSeconds: Record<Priority, number>;
  /** Priorities whose alarms resolve by themselves when the cause ends (a pre-alarm, say). */
  autoResolve: readonly Priority[];
}

/** Where alarm changes are queued for the outside world, inside the change's own transaction. */
export interface AlarmNotifications {
  enqueue(a: Alarm, change: string, at: number): void;
  kick(): void;
}

export const DEFAULT_ALARM_SETTINGS: AlarmSettings = {
  escalateAfterSeconds: { critical: 30, high: 60, medium: 300, low: 0 },
  autoResolve: ['low'],
};

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as JsonObject;
const fail = (code: string, message: string) => new DomainError('conflict', code, message);

/** How a change is stored (see `write`). */
interface Only {
  /**
   * A change that must happen once (an escalation step, an acknowledgement) applies only if the
   * stored record is still as it was read: a conditional update in the entry's transaction, so two
   * calls (two timers, a timer and a guard, a service restarted beside one still running) cannot
   * both apply; the one that finds it changed is refused, and its entry is not written.
   */
  expected?: Expected;
  /**
   * The only fields the change sets (an escalation, a cause that ended): stored with json_set and
   * laid over the alarm as held when it commits, so what landed meanwhile (a repeat's count, the
   * door closing, an escalation) is kept, not overwritten by a copy read before it. Never the
   * words: they are sealed as one.
   */
  fields?: readonly (keyof Alarm)[];
}

/** What a change expects of the stored record: it applies only if the record is still so (see `write`). */
interface Expected {
  state: AlarmState;
  escalations: number;
  /** The answer when the record changed meanwhile. */
  refused: () => DomainError;
}
const changedMeanwhile = () =>
  fail('alarm.changed-meanwhile', 'this alarm was escalated or acknowledged meanwhile: look at it again');

/**
 * The alarm queue: every source raises alarms on the bus; this keeps their
 * records (de-duplicated, cleared when the cause ends, escalated when nobody
 * acknowledges them in time) and the guards' actions on them. Each change is a
 * journal entry first, written with the record in one transaction.
 */
export class AlarmsService {
  private readonly open = new Map<string, Alarm>();
  private readonly timers = new Map<string, () => void>();
  /** Per alarm, the tail of its changes in progress: each reads what the one before it wrote. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private notifications: AlarmNotifications | null = null;

  constructor(
    private readonly db: Db,
    private readonly journal: AlarmJournal,
    private readonly clock: Clock,
    private readonly bus: GatehouseBus,
    private readonly settings: AlarmSettings = DEFAULT_ALARM_SETTINGS,
    /** Seals the comments on an alarm about a person under their key (none: such comments are refused). */
    private readonly sealing: AlarmCommentSealing | null = null,
  ) {
    for (const d of db
      .prepare("SELECT data FROM alarms WHERE state IN ('new', 'acknowledged')")
      .pluck()
      .all() as string[]) {
      const a = alarmOf(JSON.parse(d) as StoredAlarm, sealing);
      this.open.set(a.key, a);
      this.scheduleEscalation(a, true);
    }
    bus.on('alarm.raised', 'alarms', (r) => this.raise(r));
    bus.on('alarm.cleared', 'alarms', (c) => this.cleared(c));
    bus.on('alarm.withdrawn', 'alarms', (w) => this.withdrawn(w));
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** From now on every change is queued here too, committed with the change and its journal entry. */
  notifyThrough(notifications: AlarmNotifications): void {
    this.notifications = notifications;
  }

  private subjects(a: Alarm): SubjectRef[] {
    const s: SubjectRef[] = [{ kind: 'alarm', id: a.id }];
    if (a.doorId) s.push({ kind: 'door', id: a.doorId });
    if (a.readerId) s.push({ kind: 'reader', id: a.readerId });
    if (a.sensorId) s.push({ kind: 'device', id: a.sensorId });
    if (a.cardholderId) s.push({ kind: 'person', id: a.cardholderId });
    return s;
  }

  /**
   * Journals a change to an alarm and stores the record in the same transaction.
   * `written`: the payload's words that may name the person the alarm is about
   * (a guard's comment or reason, an alert's detail), sealed under their key,
   * as the stored alarm's words are.
   */
  private async write(
    a: Alarm,
    type: string,
    payload: Record<string, unknown>,
    actor?: Actor,
    written: readonly string[] = [],
    only: Only = {},
  ): Promise<Alarm> {
    const { expected, fields } = only;
    const at = type === 'alarm.raised' ? a.raisedAt : this.now();
    // Sealed before anything is written: a comment that cannot be kept sealed is refused whole.
    const row = JSON.stringify(storedAlarm(a, this.sealing));
    // The person was erased: what a guard writes about them now is not kept either (the alarm can
    // still be acknowledged and resolved); the entry says "erased person" where the words were.
    const erased = a.cardholderId !== null && written.length > 0 && this.sealing?.erased(a.cardholderId);
    const kept: Record<string, unknown> = erased
      ? {
          ...payload,
          ...Object.fromEntries(written.filter((k) => payload[k]).map((k) => [k, ERASED_PERSON])),
        }
      : payload;
    await this.journal.append(
      {
        type,
        source: 'alarms',
        subjects: this.subjects(a),
        ...(actor ? { actor } : {}),
        payload: json({
          alarmId: a.id,
          type: a.type,
          priority: a.priority,
          state: a.state,
          doorId: a.doorId,
          ...kept,
        }),
        ...(a.cardholderId !== null && written.length > 0 && !erased
          ? { personal: { personId: a.cardholderId, paths: [...written] } }
          : {}),
      },
      () => {
        const stored = this.store(a, row, only);
        if (expected && stored === 0) throw expected.refused();
        this.notifications?.enqueue(a, type, at);
      },
    );
    this.notifications?.kick();
    const held = this.open.get(a.key);
    // A change of some fields lays them over the alarm as held now. One no longer held (a guard
    // resolved it while this waited for its commit, its key perhaps taken by a new alarm since) is
    // as stored: a cause that ended never puts a resolved alarm back in the queue.
    const now: Alarm = !fields
      ? a
      : held?.id === a.id
        ? { ...held, ...Object.fromEntries(fields.map((f) => [f, a[f]])) }
        : this.get(a.id);
    // Another alarm that took the key since (this one left the queue meanwhile) is never replaced.
    if (isOpen(now)) {
      if (!held || held.id === now.id) this.open.set(now.key, now);
    } else {
      if (held?.id === now.id) this.open.delete(now.key);
      this.clearTimer(now.id);
    }
    this.bus.emit('alarm.changed', {
      id: now.id,
      state: now.state,
      priority: now.priority,
      type: now.type,
      change: type,
    });
    return shownAlarm(now, this.sealing);
  }

  /** The record, written in the entry's transaction (see `write`); how many rows changed. */
  private store(a: Alarm, row: string, { expected, fields }: Only): number {
    const condition = expected ? " AND state = ? AND json_extract(data, '$.escalations') = ?" : '';
    const expectedArgs = expected ? [expected.state, expected.escalations] : [];
    if (fields) {
      const paths = fields.map((f) => `'$.${f}', json(?)`).join(', ');
      return this.db
        .prepare(`UPDATE alarms SET data = json_set(data, ${paths}) WHERE id = ?${condition}`)
        .run(...fields.map((f) => JSON.stringify(a[f] ?? null)), a.id, ...expectedArgs).changes;
    }
    if (expected)
      return this.db
        .prepare(`UPDATE alarms SET data = ? WHERE id = ?${condition}`)
        .run(row, a.id, ...expectedArgs).changes;
    return this.db
      .prepare(
        'INSERT INTO alarms (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data',
      )
      .run(a.id, row).changes;
  }

  /** An open alarm whose cause is still there and stands for this one (see `coveringType`). */
  private covering(r: AlarmRaised): Alarm | undefined {
    const type = r.doorId ? coveringType(r.type) : null;
    const a = type === null ? undefined : this.open.get(dedupeKey(type, r));
    return a?.active ? a : undefined;
  }

  async raise(r: AlarmRaised): Promise<Alarm> {
    const key = dedupeKey(r.type, r);
    const existing = this.open.get(key) ?? this.covering(r);
    if (!existing) return this.raiseNew(r, key);
    // A change of that alarm is still committing (a guard resolving it, its cause ending): the
    // occurrence waits for it, so it is never counted on an alarm that is leaving the queue.
    if (this.pending.has(existing.id))
      return this.serial(existing.id, async () => {
        const now = this.open.get(key) ?? this.covering(r);
        return now ? this.repeat(now, r) : this.raiseNew(r, key);
      });
    return this.repeat(existing, r);
  }

  /** A repeat of an open alarm: counted on it, not a new alarm in the queue. */
  private repeat(existing: Alarm, r: AlarmRaised): Alarm {
    const repeated: Alarm = {
      ...existing,
      count: existing.count + 1,
      lastAt: r.at,
      active: true,
      clearedAt: null,
    };
    this.open.set(existing.key, repeated);
    // The repeat's cause is journaled by its source (the decision, the door event); the count on the
    // record rides that group commit, so the reader's feedback never waits for this write.
    this.journal.alongside(
      () =>
        void this.db
          .prepare(
            "UPDATE alarms SET data = json_set(data, '$.count', ?, '$.lastAt', ?, '$.active', json('true'), '$.clearedAt', NULL) WHERE id = ?",
          )
          .run(repeated.count, repeated.lastAt, repeated.id),
    );
    return repeated;
  }

  private async raiseNew(r: AlarmRaised, key: string): Promise<Alarm> {
    const a: Alarm = {
      id: randomUUID(),
      key,
      type: r.type,
      priority: r.priority,
      state: 'new',
      doorId: r.doorId ?? null,
      readerId: r.readerId ?? null,
      sensorId: r.sensorId ?? null,
      cardholderId: r.cardholderId ?? null,
      detail: r.detail ?? null,
      silent: r.silent,
      raisedAt: r.at,
      lastAt: r.at,
      count: 1,
      active: true,
      clearedAt: null,
      owner: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      escalations: 0,
      // The first step counts from now, when the queue learns of it, not from the occurrence's time.
      stepFrom: this.now(),
      comments: [],
      ...(r.workstation
        ? { workstation: { host: r.workstation.host, sessionId: r.workstation.sessionId } }
        : {}),
    };
    // A correlation alert's detail names the account it saw: sealed with the alarm's other words.
    await this.write(a, 'alarm.raised', { detail: a.detail, silent: a.silent, at: a.raisedAt }, undefined, [
      'detail',
    ]);
    this.scheduleEscalation(a);
    return a;
  }

  /**
   * The cause ended: the record says so; low-priority alarms nobody touched
   * resolve by themselves. A door that closed ends every door-open alarm of it
   * (forced, held, the warning), so an alarm folded into a stronger one, or
   * kept from before a restart, learns it too. A cause already ended is not
   * ended twice.
   */
  async cleared(c: AlarmCleared): Promise<Alarm | null> {
    const family = c.doorId && (DOOR_OPEN_TYPES as readonly string[]).includes(c.type);
    const types = family ? DOOR_OPEN_TYPES : [c.type];
    const found = types
      .map((type) => this.open.get(dedupeKey(type, c)))
      .filter((a): a is Alarm => a !== undefined && a.active);
    // In each alarm's turn, after the changes already asked of it (a guard's resolve, an
    // escalation): the end is recorded on the alarm as they left it, or not at all once it left
    // the queue. The door's other clears, emitted with this one, find it ended and do nothing.
    const written = await Promise.all(found.map((a) => this.serial(a.id, () => this.endCause(a.id, c.at))));
    const ended = written.filter((a): a is Alarm => a !== null);
    return ended.find((a) => a.type === c.type) ?? ended[0] ?? null;
  }

  /** The open alarm with this id as memory holds it now, if it is still open. */
  private heldById(id: string): Alarm | undefined {
    for (const a of this.open.values()) if (a.id === id) return a;
    return undefined;
  }

  /**
   * Its raiser took the alarm back (a correlation alert that a late fact
   * disproved): it leaves the queue as `withdrawn`, with the reason as a
   * comment, journaled, and stays in the history for whoever saw it. In the
   * alarm's turn: a guard who resolved it first keeps the resolution.
   */
  async withdrawn(w: AlarmWithdrawn): Promise<Alarm | null> {
    const found = [...this.open.values()].find((x) => x.type === w.type && x.key.endsWith(`|${w.sourceKey}`));
    if (!found) return null;
    return this.serial(found.id, async () => {
      const a = this.heldById(found.id);
      if (!a) return null;
      this.clearTimer(a.id);
      const next: Alarm = {
        ...a,
        state: 'withdrawn',
        active: false,
        clearedAt: w.at,
        resolvedAt: w.at,
        resolvedBy: 'system',
        comments: [...a.comments, { by: 'system', at: w.at, text: `withdrawn: ${w.reason}` }],
      };
      return this.write(next, 'alarm.withdrawn', { reason: w.reason, at: w.at }, undefined, ['reason']);
    });
  }

  /**
   * Records that an alarm's cause ended, on the alarm as it is now (run in its
   * turn: see `cleared`; one resolved meanwhile as stored): the two fields alone, or, for a priority that
   * resolves itself and an alarm nobody acted on, the resolution too. The
   * resolution is conditional on the stored record as read (another process
   * may have acted on it): refused, the cause's end alone is recorded.
   */
  private async endCause(id: string, at: number): Promise<Alarm | null> {
    // One that left the queue meanwhile (a guard resolved it) still learns that its cause ended.
    const held = this.heldById(id);
    const a = held ?? this.get(id);
    if (!a.active) return null;
    const ended = (base: Alarm) =>
      this.write(
        { ...base, active: false, clearedAt: at },
        'alarm.cause-ended',
        { at, automatic: false },
        undefined,
        [],
        {
          fields: ['active', 'clearedAt'],
        },
      );
    const auto = held !== undefined && a.state === 'new' && this.settings.autoResolve.includes(a.priority);
    if (!auto) return ended(a);
    const next: Alarm = {
      ...a,
      active: false,
      clearedAt: at,
      state: 'resolved',
      resolvedAt: at,
      resolvedBy: 'system',
    };
    try {
      return await this.write(next, 'alarm.resolved', { at, automatic: true }, undefined, [], {
        expected: { state: a.state, escalations: a.escalations, refused: changedMeanwhile },
        fields: ['active', 'clearedAt', 'state', 'resolvedAt', 'resolvedBy'],
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'alarm.changed-meanwhile') throw error;
      // What is stored is what happened: held as stored, then only the cause's end laid over it.
      this.reread(id);
      const stored = this.get(id);
      return isOpen(stored) && stored.active ? ended(stored) : null;
    }
  }

  /**
   * Arms the timer of the alarm's next escalation step. Each step counts from
   * when the step began (`stepFrom`: the alarm entered the queue or last
   * escalated), with the escalation time of the priority it has now: a medium
   * alarm escalated to high after five minutes waits high's full time before
   * the next step, never "raisedAt + 2 × high" (already past, so it went on to
   * critical in the same second). Escalation stops at the top: once critical,
   * an alarm escalates by itself only if it was raised critical and never
   * escalated (one call to the supervisor). Informational causes never
   * escalate, nor a condition that has ended.
   *
   * `restored`: the record was read at start. A step that fell due while the
   * gateway was down waits its full time from now: nobody could acknowledge
   * anything then (the console had no gateway), and a restart escalating every
   * open alarm at once would flood the queue and the supervisors' phones.
   */
  private scheduleEscalation(a: Alarm, restored = false): void {
    this.clearTimer(a.id);
    const seconds = this.settings.escalateAfterSeconds[a.priority];
    if (a.state !== 'new' || seconds <= 0 || INFORMATIONAL_TYPES.has(a.type)) return;
    if (CONDITION_TYPES.has(a.type) && !a.active) return;
    if (a.priority === 'critical' && a.escalations > 0) return;
    const now = this.now();
    const stepDue = (a.stepFrom ?? a.raisedAt) + seconds * 1000;
    const due = restored && stepDue <= now ? now + seconds * 1000 : stepDue;
    const step = a.escalations;
    const cancel = this.clock.after(
      Math.max(0, due - now),
      () => {
        if (this.timers.get(a.id) === cancel) this.timers.delete(a.id);
        void this.escalateStep(a.id, step).catch((error: unknown) =>
          // Never silent: kept as a dead letter naming the escalation, like a failing bus handler.
          this.bus.emit(
            'device.dead-letter',
            handlerFailure('alarm.escalation', 'alarms', error, { id: a.id }, this.now()),
          ),
        );
      },
      true,
    );
    this.timers.set(a.id, cancel);
  }

  /**
   * The timer's escalation of step `step` (the alarm's escalation count when it
   * was armed): applied once, whatever else fires. A step already taken, an
   * alarm acknowledged, ended or gone quiet meanwhile is left as it is. When
   * the stored record shows another instance took the step (a service started
   * beside one still running), the record is read again and its own next step
   * armed from it.
   */
  private escalateStep(id: string, step: number): Promise<void> {
    return this.serial(id, async () => {
      const current = this.heldById(id);
      if (!current || current.state !== 'new' || current.escalations !== step) return;
      if (INFORMATIONAL_TYPES.has(current.type)) return;
      if (CONDITION_TYPES.has(current.type) && !current.active) return;
      try {
        await this.escalateNow(current, null, 'not acknowledged in time');
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'alarm.changed-meanwhile') throw error;
        this.reread(id);
      }
    });
  }

  /** The stored record replaces what memory held of an alarm (another writer changed it). */
  private reread(id: string): void {
    const stored = this.get(id);
    const held = this.heldById(id);
    if (held) this.open.delete(held.key);
    if (!isOpen(stored)) return this.clearTimer(id);
    this.open.set(stored.key, stored);
    this.scheduleEscalation(stored);
  }

  /** Runs the changes of one alarm one after another, in the order asked. */
  private serial<T>(id: string, run: () => Promise<T>): Promise<T> {
    const result = (this.pending.get(id) ?? Promise.resolve()).then(run);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(id, tail);
    void tail.then(() => {
      if (this.pending.get(id) === tail) this.pending.delete(id);
    });
    return result;
  }

  private clearTimer(id: string): void {
    this.timers.get(id)?.();
    this.timers.delete(id);
  }

  private openById(id: string): Alarm {
    const held = this.heldById(id);
    if (held) return held;
    const stored = this.get(id);
    throw fail('alarm.closed', `alarm ${stored.id} is ${stored.state}`);
  }

  /**
   * A guard raises the priority one step and announces it again. Refused at
   * the top (critical has nowhere to go: the guard calls the supervisor), and
   * when it is no longer at `from`, the priority the guard saw (another
   * escalated it, or the same request came twice).
   */
  escalate(id: string, actor: Actor, reason: string, from?: Priority): Promise<Alarm> {
    return this.serial(id, async () => {
      const a = this.openById(id);
      // The step the guard saw, once: a request sent twice (a double click, a retry) finds it taken.
      if (from !== undefined && a.priority !== from) throw changedMeanwhile();
      if (a.priority === 'critical')
        throw fail('alarm.at-top-priority', 'this alarm is critical already, the top priority');
      return shownAlarm(await this.escalateNow(a, actor, reason), this.sealing);
    });
  }

  /** One step up (never past critical), once: conditional on the stored record being `a` still. */
  private async escalateNow(a: Alarm, actor: Actor | null, reason: string): Promise<Alarm> {
    const next: Alarm = {
      ...a,
      priority: raisePriority(a.priority),
      escalations: a.escalations + 1,
      stepFrom: this.now(),
    };
    await this.write(
      next,
      'alarm.escalated',
      { from: a.priority, reason, automatic: actor === null },
      actor ?? undefined,
      // The timer's reason is the alarm service's own words; a guard's may name the person.
      actor ? ['reason'] : [],
      {
        expected: { state: a.state, escalations: a.escalations, refused: changedMeanwhile },
        fields: ['priority', 'escalations', 'stepFrom'],
      },
    );
    const held = this.open.get(next.key);
    const now = held?.id === next.id ? held : next;
    this.scheduleEscalation(now);
    return now;
  }

  /** Once: two guards (or one guard's bulk and single acknowledgement) at once, and the second is refused. */
  acknowledge(id: string, actor: Actor, comment?: string): Promise<Alarm> {
    // Stopped at once: a step that falls due while this waits its turn finds the alarm acknowledged.
    this.clearTimer(id);
    return this.serial(id, async () => {
      const a = this.openById(id);
      const already = () => fail('alarm.already-acknowledged', 'this alarm is already acknowledged');
      if (a.state !== 'new') throw already();
      const by = actor.name ?? actor.id ?? 'unknown';
      const now = this.now();
      const next: Alarm = {
        ...a,
        state: 'acknowledged',
        acknowledgedAt: now,
        acknowledgedBy: by,
        owner: a.owner ?? by,
        comments: comment ? [...a.comments, { by, at: now, text: comment }] : a.comments,
      };
      try {
        return await this.write(
          next,
          'alarm.acknowledged',
          { comment: comment ?? null },
          actor,
          ['comment'],
          { expected: { state: 'new', escalations: a.escalations, refused: changedMeanwhile } },
        );
      } catch (error) {
        // Not acknowledged after all: its escalation goes on from the record as it is.
        this.reread(id);
        throw error;
      }
    });
  }

  comment(id: string, actor: Actor, text: string): Promise<Alarm> {
    return this.serial(id, async () => {
      const a = this.get(id);
      const by = actor.name ?? actor.id ?? 'unknown';
      return this.write(
        { ...a, comments: [...a.comments, { by, at: this.now(), text }] },
        'alarm.commented',
        { comment: text },
        actor,
        ['comment'],
      );
    });
  }

  assign(id: string, actor: Actor, owner: string | null): Promise<Alarm> {
    return this.serial(id, async () => {
      const a = this.openById(id);
      return this.write({ ...a, owner }, 'alarm.assigned', { from: a.owner, to: owner }, actor);
    });
  }

  /** Ends an alarm: resolved, or a false alarm. A comment says what was found. */
  resolve(id: string, actor: Actor, comment: string, falseAlarm: boolean): Promise<Alarm> {
    return this.serial(id, async () => {
      const a = this.openById(id);
      const by = actor.name ?? actor.id ?? 'unknown';
      const now = this.now();
      const next: Alarm = {
        ...a,
        state: falseAlarm ? 'false-alarm' : 'resolved',
        resolvedAt: now,
        resolvedBy: by,
        comments: [...a.comments, { by, at: now, text: comment }],
      };
      return this.write(next, falseAlarm ? 'alarm.false-alarm' : 'alarm.resolved', { comment }, actor, [
        'comment',
      ]);
    });
  }

  get(id: string): Alarm {
    const data = this.db.prepare('SELECT data FROM alarms WHERE id = ?').pluck().get(id) as
      string | undefined;
    if (!data) throw new DomainError('not-found', 'alarm.not-found', 'no such alarm');
    return alarmOf(JSON.parse(data) as StoredAlarm, this.sealing);
  }

  /** The queue: open alarms, highest priority first, oldest first. */
  queue(): Alarm[] {
    return [...this.open.values()].sort(queueOrder).map((a) => shownAlarm(a, this.sealing));
  }

  /** Recently ended alarms, newest first. */
  history(limit: number): Alarm[] {
    return (
      this.db
        .prepare(
          "SELECT data FROM alarms WHERE state IN ('resolved', 'false-alarm', 'withdrawn') ORDER BY raised_at DESC LIMIT ?",
        )
        .pluck()
        .all(limit) as string[]
    ).map((d) => alarmOf(JSON.parse(d) as StoredAlarm, this.sealing));
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }
}
