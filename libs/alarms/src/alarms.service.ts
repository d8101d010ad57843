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

/**
 * The alarm queue: every source raises alarms on the bus; this keeps their
 * records (de-duplicated, cleared when the cause ends, escalated when nobody
 * acknowledges them in time) and the guards' actions on them. Each change is a
 * journal entry first, written with the record in one transaction.
 */
export class AlarmsService {
  private readonly open = new Map<string, Alarm>();
  private readonly timers = new Map<string, () => void>();
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
      this.scheduleEscalation(a);
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
  ): Promise<Alarm> {
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
        this.db
          .prepare(
            'INSERT INTO alarms (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data',
          )
          .run(a.id, row);
        this.notifications?.enqueue(a, type, at);
      },
    );
    this.notifications?.kick();
    if (isOpen(a)) this.open.set(a.key, a);
    else {
      this.open.delete(a.key);
      this.clearTimer(a.id);
    }
    this.bus.emit('alarm.changed', {
      id: a.id,
      state: a.state,
      priority: a.priority,
      type: a.type,
      change: type,
    });
    return shownAlarm(a, this.sealing);
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
    if (existing) {
      // A repeat of an open alarm: counted on it, not a new alarm in the queue.
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
    // Marked ended in memory at once: the door's other clears, emitted with this one, find nothing left to end.
    const ended = types
      .map((type) => this.open.get(dedupeKey(type, c)))
      .filter((a): a is Alarm => a !== undefined && a.active)
      .map((a) => this.causeEnded(a, c.at));
    const written = await Promise.all(
      ended.map(({ next, auto }) =>
        this.write(next, auto ? 'alarm.resolved' : 'alarm.cause-ended', { at: c.at, automatic: auto }),
      ),
    );
    return written.find((a) => a.type === c.type) ?? written[0] ?? null;
  }

  /**
   * Its raiser took the alarm back (a correlation alert that a late fact
   * disproved): it leaves the queue as `withdrawn`, with the reason as a
   * comment, journaled, and stays in the history for whoever saw it.
   */
  async withdrawn(w: AlarmWithdrawn): Promise<Alarm | null> {
    const a = [...this.open.values()].find((x) => x.type === w.type && x.key.endsWith(`|${w.sourceKey}`));
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
  }

  private causeEnded(a: Alarm, at: number): { next: Alarm; auto: boolean } {
    const auto = a.state === 'new' && this.settings.autoResolve.includes(a.priority);
    const next: Alarm = {
      ...a,
      active: false,
      clearedAt: at,
      ...(auto ? { state: 'resolved' as const, resolvedAt: at, resolvedBy: 'system' } : {}),
    };
    this.open.set(a.key, next);
    return { next, auto };
  }

  /**
   * Escalation stops at the top: once critical, an alarm escalates by itself only
   * if it was raised critical and never escalated (one call to the supervisor),
   * so an alarm nobody acknowledges does not re-notify forever.
   */
  private scheduleEscalation(a: Alarm): void {
    this.clearTimer(a.id);
    const seconds = this.settings.escalateAfterSeconds[a.priority];
    if (a.state !== 'new' || seconds <= 0 || INFORMATIONAL_TYPES.has(a.type)) return;
    if (CONDITION_TYPES.has(a.type) && !a.active) return;
    if (a.priority === 'critical' && a.escalations > 0) return;
    const due = a.raisedAt + (a.escalations + 1) * seconds * 1000;
    const cancel = this.clock.after(
      Math.max(0, due - this.now()),
      () => {
        this.timers.delete(a.id);
        const current = [...this.open.values()].find((x) => x.id === a.id);
        if (current && CONDITION_TYPES.has(current.type) && !current.active) return;
        void this.escalate(a.id, null, 'not acknowledged in time').catch((error: unknown) =>
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

  private clearTimer(id: string): void {
    this.timers.get(id)?.();
    this.timers.delete(id);
  }

  private openById(id: string): Alarm {
    for (const a of this.open.values()) if (a.id === id) return a;
    const stored = this.get(id);
    throw fail('alarm.closed', `alarm ${stored.id} is ${stored.state}`);
  }

  /** Raises the priority one step (not past critical) and announces it again; by a guard, or by the timer. */
  async escalate(id: string, actor: Actor | null, reason: string): Promise<Alarm> {
    const a = this.openById(id);
    const next: Alarm = { ...a, priority: raisePriority(a.priority), escalations: a.escalations + 1 };
    await this.write(
      next,
      'alarm.escalated',
      { from: a.priority, reason, automatic: actor === null },
      actor ?? undefined,
      // The timer's reason is the alarm service's own words; a guard's may name the person.
      actor ? ['reason'] : [],
    );
    this.scheduleEscalation(next);
    return next;
  }

  async acknowledge(id: string, actor: Actor, comment?: string): Promise<Alarm> {
    const a = this.openById(id);
    if (a.state !== 'new') throw fail('alarm.already-acknowledged', 'this alarm is already acknowledged');
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
    this.clearTimer(a.id);
    return this.write(next, 'alarm.acknowledged', { comment: comment ?? null }, actor, ['comment']);
  }

  async comment(id: string, actor: Actor, text: string): Promise<Alarm> {
    const a = this.get(id);
    const by = actor.name ?? actor.id ?? 'unknown';
    return this.write(
      { ...a, comments: [...a.comments, { by, at: this.now(), text }] },
      'alarm.commented',
      { comment: text },
      actor,
      ['comment'],
    );
  }

  async assign(id: string, actor: Actor, owner: string | null): Promise<Alarm> {
    const a = this.openById(id);
    return this.write({ ...a, owner }, 'alarm.assigned', { from: a.owner, to: owner }, actor);
  }

  /** Ends an alarm: resolved, or a false alarm. A comment says what was found. */
  async resolve(id: string, actor: Actor, comment: string, falseAlarm: boolean): Promise<Alarm> {
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
