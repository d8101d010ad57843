import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock, type Actor } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AlarmsService } from '@gatehouse/alarms';

const gina: Actor = { kind: 'operator', name: 'gina', address: '127.0.0.1' };

/**
 * A guard resolves a door's alarm just as the door closes (CI saw it in the
 * console: the row came back after "Resolved."). The resolve commits first;
 * the cause's end, read before it, commits next and used to put the alarm
 * back in the queue as new, while the database said resolved.
 */
describe('an alarm resolved while its cause ends (real SQLite and journal)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  let alarms: AlarmsService;
  const stored = (id: string) =>
    JSON.parse(db.prepare('SELECT data FROM alarms WHERE id = ?').pluck().get(id) as string) as Record<
      string,
      unknown
    >;
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await Promise.resolve();
  };
  /** The start of each test (the clock is new each time): events are placed after it. */
  const T0 = Date.parse('2026-06-01T09:00:00Z');
  const doorAlarm = (type: 'forced-open' | 'held-open', priority: 'high' | 'low', after = 0) =>
    alarms.raise({ type, priority, silent: false, doorId: 'floor', at: T0 + after });
  const doorCloses = (type: 'forced-open' | 'held-open' = 'forced-open') =>
    alarms.cleared({ type, doorId: 'floor', at: T0 + 1000 });
  /**
   * A guard's resolve that has read the alarm and queued its entry, not yet
   * committed (the journal's group-commit window): what comes next lands in it.
   */
  const resolveQueued = async (id: string, words: string) => {
    const resolving = alarms.resolve(id, gina, words, false);
    await turns(5);
    return { resolving };
  };
  /** The alarm entries on record, each with the state it names. */
  const alarmEntries = () =>
    (
      db
        .prepare("SELECT type, entry_json FROM journal_entries WHERE type LIKE 'alarm.%' ORDER BY seq")
        .all() as { type: string; entry_json: string }[]
    ).map((e) => ({
      type: e.type,
      entry: JSON.parse(e.entry_json) as { payload: { state: string }; actor?: { name?: string } },
    }));
  const journalTypes = () => alarmEntries().map((e) => `${e.type}:${e.entry.payload.state}`);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarms-race-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock, { batchMaxEntries: 100 }));
    bus = new GatehouseBus();
    alarms = new AlarmsService(db, journal, clock, bus);
  });
  afterEach(async () => {
    alarms.stop();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const order of ['resolve, then the cause ends', 'the cause ends, then resolve'] as const)
    it(`${order}: the alarm is resolved and leaves the queue`, async () => {
      const a = await doorAlarm('forced-open', 'high');
      let resolving: Promise<unknown>;
      let clearing: Promise<unknown>;
      if (order === 'resolve, then the cause ends') {
        ({ resolving } = await resolveQueued(a.id, 'shut again'));
        clearing = doorCloses();
      } else {
        clearing = doorCloses();
        resolving = alarms.resolve(a.id, gina, 'shut again', false);
      }
      const [resolved, cleared] = await Promise.allSettled([resolving, clearing]);
      expect(resolved.status).toBe('fulfilled');
      expect(cleared.status).toBe('fulfilled');
      expect(stored(a.id)).toMatchObject({ state: 'resolved', active: false });
      expect(alarms.queue()).toEqual([]);
      expect(alarms.get(a.id)).toMatchObject({ state: 'resolved', active: false });
    });

  it('a late end of an old cause leaves a new alarm on the same door alone', async () => {
    const first = await doorAlarm('forced-open', 'high');
    const { resolving } = await resolveQueued(first.id, 'shut again');
    await Promise.all([resolving, doorCloses()]);
    const second = await doorAlarm('forced-open', 'high', 2000);
    expect(alarms.queue().map((q) => q.id)).toEqual([second.id]);
  });

  it("a priority that resolves itself when its cause ends keeps the guard's resolution when the guard was first", async () => {
    const a = await doorAlarm('held-open', 'low');
    const { resolving } = await resolveQueued(a.id, 'closed it myself');
    const [resolved, cleared] = await Promise.allSettled([resolving, doorCloses('held-open')]);
    expect(resolved.status).toBe('fulfilled');
    expect(cleared.status).toBe('fulfilled');
    expect(stored(a.id)).toMatchObject({
      state: 'resolved',
      resolvedBy: 'gina',
      active: false,
      clearedAt: T0 + 1000,
    });
    expect(alarms.queue()).toEqual([]);
    // On record: the guard's resolution, then the cause's end; no resolution by the system.
    const entries = alarmEntries();
    expect(entries.map((e) => e.type)).toEqual(['alarm.raised', 'alarm.resolved', 'alarm.cause-ended']);
    expect(entries[1]!.entry.actor?.name).toBe('gina');
  });

  it('a priority that resolves itself still does when nobody acted on it', async () => {
    const a = await doorAlarm('held-open', 'low');
    await doorCloses('held-open');
    expect(stored(a.id)).toMatchObject({ state: 'resolved', resolvedBy: 'system', active: false });
    expect(alarms.queue()).toEqual([]);
  });

  it('records the end of the cause of an alarm resolved a moment before, as resolved', async () => {
    const a = await doorAlarm('forced-open', 'high');
    const { resolving } = await resolveQueued(a.id, 'shut again');
    await Promise.all([resolving, doorCloses()]);
    expect(journalTypes()).toEqual([
      'alarm.raised:new',
      'alarm.resolved:resolved',
      'alarm.cause-ended:resolved',
    ]);
    expect(stored(a.id)).toMatchObject({ state: 'resolved', active: false, clearedAt: T0 + 1000 });
  });

  it("a guard's comment right after the cause ended keeps the end", async () => {
    const a = await doorAlarm('forced-open', 'high');
    await Promise.all([doorCloses(), alarms.comment(a.id, gina, 'on my way')]);
    expect(stored(a.id)).toMatchObject({ state: 'new', active: false, clearedAt: T0 + 1000 });
    expect(alarms.queue().map((q) => [q.id, q.active])).toEqual([[a.id, false]]);
  });

  it('an occurrence while the alarm is being resolved raises a new alarm, never counted on the leaving one', async () => {
    const a = await doorAlarm('forced-open', 'high');
    const { resolving } = await resolveQueued(a.id, 'shut again');
    const clearing = doorCloses();
    const again = doorAlarm('forced-open', 'high', 1200);
    const [, , raised] = await Promise.all([resolving, clearing, again]);
    expect(raised.id).not.toBe(a.id);
    expect(alarms.queue().map((q) => [q.id, q.state, q.active])).toEqual([[raised.id, 'new', true]]);
    expect(stored(a.id)).toMatchObject({ state: 'resolved', count: 1 });
  });

  it("a withdrawal after a guard's resolution keeps the resolution, name and words", async () => {
    const a = await alarms.raise({
      type: 'rule-x',
      priority: 'medium',
      silent: false,
      sourceKey: 'k1',
      at: T0,
    });
    const { resolving } = await resolveQueued(a.id, 'checked it');
    const withdrawing = alarms.withdrawn({
      type: 'rule-x',
      sourceKey: 'k1',
      reason: 'late badge',
      at: T0 + 1000,
    });
    const [, withdrawn] = await Promise.all([resolving, withdrawing]);
    expect(withdrawn).toBeNull();
    expect(stored(a.id)).toMatchObject({ state: 'resolved', resolvedBy: 'gina' });
    expect(journalTypes()).toEqual(['alarm.raised:new', 'alarm.resolved:resolved']);
  });
});
