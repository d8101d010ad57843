import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '@gatehouse/auth';
import { type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import type { Db } from '@gatehouse/storage';
import { openTestJournal } from '@gatehouse/testing';
import { journalKeyMade, ReaderKeyStore, ReadersService, type SerialPortConfig } from '../src';

const admin: Actor = { kind: 'operator', name: 'ada', address: '127.0.0.1' };
const action = { actor: admin, reason: 'reader replaced after vandalism', source: 'http' };

/** A gateway-made key changes only in its journal entry's transaction, and the reader hears of it only after. */
describe('reader key actions: journal first (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let keys: ReaderKeyStore;
  let readers: ReadersService;
  const entries = (type: string) =>
    (
      db
        .prepare('SELECT entry_json FROM journal_entries WHERE type = ? ORDER BY seq')
        .pluck()
        .all(type) as string[]
    ).map((j) => JSON.parse(j) as { actor: Actor; payload: Record<string, unknown> });
  const hex = (k: Uint8Array | null) => (k ? Buffer.from(k).toString('hex') : null);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-reader-keys-'));
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock));
    keys = new ReaderKeyStore(db, SecretBox.fromFile(join(dir, 'secrets.key')));
    const managed = keys.keyFor('front-in');
    keys.markInstalled('front-in');
    const port: SerialPortConfig = {
      id: 'bus-a',
      path: join(dir, 'no-such-tty'),
      protocol: 'osdp',
      baudRate: 9600,
      pollIntervalMs: 200,
      markByte: true,
      readers: [
        {
          id: 'front-in',
          address: 1,
          format: 'H10301',
          scbk: managed.key,
          installMode: false,
          managedKey: true,
        },
      ],
      relays: [],
      inputs: [],
    };
    readers = new ReadersService([port], new GatehouseBus(), journal, clock, () => undefined, keys);
  });
  afterEach(async () => {
    journal.resume();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a reinstalled key only with its entry, and not at all when the journal refuses', async () => {
    const before = hex(keys.keyFor('front-in').key);
    journal.pause();
    const reinstalling = readers.reinstallKey('front-in', action);
    await new Promise((r) => setImmediate(r));
    expect(hex(keys.keyFor('front-in').key)).toBe(before); // nothing stored while the entry waits
    journal.resume();
    expect(await reinstalling).toBe(true);
    const after = keys.keyFor('front-in');
    expect(hex(after.key)).not.toBe(before);
    expect(after.installed).toBe(false);
    expect(entries('reader.key-reinstall')).toEqual([
      expect.objectContaining({ actor: admin, payload: expect.objectContaining({ readerId: 'front-in' }) }),
    ]);
    await journal.close();
    await expect(readers.reinstallKey('front-in', action)).rejects.toThrow(/closed/);
    expect(hex(keys.keyFor('front-in').key)).toBe(hex(after.key));
  });

  it('records a key being made, without the key, in the transaction that stores it, at the clock’s time', async () => {
    const clock = new ManualClock('2026-06-02T10:00:00Z');
    const secrets = SecretBox.fromFile(join(dir, 'secrets.key'));
    const made = new ReaderKeyStore(db, secrets, journalKeyMade(journal), clock);
    const key = hex(made.keyFor('floor-in').key)!;
    expect(made.keyFor('floor-in').key).toHaveLength(16); // made once
    expect(db.prepare("SELECT created_at FROM reader_keys WHERE reader_id = 'floor-in'").pluck().get()).toBe(
      Date.parse('2026-06-02T10:00:00Z'),
    );
    const rows = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'reader.key-made'")
      .pluck()
      .all() as string[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('floor-in');
    expect(rows[0]!.toLowerCase()).not.toContain(key);
    await journal.close();
    expect(() => made.keyFor('floor-out')).toThrow(/closed/);
    expect(db.prepare("SELECT count(*) FROM reader_keys WHERE reader_id = 'floor-out'").pluck().get()).toBe(
      0,
    );
  });

  it('stores a rotation only with its entry, and records a refused one without touching the key', async () => {
    journal.pause();
    const rotating = readers.rotateKey('front-in', action);
    await new Promise((r) => setImmediate(r));
    expect(keys.keyFor('front-in').nextKey).toBeNull();
    journal.resume();
    expect(await rotating).toBe(true);
    expect(keys.keyFor('front-in').nextKey).toHaveLength(16);
    expect(entries('reader.key-rotation').map((e) => e.payload.started)).toEqual([true]);

    await readers.reinstallKey('front-in', action); // a fresh reader: no key in force to rotate
    const fresh = hex(keys.keyFor('front-in').key);
    expect(await readers.rotateKey('front-in', action)).toBe(false);
    expect(hex(keys.keyFor('front-in').key)).toBe(fresh);
    expect(keys.keyFor('front-in').nextKey).toBeNull();
    expect(entries('reader.key-rotation').map((e) => e.payload.started)).toEqual([true, false]);
  });
});
