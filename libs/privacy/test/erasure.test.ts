import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@gatehouse/contracts';
import { loadOrCreateSigningKey, verifyDatabase } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import {
  BlindIndex,
  ERASED_PERSON,
  erasePerson,
  type LegalHoldPort,
  MasterKey,
  NO_LEGAL_HOLD,
  openCommitted,
  openField,
  PrivacyKeyring,
  sealCommitted,
  sealField,
  shownValue,
  verifyCommitment,
} from '../src';
import { freshDatabase, privacyTables } from './support';

describe('erasure (real SQLite)', () => {
  it('makes the person\u2019s fields read "erased person" while the journal still verifies', async () => {
    const clock = new ManualClock();
    const { dir } = freshDatabase('erase-journal');
    // The journal's keyring: the one whose keys seal its entries' personal values.
    const { db, journal, keyring } = await openTestJournal(dir, clock);
    const index = new BlindIndex(db, keyring);

    const people = ['p-anna', 'p-bo'];
    const sealed = new Map<string, { name: string; committed: ReturnType<typeof sealCommitted> }>();
    for (const id of people) {
      const key = keyring.keyForWriting(id);
      const name = id === 'p-anna' ? 'Anna Kowalska' : 'Bo Lindqvist';
      const committed = sealCommitted(key, 'name', name);
      sealed.set(id, { name: sealField(key, 'name', name), committed });
      index.indexPerson(id, { names: [name], cards: [] });
      // As the integration will journal a change: ciphertext and commitment, never the clear name.
      await journal.append({
        type: 'cardholder.created',
        source: 'test',
        subjects: [{ kind: 'person', id }],
        payload: { name: { sealed: committed.sealed, commitment: committed.commitment } },
      });
    }
    expect(index.searchName('kowalska')).toEqual(['p-anna']);

    expect(erasePerson(keyring, NO_LEGAL_HOLD, 'p-anna', () => 42)).toEqual({
      kind: 'erased',
      personId: 'p-anna',
      erasedAt: 42,
    });
    const anna = sealed.get('p-anna')!;
    const reading = keyring.readField('p-anna', 'name', anna.name);
    expect(reading).toEqual({ kind: 'erased' });
    expect(shownValue(reading)).toBe(ERASED_PERSON);
    expect(keyring.keyOf('p-anna')).toEqual({ kind: 'erased', erasedAt: 42 });
    expect(index.searchName('kowalska')).toEqual([]);
    expect(index.searchName('anna kowalska')).toEqual([]);
    expect(keyring.readField('p-bo', 'name', sealed.get('p-bo')!.name)).toEqual({
      kind: 'clear',
      value: 'Bo Lindqvist',
    });
    expect(index.searchName('lindqvist')).toEqual(['p-bo']);

    // Disclosure still works for the one not erased.
    const bo = keyring.keyOf('p-bo');
    if (bo.kind !== 'key') throw new Error(bo.kind);
    const disclosed = openCommitted(bo.key, 'name', sealed.get('p-bo')!.committed.sealed);
    if (!disclosed.ok) throw new Error(disclosed.reason);
    expect(verifyCommitment(disclosed.value, disclosed.salt, sealed.get('p-bo')!.committed.commitment)).toBe(
      true,
    );

    await journal.close();
    const signer = loadOrCreateSigningKey(join(dir, 'k.pem'));
    const report = await verifyDatabase(db, new Map([[signer.keyId, signer.publicKeyPem]]));
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    db.close();
  });

  it('leaves a key handed out before the erasure unable to open or seal', () => {
    const { db } = freshDatabase('erase-live');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
    const key = keyring.keyForWriting('p-1');
    const sealed = sealField(key, 'name', 'Live View');
    erasePerson(keyring, NO_LEGAL_HOLD, 'p-1');
    expect(openField(key, 'name', sealed)).toEqual({ ok: false, reason: 'erased' });
    expect(() => sealField(key, 'name', 'again')).toThrow(/destroyed/);
    db.close();
  });

  it('answers an unknown person, a second erasure and a legal hold with their own results', () => {
    const { db } = freshDatabase('erase-results');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
    keyring.keyForWriting('p-held');
    keyring.keyForWriting('p-twice');

    expect(erasePerson(keyring, NO_LEGAL_HOLD, 'p-nobody')).toEqual({
      kind: 'unknown-person',
      personId: 'p-nobody',
    });

    const hold = { id: 'hold-7', reason: 'incident 2026-11 under investigation' };
    const holds: LegalHoldPort = { holdOn: (id) => (id === 'p-held' ? hold : null) };
    const before = privacyTables(db);
    expect(erasePerson(keyring, holds, 'p-held')).toEqual({ kind: 'held', personId: 'p-held', hold });
    expect(privacyTables(db)).toEqual(before);
    expect(keyring.keyOf('p-held').kind).toBe('key');

    expect(erasePerson(keyring, holds, 'p-twice', () => 5).kind).toBe('erased');
    expect(erasePerson(keyring, holds, 'p-twice', () => 9)).toEqual({
      kind: 'already-erased',
      personId: 'p-twice',
      erasedAt: 5,
    });
    db.close();
  });

  it('overwrites the erased wrapped key in the database file', () => {
    const { db, path } = freshDatabase('erase-shred');
    const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
    for (let i = 0; i < 50; i++) keyring.keyForWriting(`p-${i}`);
    const wrapped = db
      .prepare("SELECT wrapped FROM privacy_person_keys WHERE person_id = 'p-7'")
      .pluck()
      .get() as Buffer;
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).includes(wrapped)).toBe(true);
    erasePerson(keyring, NO_LEGAL_HOLD, 'p-7');
    expect(db.pragma('secure_delete', { simple: true })).toBe(0);
    db.close();
    expect(readFileSync(path).includes(wrapped)).toBe(false);
  });
});
