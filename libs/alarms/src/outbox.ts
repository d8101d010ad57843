import { randomUUID } from 'node:crypto';
import type { Clock, GatehouseBus, JournalEntry, JournalEntryInput, JsonObject } from '@gatehouse/contracts';
import type { Db } from '@gatehouse/storage';
import type { Alarm } from './alarm';
import type { AlarmCommentSealing } from './comment-sealing';
import { documentFor, type NotificationDocument } from './notification';
import { documentToSend, documentToStore } from './outbox-sealing';
import { type AlarmTransport, DeliveryError } from './notifier';

export interface OutboxJournal {
  appendAll(inputs: readonly JournalEntryInput[], effect: () => void): JournalEntry[];
}

export interface OutboxSettings {
  /** How long a notification is retried before it is given up (and journaled). */
  horizonMs: number;
  /** First wait after a failure; doubles per failure (with jitter) up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A target failing this long raises an alarm. */
  failingAlarmAfterMs: number;
  /** Longest a single send may take before it counts as failed. */
  sendTimeoutMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  horizonMs: 24 * 3_600_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 300_000,
  failingAlarmAfterMs: 300_000,
  sendTimeoutMs: 30_000,
};

export interface TargetStats {
  name: string;
  pending: number;
  delivered: number;
  failures: number;
  givenUp: number;
  /** Set aside because their alarm was withdrawn first (workstation-lock requests). */
  cancelled: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

interface Row {
  seq: number;
  delivery_id: string;
  alarm_id: string;
  change: string;
  document: string;
  created_at: number;
  attempts: number;
}

interface Target {
  transport: AlarmTransport;
  running: boolean;
  cancelWait: (() => void) | null;
  /** Highest seq delivered or given up since start: rows are taken in order. */
  after: number;
  consecutiveFailures: number;
  failingSince: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  delivered: number;
  failures: number;
  givenUp: number;
  cancelled: number;
}

const BATCH = 64;
/** Delivered rows are deleted in one transaction per this many (or when the queue runs dry). */
const DELETE_BATCH = 256;
export const FAILING_ALARM = 'notification-failing';

/**
 * The durable outbox of alarm notifications. A change's rows are written in the
 * transaction of the change and its journal entry (`enqueue`, called inside it),
 * so a notification exists exactly when its change does, across crashes. Each
 * target drains its rows in order, one at a time, off the decision path; a
 * failure waits with exponential backoff and jitter (or the receiver's
 * Retry-After) and the same row is tried again with the same delivery id. Rows
 * older than the horizon are given up, journaled. A row is deleted once
 * delivered; a crash between delivery and deletion sends it again with the same
 * delivery id, which the receiver uses to drop the repeat.
 */
export class NotificationOutbox {
  private readonly targets = new Map<string, Target>();
  private readonly done: number[] = [];
  /** Only a started outbox sends: the CLI queues with its changes and leaves sending to the gateway. */
  private started = false;
  private stopped = false;
  private alarmRaised = false;

  constructor(
    private readonly db: Db,
    private readonly journal: OutboxJournal,
    private readonly clock: Clock,
    private readonly bus: GatehouseBus,
    transports: readonly AlarmTransport[],
    private readonly settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
    private readonly log: (message: string, detail: Record<string, unknown>) => void = () => undefined,
    /** Seals the detail of an alarm about a person while it waits (`notificationSealing`; none: it is left out). */
    private readonly sealing: AlarmCommentSealing | null = null,
  ) {
    for (const transport of transports) {
      if (this.targets.has(transport.name))
        throw new Error(`notification target ${transport.name} is configured twice`);
      this.targets.set(transport.name, {
        transport,
        running: false,
        cancelWait: null,
        after: 0,
        consecutiveFailures: 0,
        failingSince: null,
        lastError: null,
        nextAttemptAt: null,
        delivered: 0,
        failures: 0,
        givenUp: 0,
        cancelled: 0,
      });
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Queues the change for every target allowed to hear of it. Runs inside the change's transaction. */
  enqueue(a: Alarm, change: string, at: number): void {
    const insert = this.db.prepare(
      'INSERT INTO notification_outbox (delivery_id, target, alarm_id, change, document, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const t of this.targets.values()) {
      if (change === 'alarm.withdrawn' && t.transport.withdrawCancels) this.cancel(t, a.id, at);
      const doc = t.transport.document
        ? t.transport.document(a, change, at)
        : documentFor(a, change, at, t.transport);
      if (doc)
        insert.run(
          randomUUID(),
          t.transport.name,
          a.id,
          change,
          JSON.stringify(documentToStore(doc, a, this.sealing)),
          at,
        );
    }
  }

  /**
   * What is still queued for a withdrawn alarm: set aside in the withdrawal's
   * transaction (whose journal entry says why), so it is never sent. One being
   * sent at this moment is past recall, as is one delivered.
   */
  private cancel(t: Target, alarmId: string, at: number): void {
    const cancelled = this.db
      .prepare(
        "UPDATE notification_outbox SET given_up_at = ?, last_error = 'alarm withdrawn before delivery' WHERE target = ? AND alarm_id = ? AND given_up_at IS NULL AND seq > ?",
      )
      .run(at, t.transport.name, alarmId, t.after).changes;
    if (cancelled > 0) {
      t.cancelled += cancelled;
      this.log('notification cancelled: alarm withdrawn before delivery', {
        target: t.transport.name,
        alarmId,
        count: cancelled,
      });
    }
  }

  /** Resumes what a previous run left: rows for targets no longer configured are given up. */
  start(): void {
    this.started = true;
    const names = [...this.targets.keys()];
    const orphans = this.db
      .prepare(
        `SELECT seq, delivery_id, alarm_id, change, document, created_at, attempts, target FROM notification_outbox
         WHERE given_up_at IS NULL AND target NOT IN (SELECT value FROM json_each(?)) ORDER BY seq`,
      )
      .all(JSON.stringify(names)) as (Row & { target: string })[];
    for (let i = 0; i < orphans.length; i += 500)
      this.giveUp(orphans.slice(i, i + 500), null, 'the target is no longer configured');
    // A target that was failing before the restart is still failing since then.
    for (const r of this.db
      .prepare(
        'SELECT target, MIN(created_at) AS since FROM notification_outbox WHERE given_up_at IS NULL AND attempts > 0 GROUP BY target',
      )
      .all() as { target: string; since: number }[]) {
      const t = this.targets.get(r.target);
      if (t) t.failingSince = r.since;
    }
    this.kick();
  }

  /** Wakes every target that is idle and not waiting out a backoff. */
  kick(): void {
    for (const t of this.targets.values())
      if (this.started && !this.stopped && !t.running && !t.cancelWait) void this.drain(t);
  }

  private async drain(t: Target): Promise<void> {
    t.running = true;
    try {
      for (;;) {
        if (this.stopped) return;
        const rows = this.db
          .prepare(
            `SELECT seq, delivery_id, alarm_id, change, document, created_at, attempts FROM notification_outbox
             WHERE target = ? AND given_up_at IS NULL AND seq > ? ORDER BY seq LIMIT ${BATCH}`,
          )
          .all(t.transport.name, t.after) as Row[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (this.stopped) return;
          if (this.now() - row.created_at > this.settings.horizonMs) {
            this.giveUp([row], t, t.lastError ?? 'not sent within the horizon');
            continue;
          }
          if (t.transport.withdrawCancels && !this.pending(row)) continue;
          if (t.transport.journalOutcome && row.attempts === 0) this.journalOutcome(t, row, 'requested');
          try {
            await this.send(t, row);
          } catch (error) {
            if (!this.stopped) this.failed(t, row, error);
            return;
          }
          if (this.stopped) return;
          this.delivered(t, row);
        }
      }
      this.flushDone();
    } finally {
      t.running = false;
    }
  }

  private send(t: Target, row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = this.clock.after(
        this.settings.sendTimeoutMs,
        () => reject(new Error(`no answer within ${this.settings.sendTimeoutMs} ms`)),
        true,
      );
      t.transport
        .send({
          deliveryId: row.delivery_id,
          document: documentToSend(row.document, this.sealing) as unknown as NotificationDocument,
        })
        .then(resolve, reject)
        .finally(cancel);
    });
  }

  /** Still to send: a row read in a batch may have been cancelled while an earlier one was sent. */
  private pending(row: Row): boolean {
    return (
      this.db.prepare('SELECT given_up_at FROM notification_outbox WHERE seq = ?').pluck().get(row.seq) ===
      null
    );
  }

  /** `notification.requested` / `.delivered` for a target whose sends are actions: ids and times, no secret. */
  private journalOutcome(t: Target, row: Row, outcome: 'requested' | 'delivered'): void {
    // The journal failing must not stop the sending; it raises its own health alarm.
    try {
      this.record(t, row, outcome);
    } catch (error) {
      this.log('notification outcome not journaled', {
        target: t.transport.name,
        outcome,
        err: String(error),
      });
    }
  }

  private record(t: Target, row: Row, outcome: 'requested' | 'delivered'): void {
    this.journal.appendAll(
      [
        {
          type: `notification.${outcome}`,
          source: 'notifications',
          subjects: [{ kind: 'alarm', id: row.alarm_id }],
          payload: {
            target: t.transport.name,
            deliveryId: row.delivery_id,
            alarmId: row.alarm_id,
            change: row.change,
            queuedAt: new Date(row.created_at).toISOString(),
            ...(outcome === 'delivered' ? { attempts: row.attempts + 1 } : {}),
          } satisfies JsonObject,
        },
      ],
      () => undefined,
    );
  }

  private delivered(t: Target, row: Row): void {
    if (t.transport.journalOutcome) this.journalOutcome(t, row, 'delivered');
    t.after = row.seq;
    t.delivered += 1;
    t.consecutiveFailures = 0;
    t.lastError = null;
    t.nextAttemptAt = null;
    if (t.failingSince !== null) {
      t.failingSince = null;
      this.log('notification target recovered', { target: t.transport.name });
      this.checkFailing();
    }
    this.done.push(row.seq);
    if (this.done.length >= DELETE_BATCH) this.flushDone();
  }

  private flushDone(): void {
    if (this.done.length === 0 || this.stopped) return;
    const seqs = this.done.splice(0);
    // Without an fsync: a delete lost to a power cut only means the receiver gets that
    // notification again under the same delivery id. The connection's setting comes back
    // before anything else can write (this is all synchronous).
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db
        .prepare('DELETE FROM notification_outbox WHERE seq IN (SELECT value FROM json_each(?))')
        .run(JSON.stringify(seqs));
    } finally {
      this.db.pragma(`synchronous = ${synchronous}`);
    }
  }

  private failed(t: Target, row: Row, error: unknown): void {
    const now = this.now();
    const message = error instanceof Error ? error.message : String(error);
    t.failures += 1;
    t.consecutiveFailures += 1;
    t.lastError = message;
    t.failingSince ??= now;
    this.db
      .prepare('UPDATE notification_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?')
      .run(message, row.seq);
    if (t.consecutiveFailures === 1)
      this.log('alarm notification failed; retrying', { target: t.transport.name, err: message });
    this.giveUpExpired(t);
    this.checkFailing();
    const exponential = Math.min(
      this.settings.backoffMaxMs,
      this.settings.backoffBaseMs * 2 ** Math.min(30, t.consecutiveFailures - 1),
    );
    // Jitter spreads the retries of many gateways after a receiver's outage.
    const backoff = exponential * (0.5 + Math.random() / 2);
    const told = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    const wait = Math.min(told ?? backoff, this.settings.horizonMs);
    t.nextAttemptAt = now + wait;
    t.cancelWait = this.clock.after(
      wait,
      () => {
        t.cancelWait = null;
        if (!this.stopped && !t.running) void this.drain(t);
      },
      true,
    );
  }

  /** Rows older than the horizon: given up, each journaled, in one transaction per batch. */
  private giveUpExpired(t: Target): void {
    const before = this.now() - this.settings.horizonMs;
    for (;;) {
      const rows = this.db
        .prepare(
          `SELECT seq, delivery_id, alarm_id, change, document, created_at, attempts FROM notification_outbox
           WHERE target = ? AND given_up_at IS NULL AND seq > ? AND created_at < ? ORDER BY seq LIMIT 500`,
        )
        .all(t.transport.name, t.after, before) as Row[];
      if (rows.length === 0) return;
      this.giveUp(rows, t, t.lastError ?? 'not sent within the horizon');
    }
  }

  private giveUp(rows: readonly (Row & { target?: string })[], t: Target | null, reason: string): void {
    const now = this.now();
    const target = (r: Row & { target?: string }) => t?.transport.name ?? r.target ?? 'unknown';
    this.journal.appendAll(
      rows.map((r) => ({
        type: 'notification.given-up',
        source: 'notifications',
        subjects: [{ kind: 'alarm', id: r.alarm_id }],
        payload: {
          target: target(r),
          deliveryId: r.delivery_id,
          alarmId: r.alarm_id,
          change: r.change,
          queuedAt: new Date(r.created_at).toISOString(),
          reason,
        } satisfies JsonObject,
      })),
      () =>
        void this.db
          .prepare(
            'UPDATE notification_outbox SET given_up_at = ? WHERE seq IN (SELECT value FROM json_each(?))',
          )
          .run(now, JSON.stringify(rows.map((r) => r.seq))),
    );
    if (t) {
      t.givenUp += rows.length;
      t.after = Math.max(t.after, ...rows.map((r) => r.seq));
    }
    this.log('alarm notifications given up', {
      target: rows[0] ? target(rows[0]) : null,
      count: rows.length,
      reason,
    });
  }

  private failingTooLong(): Target[] {
    const now = this.now();
    return [...this.targets.values()].filter(
      (t) => t.failingSince !== null && now - t.failingSince >= this.settings.failingAlarmAfterMs,
    );
  }

  /** One alarm while any target has been failing longer than the threshold; cleared when none is. */
  private checkFailing(): void {
    const failing = this.failingTooLong();
    const at = this.now();
    if (failing.length > 0 && !this.alarmRaised) {
      this.alarmRaised = true;
      this.bus.emit('alarm.raised', {
        type: FAILING_ALARM,
        priority: 'high',
        silent: false,
        detail: `alarm notifications failing: ${failing.map((t) => `${t.transport.name} (${t.lastError})`).join(', ')}`,
        at,
      });
    } else if (failing.length === 0 && this.alarmRaised) {
      this.alarmRaised = false;
      this.bus.emit('alarm.cleared', { type: FAILING_ALARM, at });
    }
  }

  stats(): TargetStats[] {
    const count = this.db.prepare(
      'SELECT COUNT(*) FROM notification_outbox WHERE target = ? AND given_up_at IS NULL AND seq > ?',
    );
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return [...this.targets.values()].map((t) => ({
      name: t.transport.name,
      // Rows at or before `after` are delivered, waiting only for their batched delete.
      pending: count.pluck().get(t.transport.name, t.after) as number,
      delivered: t.delivered,
      failures: t.failures,
      givenUp: t.givenUp,
      cancelled: t.cancelled,
      failingSince: iso(t.failingSince),
      lastError: t.lastError,
      nextAttemptAt: iso(t.nextAttemptAt),
    }));
  }

  /** Targets failing longer than the alarm threshold. */
  failing(): string[] {
    return this.failingTooLong().map((t) => t.transport.name);
  }

  stop(): void {
    this.flushDone();
    this.stopped = true;
    for (const t of this.targets.values()) {
      t.cancelWait?.();
      t.cancelWait = null;
      t.transport.close?.();
    }
  }
}
