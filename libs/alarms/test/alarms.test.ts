import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock, type Actor } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AlarmsService } from '@gatehouse/alarms';

const gina: Actor = { kind: 'operator', name: 'gina', address: '127.0.0.1' };

describe('AlarmsService (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  let alarms: AlarmsService;
  const types = () =>
    db
      .prepare("SELECT type FROM journal_entries WHERE type LIKE 'alarm.%' ORDER BY seq")
      .pluck()
      .all() as string[];
  const settle = () => journal.append({ type: 'test.sync', source: 'test' });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarms-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock, { batchMaxEntries: 100 }));
    bus = new GatehouseBus();
    alarms = new AlarmsService(db, journal, clock, bus, {
      escalateAfterSeconds: { critical: 30, high: 60, medium: 300, low: 0 },
      autoResolve: ['low'],
    });
  });
  afterEach(async () => {
    alarms.stop();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one alarm per cause, counts repeats, and orders the queue by priority, then newest first', async () => {
    const at = clock.now().getTime();
    await alarms.raise({ type: 'held-open', priority: 'medium', silent: false, doorId: 'd1', at });
    await alarms.raise({ type: 'held-open', priority: 'medium', silent: false, doorId: 'd1', at: at + 1000 });
    await alarms.raise({ type: 'forced-open', priority: 'high', silent: false, doorId: 'd2', at: at + 2000 });
    const q = alarms.queue();
    expect(q.map((a) => [a.type, a.count])).toEqual([
      ['forced-open', 1],
      ['held-open', 2],
    ]);
    await settle();
    expect(types()).toEqual(['alarm.raised', 'alarm.raised']);
  });

  it('acknowledge, comment, assign and resolve are journaled with the guard; a closed alarm refuses further actions', async () => {
    const a = await alarms.raise({
      type: 'forced-open',
      priority: 'high',
      silent: false,
      doorId: 'd2',
      at: clock.now().getTime(),
    });
    await alarms.acknowledge(a.id, gina, 'on my way');
    await expect(alarms.acknowledge(a.id, gina)).rejects.toMatchObject({
      code: 'alarm.already-acknowledged',
    });
    await alarms.assign(a.id, gina, 'sam');
    await alarms.comment(a.id, gina, 'door was pushed, latch worn');
    const done = await alarms.resolve(a.id, gina, 'latch replaced', false);
    expect(done).toMatchObject({ state: 'resolved', resolvedBy: 'gina', owner: 'sam' });
    expect(done.comments.map((c) => c.text)).toEqual([
      'on my way',
      'door was pushed, latch worn',
      'latch replaced',
    ]);
    await expect(alarms.resolve(a.id, gina, 'again', false)).rejects.toMatchObject({ code: 'alarm.closed' });
    expect(alarms.queue()).toEqual([]);
    await settle();
    expect(types()).toEqual([
      'alarm.raised',
      'alarm.acknowledged',
      'alarm.assigned',
      'alarm.commented',
      'alarm.resolved',
    ]);
    const entry = JSON.parse(
      db
        .prepare("SELECT entry_json FROM journal_entries WHERE type = 'alarm.acknowledged'")
        .pluck()
        .get() as string,
    );
    expect(entry.actor).toMatchObject({ name: 'gina' });
    expect(entry.subjects).toEqual(
      expect.arrayContaining([
        { kind: 'alarm', id: a.id },
        { kind: 'door', id: 'd2' },
      ]),
    );
  });

  it('marks the cause ended but keeps the record; low-priority alarms resolve by themselves', async () => {
    const at = clock.now().getTime();
    const held = await alarms.raise({
      type: 'held-open',
      priority: 'medium',
      silent: false,
      doorId: 'd1',
      at,
    });
    const warn = await alarms.raise({
      type: 'held-open-warning',
      priority: 'low',
      silent: false,
      doorId: 'd1',
      at,
    });
    bus.emit('alarm.cleared', { type: 'held-open', doorId: 'd1', at: at + 5000 });
    bus.emit('alarm.cleared', { type: 'held-open-warning', doorId: 'd1', at: at + 5000 });
    await settle();
    await settle();
    expect(alarms.get(held.id)).toMatchObject({ state: 'new', active: false, clearedAt: at + 5000 });
    expect(alarms.get(warn.id)).toMatchObject({ state: 'resolved', resolvedBy: 'system' });
    expect(alarms.queue().map((a) => a.id)).toEqual([held.id]);
  });

  it('escalates an alarm nobody acknowledges in time, on the injected clock, and the queue survives a restart', async () => {
    alarms.stop();
    const quick = new AlarmsService(db, journal, clock, new GatehouseBus(), {
      escalateAfterSeconds: { critical: 0, high: 60, medium: 0, low: 0 },
      autoResolve: [],
    });
    const a = await quick.raise({
      type: 'duress',
      priority: 'high',
      silent: true,
      cardholderId: 'p1',
      at: clock.now().getTime(),
    });
    clock.advance(59_000);
    await settle();
    expect(quick.get(a.id)).toMatchObject({ priority: 'high', escalations: 0 });
    clock.advance(1000);
    await settle();
    await settle();
    expect(quick.get(a.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    expect(types()).toContain('alarm.escalated');
    quick.stop();
    const again = new AlarmsService(db, journal, clock, new GatehouseBus());
    expect(again.queue().map((x) => x.type)).toEqual(['duress']);
    again.stop();
  });

  it('escalates no condition that has ended (a reader back online), but still an event whose cause ended', async () => {
    alarms.stop();
    const quick = new AlarmsService(db, journal, clock, new GatehouseBus(), {
      escalateAfterSeconds: { critical: 0, high: 60, medium: 0, low: 0 },
      autoResolve: [],
    });
    const at = clock.now().getTime();
    const offline = await quick.raise({
      type: 'reader-offline',
      priority: 'high',
      silent: false,
      readerId: 'r1',
      at,
    });
    const forced = await quick.raise({
      type: 'forced-open',
      priority: 'high',
      silent: false,
      doorId: 'd1',
      at,
    });
    clock.advance(5_000);
    await quick.cleared({ type: 'reader-offline', readerId: 'r1', at: clock.now().getTime() });
    await quick.cleared({ type: 'forced-open', doorId: 'd1', at: clock.now().getTime() });
    clock.advance(60_000);
    await settle();
    await settle();
    expect(quick.get(offline.id)).toMatchObject({
      priority: 'high',
      escalations: 0,
      active: false,
      state: 'new',
    });
    expect(quick.get(forced.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    quick.stop();
  });

  it('stops escalating at the top: a critical alarm escalates once, one that reached critical no more', async () => {
    const escalations = () => types().filter((t) => t === 'alarm.escalated').length;
    const raised = await alarms.raise({
      type: 'forced-open',
      priority: 'critical',
      silent: false,
      doorId: 'd1',
      at: clock.now().getTime(),
    });
    const climbing = await alarms.raise({
      type: 'held-open',
      priority: 'high',
      silent: false,
      doorId: 'd2',
      at: clock.now().getTime(),
    });
    for (let i = 0; i < 20; i++) {
      clock.advance(30_000);
      await settle();
      await settle();
    }
    expect(alarms.get(raised.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    expect(alarms.get(climbing.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    expect(escalations()).toBe(2);
    // Nothing is left to escalate them again: another hour brings no more notifications.
    for (let i = 0; i < 10; i++) {
      clock.advance(360_000);
      await settle();
    }
    expect(escalations()).toBe(2);
  });

  it('never escalates an informational alarm (a soft anti-passback grant), whatever its priority', async () => {
    alarms.stop();
    const eager = new AlarmsService(db, journal, clock, new GatehouseBus(), {
      escalateAfterSeconds: { critical: 10, high: 10, medium: 10, low: 10 },
      autoResolve: [],
    });
    const at = clock.now().getTime();
    const soft = await eager.raise({
      type: 'anti-passback',
      priority: 'medium',
      silent: false,
      doorId: 'd1',
      at,
    });
    const forced = await eager.raise({
      type: 'forced-open',
      priority: 'high',
      silent: false,
      doorId: 'd2',
      at,
    });
    for (let i = 0; i < 10; i++) {
      clock.advance(10_000);
      await settle();
    }
    expect(eager.get(soft.id)).toMatchObject({ priority: 'medium', escalations: 0, state: 'new' });
    expect(eager.get(forced.id)).toMatchObject({ priority: 'critical' });
    eager.stop();
  });

  it("queues an alarm change's notifications in the transaction of the change and its journal entry", async () => {
    const queued: string[] = [];
    alarms.notifyThrough({
      enqueue: (a, change) => {
        // Inside the transaction: the journal entry of this change is not visible as committed yet,
        // and a failure here undoes the change and its entry.
        if (a.type === 'poison') throw new Error('outbox write failed');
        queued.push(`${change} ${a.type}`);
      },
      kick: () => undefined,
    });
    const a = await alarms.raise({
      type: 'forced-open',
      priority: 'high',
      silent: false,
      doorId: 'd1',
      at: 1,
    });
    await alarms.acknowledge(a.id, gina);
    await expect(
      alarms.raise({ type: 'poison', priority: 'high', silent: false, doorId: 'd1', at: 2 }),
    ).rejects.toThrow('outbox write failed');
    await settle();
    expect(queued).toEqual(['alarm.raised forced-open', 'alarm.acknowledged forced-open']);
    expect(types()).toEqual(['alarm.raised', 'alarm.acknowledged']);
    expect(
      db.prepare("SELECT COUNT(*) FROM alarms WHERE json_extract(data, '$.type') = 'poison'").pluck().get(),
    ).toBe(0);
  });
});
