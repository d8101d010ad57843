import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alarmCommentSealing, AlarmsService } from '@gatehouse/alarms';
import { type Actor, GatehouseBus, type JournalEntry, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { erasePerson, NO_LEGAL_HOLD, type PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';
import { openTestJournal, scanDatabaseFiles, textNeedles } from '@gatehouse/testing';

const gina: Actor = { kind: 'operator', name: 'gina', address: '127.0.0.1' };
const PERSON = 'ch-philippa';
/** What a guard writes about the person an alarm is about: words no SQLite structure holds by chance. */
const ABOUT_HER = {
  acknowledged: 'Philippa Wrexham-Oyelaran tailgated again, spoke to her at reception',
  commented: 'Called her manager Ignatius Brackenridge-Moss on 07700 900461',
  escalated: 'Philippa Wrexham-Oyelaran refuses to badge out',
  resolved: 'Philippa Wrexham-Oyelaran escorted off site by Quentavius',
};
/** A correlation alert's words: its detail and its withdrawal name the account it saw. */
const ALERT = {
  detail: 'login as CORP\\pwrexhamoyelaran at WS-0042 with no badge-in today',
  withdrawn: 'a badge-in by CORP\\pwrexhamoyelaran arrived late',
};
const ABOUT_THE_DOOR = 'Loading bay door slammed by the wind, latch worn';

describe('comments on an alarm about a person are sealed under their key (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let path: string;
  let clock: ManualClock;
  let journal: Journal;
  let keyring: PrivacyKeyring;
  let alarms: AlarmsService;
  const entries = () =>
    (db.prepare('SELECT entry_json FROM journal_entries ORDER BY seq').pluck().all() as string[]).map(
      (j) => JSON.parse(j) as JournalEntry,
    );
  const service = () =>
    new AlarmsService(db, journal, clock, new GatehouseBus(), undefined, alarmCommentSealing(keyring));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-alarm-comments-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal, keyring, path } = await openTestJournal(dir, clock));
    alarms = service();
  });
  afterEach(async () => {
    alarms.stop();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const raiseAboutHer = () =>
    alarms.raise({
      type: 'anti-passback',
      priority: 'medium',
      silent: false,
      doorId: 'd1',
      cardholderId: PERSON,
      at: clock.now().getTime(),
    });

  it('keeps none of the texts in clear in the file or its WAL, and shows them to the guard', async () => {
    const a = await raiseAboutHer();
    await alarms.acknowledge(a.id, gina, ABOUT_HER.acknowledged);
    await alarms.comment(a.id, gina, ABOUT_HER.commented);
    await alarms.escalate(a.id, gina, ABOUT_HER.escalated);
    await alarms.resolve(a.id, gina, ABOUT_HER.resolved, false);
    const door = await alarms.raise({
      type: 'forced-open',
      priority: 'high',
      silent: false,
      doorId: 'd2',
      at: clock.now().getTime(),
    });
    await alarms.comment(door.id, gina, ABOUT_THE_DOOR);
    await journal.append({ type: 'test.sync', source: 'test' });

    // What the guard reads: every comment in words, from the record.
    expect(alarms.get(a.id).comments.map((c) => c.text)).toEqual([
      ABOUT_HER.acknowledged,
      ABOUT_HER.commented,
      ABOUT_HER.resolved,
    ]);
    expect(alarms.history(10).find((x) => x.id === a.id)!.comments).toHaveLength(3);
    // The journal's entries open for a view, as the alarm's history shows them.
    const opened = entries()
      .filter((e) => e.type === 'alarm.commented')
      .map((e) => journal.openForView(e));
    expect(opened.map((e) => e.payload.comment)).toEqual([ABOUT_HER.commented, ABOUT_THE_DOOR]);

    const needles = Object.entries(ABOUT_HER).flatMap(([label, text]) => textNeedles(label, text));
    expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
    // The scan reads the files for real: a comment about a door, about nobody, is the site's and stays clear.
    expect(scanDatabaseFiles(db, path, textNeedles('door comment', ABOUT_THE_DOOR)).length).toBeGreaterThan(
      0,
    );
  });

  it("seals a correlation alert's detail and withdrawal, on record and in the journal", async () => {
    const alert = await alarms.raise({
      type: 'login-without-badge-in',
      priority: 'high',
      silent: false,
      cardholderId: PERSON,
      detail: ALERT.detail,
      sourceKey: 'alert-1',
      at: clock.now().getTime(),
    });
    await alarms.withdrawn({
      type: 'login-without-badge-in',
      sourceKey: 'alert-1',
      reason: ALERT.withdrawn,
      at: clock.now().getTime(),
    });
    await journal.append({ type: 'test.sync', source: 'test' });
    const shown = alarms.get(alert.id);
    expect([shown.state, shown.detail, shown.comments.map((c) => c.text)]).toEqual([
      'withdrawn',
      ALERT.detail,
      [`withdrawn: ${ALERT.withdrawn}`],
    ]);
    const opened = entries()
      .filter((e) => e.type === 'alarm.raised' || e.type === 'alarm.withdrawn')
      .map((e) => journal.openForView(e).payload);
    expect(opened.map((p) => p.detail ?? p.reason)).toEqual([ALERT.detail, ALERT.withdrawn]);
    const needles = [...textNeedles('detail', ALERT.detail), ...textNeedles('withdrawal', ALERT.withdrawn)];
    expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
    // Once she is erased, the record's words read "erased person" too.
    expect(erasePerson(keyring, NO_LEGAL_HOLD, PERSON).kind).toBe('erased');
    expect(alarms.get(alert.id).detail).toBe('erased person');
  });

  it('shows "erased person" once the person is erased, keeps nothing new written about them, and still ends the alarm', async () => {
    const a = await raiseAboutHer();
    await alarms.acknowledge(a.id, gina, ABOUT_HER.acknowledged);
    expect(erasePerson(keyring, NO_LEGAL_HOLD, PERSON).kind).toBe('erased');

    // In memory (the queue) and on record alike.
    expect(
      alarms
        .queue()
        .find((x) => x.id === a.id)!
        .comments.map((c) => c.text),
    ).toEqual(['erased person']);
    expect(alarms.get(a.id).comments.map((c) => c.text)).toEqual(['erased person']);
    // The alarm still ends; what the guard writes about her now is not kept, on record or in the journal.
    await alarms.comment(a.id, gina, ABOUT_HER.commented);
    const resolved = await alarms.resolve(a.id, gina, ABOUT_HER.resolved, false);
    expect(resolved.state).toBe('resolved');
    expect(resolved.comments.map((c) => c.text)).toEqual(Array(3).fill('erased person'));
    expect(alarms.get(a.id).comments.map((c) => c.text)).toEqual(Array(3).fill('erased person'));
    const after = entries().filter((e) => e.type === 'alarm.commented' || e.type === 'alarm.resolved');
    expect(after.map((e) => [e.payload.comment, e.personal])).toEqual([
      ['erased person', undefined],
      ['erased person', undefined],
    ]);
    await journal.append({ type: 'test.sync', source: 'test' });
    const needles = Object.entries(ABOUT_HER).flatMap(([label, text]) => textNeedles(label, text));
    expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
  });

  it('refuses a comment about a person where no keys seal it, and writes nothing', async () => {
    alarms.stop();
    alarms = new AlarmsService(db, journal, clock, new GatehouseBus());
    const a = await raiseAboutHer();
    const before = entries();
    await expect(alarms.comment(a.id, gina, ABOUT_HER.commented)).rejects.toMatchObject({
      code: 'alarm.no-keys',
    });
    expect(entries()).toHaveLength(before.length);
    expect(alarms.get(a.id).comments).toEqual([]);
  });

  it('opens the sealed comments again after a restart', async () => {
    const a = await raiseAboutHer();
    await alarms.acknowledge(a.id, gina, ABOUT_HER.acknowledged);
    alarms.stop();
    alarms = service();
    expect(
      alarms
        .queue()
        .find((x) => x.id === a.id)!
        .comments.map((c) => c.text),
    ).toEqual([ABOUT_HER.acknowledged]);
  });
});
