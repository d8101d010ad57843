import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import { DoorsService } from '@gatehouse/doors';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AlarmsService } from '@gatehouse/alarms';

/**
 * A gateway restart with doors still forced and held: the alarms of those
 * doors are in the queue already (persisted), so the conditions found again at
 * start must not add an occurrence per condition (issue 11: restarts do not
 * flood the queue). Real journal, real SQLite, the real doors service.
 */
describe('alarms across a gateway restart (real SQLite, real doors service)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  const settle = async () => {
    for (let i = 0; i < 3; i++) await journal.append({ type: 'test.sync', source: 'test' });
  };
  const raised = () =>
    db.prepare("SELECT COUNT(*) FROM journal_entries WHERE type = 'alarm.raised'").pluck().get() as number;

  const start = () => {
    const bus = new GatehouseBus();
    const alarms = new AlarmsService(db, journal, clock, bus);
    const doors = new DoorsService(
      bus,
      journal,
      clock,
      () => [
        { id: 'forced', name: 'Forced door', unlockMs: 5000, heldOpenMs: 30_000 },
        { id: 'held', name: 'Held door', unlockMs: 5000, heldOpenMs: 30_000 },
      ],
      [
        { sensorId: 'c-forced', doorId: 'forced', role: 'contact' },
        { sensorId: 'c-held', doorId: 'held', role: 'contact' },
      ],
      { debounceMs: 0 },
    );
    const contact = (sensorId: string, open: boolean, retained = false) =>
      bus.emit('sensor.reading', {
        sensorId,
        signals: [{ kind: 'contact', open }],
        at: clock.now().getTime(),
        origin: 'test',
        ...(retained ? { retained: true } : {}),
      });
    const stop = () => {
      doors.stop();
      alarms.stop();
    };
    return { bus, alarms, doors, contact, stop };
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarms-restart-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock));
  });
  afterEach(async () => {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a forced and a held door still open after a restart and adds no new alarm for either', async () => {
    const first = start();
    first.contact('c-forced', false);
    first.contact('c-held', false);
    first.bus.emit('access.decided', {
      readerId: 'r',
      doorId: 'held',
      grant: true,
      reason: 'granted',
      unlockMs: 5000,
      awaitingPin: false,
      cardholderId: 'p',
      at: clock.now().getTime(),
    });
    first.contact('c-held', true);
    first.contact('c-forced', true);
    for (let i = 0; i < 8; i++) {
      clock.advance(5000);
      await settle();
    }
    const before = first.alarms.queue().map((a) => `${a.type} ${a.doorId}`);
    expect(before.sort()).toEqual(['forced-open forced', 'held-open held', 'held-open-warning held'].sort());
    const raisedBefore = raised();
    first.stop();

    // The restart: the broker hands over each contact's retained state, both still open.
    const second = start();
    second.contact('c-forced', true, true);
    second.contact('c-held', true, true);
    for (let i = 0; i < 12; i++) {
      clock.advance(5000);
      await settle();
    }
    expect(raised()).toBe(raisedBefore);
    expect(
      second.alarms
        .queue()
        .map((a) => `${a.type} ${a.doorId}`)
        .sort(),
    ).toEqual(before.sort());

    // When the doors close, the alarms from before the restart learn that their cause ended.
    second.contact('c-forced', false);
    second.contact('c-held', false);
    await settle();
    expect(second.alarms.queue().every((a) => !a.active)).toBe(true);
    second.stop();
  });
});
