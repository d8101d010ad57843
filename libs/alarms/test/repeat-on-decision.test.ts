import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessDecided, type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { aCardholder, aCredential, aDoor, openTestJournal, sealedAccessStore } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AccessService, applySitePlan } from '@gatehouse/access';
import { AlarmsService } from '@gatehouse/alarms';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };

describe('an alarm repeated by a decision (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let alarms: AlarmsService;

  afterEach(async () => {
    alarms.stop();
    journal.resume();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the reader its feedback while the journal holds its commit, and counts the repeat in that commit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarm-repeat-'));
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock));
    const bus = new GatehouseBus();
    const access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
    alarms = new AlarmsService(db, journal, clock, bus);
    await applySitePlan(
      access.records,
      {
        doors: [aDoor({ id: 'front', name: 'Front' })],
        people: [
          {
            cardholder: aCardholder({ name: 'Ann Archer' }),
            credentials: [aCredential({ number: '12:345', state: 'lost' })],
          },
        ],
      },
      fm,
    );
    const feedback: AccessDecided[] = [];
    bus.on('access.decided', 'reader', (d) => feedback.push(d));
    const badge = () =>
      access.decisions.present({
        readerId: 'front-in',
        format: 'H10301',
        number: '12:345',
        at: clock.now().getTime(),
      });
    const stored = () =>
      JSON.parse(db.prepare('SELECT data FROM alarms').pluck().get() as string) as { count: number };

    await badge(); // the first use of the lost card raises the alarm
    await journal.append({ type: 'test.sync', source: 'test' });
    expect(stored().count).toBe(1);

    // Nothing may commit now (as while another writer holds the database): the repeat must not wait for it.
    journal.pause();
    const decision = await badge();
    expect(decision.reason).toBe('credential-lost');
    expect(feedback).toHaveLength(2);
    expect(alarms.queue()[0]).toMatchObject({ type: 'lost-credential-used', count: 2 });
    expect(stored().count).toBe(1); // not written yet: it waits for the journal, the reader did not

    journal.resume();
    await journal.append({ type: 'test.sync', source: 'test' });
    expect(stored().count).toBe(2);
    // The repeat was committed in the decision's own transaction.
    const denied = db
      .prepare("SELECT count(*) FROM journal_entries WHERE type = 'access.denied'")
      .pluck()
      .get() as number;
    expect(denied).toBe(2);
  });
});
