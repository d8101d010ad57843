import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, type AlarmRaised, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AlarmsService, type AlarmSettings } from '@gatehouse/alarms';

const gina: Actor = { kind: 'operator', name: 'gina', address: '127.0.0.1' };
/** Short steps, so a test walks through several: critical 30 s, high 60 s, medium 300 s. */
const STEPS: AlarmSettings = {
  escalateAfterSeconds: { critical: 30, high: 60, medium: 300, low: 0 },
  autoResolve: [],
};

/**
 * Escalation once per step (issue 11, item 6: escalation stops at the top,
 * raises no informational cause, and restarts do not flood the queue). Real
 * SQLite and journal, time on a ManualClock; a restart is a second service
 * over the same store, with or without the first one stopped.
 */
describe('alarm escalation, one per step (real SQLite, real journal, ManualClock)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  const running: AlarmsService[] = [];
  const start = (settings: AlarmSettings = STEPS) => {
    const s = new AlarmsService(db, journal, clock, new GatehouseBus(), settings);
    running.push(s);
    return s;
  };
  /** Lets the timers' escalations (a few promise turns each) reach the journal and commit. */
  const settle = async () => {
    for (let i = 0; i < 4; i++) await journal.append({ type: 'test.sync', source: 'test' });
  };
  const pass = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  const escalated = () =>
    db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'alarm.escalated' ORDER BY seq")
      .pluck()
      .all()
      .map((j) => (JSON.parse(j as string) as { payload: { from: string; priority: string } }).payload)
      .map((p) => `${p.from}→${p.priority}`);
  const alarm = (over: Partial<AlarmRaised> = {}): AlarmRaised => ({
    type: 'held-open',
    priority: 'medium',
    silent: false,
    doorId: 'd1',
    at: clock.now().getTime(),
    ...over,
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarms-escalation-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock, { batchMaxEntries: 100 }));
  });
  afterEach(async () => {
    for (const s of running.splice(0)) s.stop();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each step from when the last one was taken: medium to high, then high’s full time to critical', async () => {
    const alarms = start();
    const a = await alarms.raise(alarm());
    await pass(299_000);
    expect(escalated()).toEqual([]);
    await pass(1000);
    // Once, not twice in the same second (the next step used to count from the first occurrence).
    expect(escalated()).toEqual(['medium→high']);
    await pass(59_000);
    expect(escalated()).toEqual(['medium→high']);
    await pass(1000);
    expect(escalated()).toEqual(['medium→high', 'high→critical']);
    expect(alarms.get(a.id)).toMatchObject({ priority: 'critical', escalations: 2 });
  });

  it('two timers falling due in the same second (a restarted service beside one still running) escalate once per step', async () => {
    const first = start();
    const a = await first.raise(alarm({ priority: 'high' }));
    // The second reads the same open alarm and arms its own timer for the same step.
    const second = start();
    await pass(60_000);
    expect(escalated()).toEqual(['high→critical']);
    // The one that lost the step read the record again: both agree, and neither escalates more.
    expect(first.queue()[0]).toMatchObject({ priority: 'critical', escalations: 1 });
    expect(second.queue()[0]).toMatchObject({ priority: 'critical', escalations: 1 });
    await pass(3_600_000);
    expect(escalated()).toEqual(['high→critical']);
    expect(first.get(a.id)).toMatchObject({ priority: 'critical', escalations: 1 });
  });

  it('a restart in the middle of a step takes no extra step, and one due while it was down waits its full time', async () => {
    const before = start();
    const a = await before.raise(alarm());
    await pass(200_000);
    before.stop();
    const after = start();
    await pass(99_000);
    expect(escalated()).toEqual([]);
    await pass(1000);
    expect(escalated()).toEqual(['medium→high']);
    after.stop();

    // Down for ten minutes over the high step's due time: nothing at start, one step a full step later.
    clock.advance(600_000);
    const again = start();
    await settle();
    expect(escalated()).toEqual(['medium→high']);
    await pass(59_000);
    expect(escalated()).toEqual(['medium→high']);
    await pass(1000);
    expect(escalated()).toEqual(['medium→high', 'high→critical']);
    expect(again.get(a.id)).toMatchObject({ priority: 'critical', escalations: 2 });
  });

  it('counts from when the queue learned of the alarm, not from its cause’s own time (a late correlation alert)', async () => {
    const alarms = start();
    await alarms.raise(
      alarm({ type: 'login-without-badge-in', priority: 'high', at: clock.now().getTime() - 600_000 }),
    );
    await pass(59_000);
    expect(escalated()).toEqual([]);
    await pass(1000);
    expect(escalated()).toEqual(['high→critical']);
  });

  it('never escalates an informational cause (a soft anti-passback grant, the held-open pre-alarm), at any priority', async () => {
    const eager = start({
      escalateAfterSeconds: { critical: 10, high: 10, medium: 10, low: 10 },
      autoResolve: [],
    });
    for (const [type, priority] of [
      ['anti-passback', 'low'],
      ['anti-passback', 'high'],
      ['held-open-warning', 'low'],
      ['held-open-warning', 'medium'],
    ] as const)
      await eager.raise(alarm({ type, priority, doorId: `${type}-${priority}` }));
    for (let i = 0; i < 12; i++) await pass(10_000);
    expect(escalated()).toEqual([]);
    expect(eager.queue().every((x) => x.escalations === 0 && x.state === 'new')).toBe(true);
  });

  it('stops at the top: one call for an alarm raised critical, none past it, and a guard is told it is at the top', async () => {
    const alarms = start();
    const raised = await alarms.raise(
      alarm({ type: 'duress', priority: 'critical', doorId: null, cardholderId: 'p1' }),
    );
    const climbing = await alarms.raise(alarm({ priority: 'high', doorId: 'd2' }));
    for (let i = 0; i < 40; i++) await pass(30_000);
    expect(escalated().sort()).toEqual(['critical→critical', 'high→critical']);
    expect(alarms.get(raised.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    expect(alarms.get(climbing.id)).toMatchObject({ priority: 'critical', escalations: 1 });
    await expect(alarms.escalate(climbing.id, gina, 'call the supervisor')).rejects.toMatchObject({
      code: 'alarm.at-top-priority',
    });
    expect(escalated()).toHaveLength(2);
  });

  it('a guard’s escalation sent twice (a double click, a retry) takes one step', async () => {
    const alarms = start();
    const a = await alarms.raise(alarm());
    const twice = await Promise.allSettled([
      alarms.escalate(a.id, gina, 'nobody answers', 'medium'),
      alarms.escalate(a.id, gina, 'nobody answers', 'medium'),
    ]);
    expect(
      twice.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')).sort(),
    ).toEqual(['alarm.changed-meanwhile', 'ok']);
    await settle();
    expect(escalated()).toEqual(['medium→high']);
    expect(alarms.get(a.id)).toMatchObject({ priority: 'high', escalations: 1 });
  });

  it('a door that closes while its escalation is being written keeps both: escalated, and its cause ended', async () => {
    const alarms = start();
    const a = await alarms.raise(alarm({ type: 'forced-open', priority: 'high' }));
    clock.advance(60_000);
    // The escalation's entry is on its way to the journal (a few promise turns), not committed yet.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await alarms.cleared({ type: 'forced-open', doorId: 'd1', at: clock.now().getTime() });
    await settle();
    expect(escalated()).toEqual(['high→critical']);
    const both = { priority: 'critical', escalations: 1, active: false };
    expect(alarms.get(a.id)).toMatchObject(both);
    expect(alarms.queue()[0]).toMatchObject(both);
  });

  it('acknowledged by two guards at once: one acknowledgement, and no escalation after it', async () => {
    const alarms = start();
    const a = await alarms.raise(alarm({ priority: 'high' }));
    const both = await Promise.allSettled([
      alarms.acknowledge(a.id, gina, 'on my way'),
      alarms.acknowledge(a.id, { ...gina, name: 'sam' }, 'me too'),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await pass(3_600_000);
    const acks = db
      .prepare("SELECT COUNT(*) FROM journal_entries WHERE type = 'alarm.acknowledged'")
      .pluck()
      .get() as number;
    expect(acks).toBe(1);
    expect(escalated()).toEqual([]);
  });
});
