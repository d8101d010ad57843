import { DomainError } from '@gatehouse/contracts';
import { MasterKey, PrivacyKeyring, openField, sealField } from '../src';
import { takeKeystream } from '../src/key-stream';
import { freshDatabase, privacyTables, reopen } from './support';
import { problemOf } from './problem-of';

describe('privacy keyring (real SQLite)', () => {
  it('records the first master key, then keeps each person key across restarts', () => {
    const { db, path } = freshDatabase('keyring');
    const master = MasterKey.generate();
    const keyring = PrivacyKeyring.open(db, [master]);
    const key = keyring.keyForWriting('p-1');
    expect(keyring.keyForWriting('p-1')).toBe(key);
    const sealed = sealField(key, 'name', 'Ingrid Halvorsen');
    db.close();

    const again = reopen(path);
    const reopened = PrivacyKeyring.open(again, [master]);
    expect(reopened.readField('p-1', 'name', sealed)).toEqual({ kind: 'clear', value: 'Ingrid Halvorsen' });
    const found = reopened.keyOf('p-1');
    if (found.kind !== 'key') throw new Error(found.kind);
    expect(openField(found.key, 'name', sealed)).toEqual({ ok: true, value: 'Ingrid Halvorsen' });
    expect(reopened.keyOf('p-unknown')).toEqual({ kind: 'unknown' });
    expect(reopened.readField('p-unknown', 'name', sealed)).toEqual({ kind: 'unknown-person' });
    expect(again.prepare('SELECT version, state FROM privacy_master_keys').all()).toEqual([
      { version: 1, state: 'current' },
    ]);
    again.close();
  });

  it('refuses a wrong master key before reading or writing anything', () => {
    const { db } = freshDatabase('wrong');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
    keyring.keyForWriting('p-1');
    const before = privacyTables(db);
    const changes = db.prepare('SELECT total_changes()').pluck().get();
    const wrong = MasterKey.generate();
    expect(problemOf(() => PrivacyKeyring.open(db, [wrong]))).toBe('wrong-key');
    expect(() => PrivacyKeyring.open(db, [wrong])).toThrow(/not one this database was sealed with/);
    expect(db.prepare('SELECT total_changes()').pluck().get()).toBe(changes);
    expect(privacyTables(db)).toEqual(before);
    expect(problemOf(() => PrivacyKeyring.open(db, []))).toBe('missing');
    db.close();
  });

  it('does not unwrap a key row moved onto another person', () => {
    const { db } = freshDatabase('moved');
    const master = MasterKey.generate();
    const keyring = PrivacyKeyring.open(db, [master]);
    keyring.keyForWriting('p-1');
    keyring.keyForWriting('p-2');
    db.prepare(
      "UPDATE privacy_person_keys SET wrapped = (SELECT wrapped FROM privacy_person_keys WHERE person_id = 'p-1') WHERE person_id = 'p-2'",
    ).run();
    const fresh = PrivacyKeyring.open(db, [master]);
    expect(fresh.keyOf('p-1').kind).toBe('key');
    expect(() => fresh.keyOf('p-2')).toThrow(/does not unwrap/);
    db.close();
  });

  it('gives an erased person no new key', () => {
    const { db } = freshDatabase('no-resurrect');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
    db.prepare("INSERT INTO privacy_erasures (person_id, erased_at) VALUES ('p-gone', 1)").run();
    expect(keyring.keyOf('p-gone')).toEqual({ kind: 'erased', erasedAt: 1 });
    expect(() => keyring.keyForWriting('p-gone')).toThrow(DomainError);
    expect(db.prepare('SELECT count(*) FROM privacy_person_keys').pluck().get()).toBe(0);
    db.close();
  });

  it('wipes the journal keystream of a key it lets go of from its cache; the key still works', () => {
    const { db } = freshDatabase('evicted-stream');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()], { cacheSize: 2 });
    const first = keyring.keyForWriting('p-1');
    const taken = takeKeystream(first, 32);
    expect(taken.block.some((b) => b !== 0)).toBe(true);
    keyring.keyForWriting('p-2');
    keyring.keyForWriting('p-3');
    // p-1 left the cache: the keystream made ahead for it is zeros now.
    expect(taken.block.every((b) => b === 0)).toBe(true);
    // Whoever still holds the key object gets a new stream, never the old one's bytes again.
    const again = takeKeystream(first, 32);
    expect(again.counter).not.toBe(taken.counter);
    expect(first.destroyed).toBe(false);
    db.close();
  });
});
