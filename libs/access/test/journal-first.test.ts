import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { aSite, openTestJournal, sealedAccessStore } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AccessService, applySitePlan } from '@gatehouse/access';

const guard: Actor = { kind: 'operator', name: 'gina', address: '127.0.0.1' };

/** Every state change of the access context commits with its entry, and nothing reaches a door before its record. */
describe('access: journal first (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  let access: AccessService;
  const count = (type: string) =>
    db.prepare('SELECT count(*) FROM journal_entries WHERE type = ?').pluck().get(type) as number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-access-first-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock));
    bus = new GatehouseBus();
    access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
  });
  afterEach(async () => {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Ann's card at the front door's entry reader, now by the test's clock. */
  const presentAnnsCard = () =>
    access.decisions.present({
      readerId: 'front-in',
      format: 'H10301',
      number: '12:345',
      at: clock.now().getTime(),
    });

  const seedGrant = async () => {
    const site = aSite();
    const [ann] = await applySitePlan(
      access.records,
      { ...site, doors: [{ ...site.doors[0]!, antiPassback: 'hard' }] },
      guard,
    );
    const d = await presentAnnsCard();
    expect(d.grant).toBe(true);
    await journal.append({ type: 'test.sync', source: 'test' });
    return ann!.cardholder.id;
  };

  it('creates the built-in outside zone with its entry, once', async () => {
    expect(count('zone.created')).toBe(1);
    const entry = JSON.parse(
      db
        .prepare("SELECT entry_json FROM journal_entries WHERE type = 'zone.created'")
        .pluck()
        .get() as string,
    ) as { actor: Actor; subjects: unknown[] };
    expect(entry.actor).toEqual({ kind: 'system', name: 'built-in' });
    expect(entry.subjects).toEqual([{ kind: 'zone', id: 'outside' }]);
    expect(access.records.get('access_zones', 'outside')).toMatchObject({ name: 'Outside' });
    new AccessService(sealedAccessStore(db).store, journal, clock, bus);
    expect(count('zone.created')).toBe(1);
  });

  it('forgives anti-passback only once the record is committed; a journal that fails changes nothing', async () => {
    const ann = await seedGrant();
    const presence = () => db.prepare('SELECT count(*) FROM presence').pluck().get() as number;
    expect(access.guard.presenceList().map((p) => p.cardholderId)).toEqual([ann]);
    expect(presence()).toBe(1);
    const held = journal;
    held.pause();
    const forgiving = access.guard.forgive(ann, 'came in with a visitor', guard);
    await new Promise((r) => setImmediate(r));
    // Not committed yet: the engine still knows where Ann is.
    expect(access.guard.presenceList()).toHaveLength(1);
    held.resume();
    expect(await forgiving).toBe(1);
    expect(access.guard.presenceList()).toEqual([]);
    expect(presence()).toBe(0);

    // Again in, then a journal that refuses: the forgiveness is refused and nothing is forgotten.
    clock.advance(60_000);
    await presentAnnsCard();
    await journal.append({ type: 'test.sync', source: 'test' });
    await journal.close();
    await expect(access.guard.forgive(null, 'reset after drill', guard)).rejects.toThrow(/closed/);
    expect(access.guard.presenceList().map((p) => p.cardholderId)).toEqual([ann]);
  });

  it("marks a leaver, suspends the cards and records the directory's reason in one commit, or changes nothing", async () => {
    const ann = await seedGrant();
    const card = access.records.credentialsOf(ann)[0]!;
    const reason = (suspended: readonly string[], extra: Record<string, unknown> = {}) => ({
      type: 'directory.leaver',
      source: 'directory',
      subjects: [{ kind: 'person' as const, id: ann }],
      payload: { cardholderId: ann, reason: 'disabled', suspended: [...suspended], ...extra },
    });
    const entriesBefore = count('cardholder.updated') + count('credential.updated');

    // A reason that cannot be stored (canonical JSON has no NaN) fails inside the commit: nothing of it stays.
    await expect(
      access.records.markLeaver(ann, guard, (s) => reason(s, { score: Number.NaN })),
    ).rejects.toThrow(/NaN/);
    expect(access.records.get('cardholders', ann).state).toBe('active');
    expect(access.records.getCredential(card.id).state).toBe('active');
    expect(count('cardholder.updated') + count('credential.updated') + count('directory.leaver')).toBe(
      entriesBefore,
    );
    // Nor did the decision index take anything in: Ann is inside, so her card meets anti-passback.
    clock.advance(60_000);
    expect(await presentAnnsCard()).toMatchObject({ grant: false, reason: 'anti-passback' });

    expect(await access.records.markLeaver(ann, guard, (s) => reason(s))).toEqual([card.id]);
    const rows = db
      .prepare(
        "SELECT seq, type, time_ms FROM journal_entries WHERE type IN ('cardholder.updated', 'credential.updated', 'directory.leaver') ORDER BY seq DESC LIMIT 3",
      )
      .all() as { seq: number; type: string }[];
    // Consecutive, in the order the change happened: one group, one transaction.
    expect(rows.reverse().map((r) => r.type)).toEqual([
      'cardholder.updated',
      'credential.updated',
      'directory.leaver',
    ]);
    expect(rows[2]!.seq - rows[0]!.seq).toBe(2);
    expect(access.records.get('cardholders', ann).state).toBe('left');
    expect(access.records.getCredential(card.id).state).toBe('suspended');
    // The decision index took it in too: the card is refused at once.
    clock.advance(60_000);
    const d = await presentAnnsCard();
    // Refused for the suspension itself, which the engine checks before anti-passback.
    expect(d).toMatchObject({ grant: false, reason: 'credential-suspended' });
  });

  it('sends a remote unlock to the door only after its entry is committed, and not at all when it cannot be', async () => {
    await seedGrant();
    const onRecordWhenSent: number[] = [];
    bus.on('door.command', 'strike', () => onRecordWhenSent.push(count('door.remote-unlock')));
    await access.guard.unlockMomentarily('front', 'courier at the door', guard);
    expect(onRecordWhenSent).toEqual([1]);
    await journal.close();
    await expect(access.guard.unlockMomentarily('front', 'again', guard)).rejects.toThrow(/closed/);
    expect(onRecordWhenSent).toEqual([1]);
  });
});
