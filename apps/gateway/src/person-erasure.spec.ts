import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService, CardholderInput } from '@gatehouse/access';
import { type Actor, DomainError, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import type { LegalHoldPort, PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';
import { openTestJournal, sealedAccessStore } from '@gatehouse/testing';
import { personErasure } from './person-erasure';

const officer: Actor = { kind: 'operator', name: 'priya', address: '127.0.0.1' };
const HOLD = { id: 'hold-7', reason: 'litigation 2026-14' };

/** The erasure over a real database, journal and keyring, with legal holds answered by the test. */
describe('person erasure and legal holds', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let access: AccessService;
  let keyring: PrivacyKeyring;
  let busFailures: string[];
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const refusal = async (erase: () => Promise<unknown>) =>
    erase().then(
      () => null,
      (error: unknown) => (error instanceof DomainError ? error.code : error),
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-erasure-'));
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    // The journal's keyring: the one whose keys seal its entries' personal values.
    ({ db, journal, keyring } = await openTestJournal(dir, clock));
    // A write nobody awaits that fails is kept here, and fails the test after it.
    busFailures = [];
    const bus = new GatehouseBus((event, owner, error) =>
      busFailures.push(`${event}/${owner}: ${String(error)}`),
    );
    access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
  });
  afterEach(async () => {
    expect(busFailures).toEqual([]);
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const aPerson = () =>
    access.records.createCardholder(
      CardholderInput.parse({ name: 'Hesper Loakes', department: 'Legal' }),
      officer,
    );

  it('refuses a person under a legal hold, changing nothing', async () => {
    const person = await aPerson();
    const holds: LegalHoldPort = { holdOn: (id) => (id === person.id ? HOLD : null) };
    const erase = () =>
      access.records.eraseCardholder(person.id, 'DSR-3', officer, personErasure(keyring, holds));
    expect(await refusal(erase)).toBe('privacy.legal-hold');
    expect(access.records.get('cardholders', person.id)).toEqual(person);
    expect(count("SELECT count(*) FROM journal_entries WHERE type = 'privacy.person-erased'")).toBe(0);
    expect(count('SELECT count(*) FROM privacy_erasures')).toBe(0);
  });

  it('refuses, inside its transaction, a hold placed after the first check: no entry, no change', async () => {
    const person = await aPerson();
    let asked = 0;
    const holds: LegalHoldPort = { holdOn: () => (++asked > 1 ? HOLD : null) };
    const erase = () =>
      access.records.eraseCardholder(person.id, 'DSR-4', officer, personErasure(keyring, holds));
    expect(await refusal(erase)).toBe('privacy.legal-hold');
    expect(asked).toBe(2);
    expect(access.records.get('cardholders', person.id)).toEqual(person);
    expect(count("SELECT count(*) FROM journal_entries WHERE type = 'privacy.person-erased'")).toBe(0);
    expect(count('SELECT count(*) FROM privacy_erasures')).toBe(0);
    // The person's key (made with the record and the entry that created it) is kept, and still opens both.
    expect(count('SELECT count(*) FROM privacy_person_keys')).toBe(1);
    expect(keyring.keyOf(person.id).kind).toBe('key');
    // The refused transaction took nothing else with it: the journal goes on.
    await expect(aPerson()).resolves.toMatchObject({ name: 'Hesper Loakes' });
  });

  it('erases once, then says the person was erased already', async () => {
    const person = await aPerson();
    const erasure = personErasure(keyring);
    const erased = await access.records.eraseCardholder(person.id, 'DSR-5', officer, erasure);
    expect(erased).toMatchObject({ name: 'erased person', department: null, state: 'left' });
    expect(keyring.keyOf(person.id).kind).toBe('erased');
    expect(await refusal(() => access.records.eraseCardholder(person.id, 'again', officer, erasure))).toBe(
      'privacy.already-erased',
    );
    expect(count("SELECT count(*) FROM journal_entries WHERE type = 'privacy.person-erased'")).toBe(1);
  });

  it('leaves the sealed record opening as "erased person" everywhere, found by no search, also after a restart', async () => {
    const person = await aPerson();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await access.records.setPhoto(person.id, 'image/png', png, officer);
    const indexed = () => count(`SELECT count(*) FROM privacy_blind_index WHERE person_id = '${person.id}'`);
    expect(indexed()).toBe(2); // "hesper", "loakes"
    expect(access.store.cardholdersNamed('hesper').map((c) => c.id)).toEqual([person.id]);

    await access.records.eraseCardholder(person.id, 'DSR-6', officer, personErasure(keyring));
    const erasedView = {
      name: 'erased person',
      employeeNumber: null,
      department: null,
      directoryAccount: null,
    };
    expect(access.records.get('cardholders', person.id)).toMatchObject({ ...erasedView, hasPhoto: false });
    expect(access.engine.index.cardholders.get(person.id)).toMatchObject(erasedView);
    expect(indexed()).toBe(0);
    expect(access.store.cardholdersNamed('hesper')).toEqual([]);
    expect(access.records.searchCardholders({ text: 'hesper', fields: ['name'] })).toEqual([]);
    expect(count(`SELECT count(*) FROM cardholder_photos WHERE cardholder_id = '${person.id}'`)).toBe(0);

    // A later change of what is not personal writes no new key and no envelope.
    await access.records.updateCardholder(person.id, { kind: 'contractor' }, officer);
    expect(keyring.keyOf(person.id).kind).toBe('erased');
    expect(count(`SELECT count(*) FROM cardholders WHERE id = '${person.id}' AND sealed IS NULL`)).toBe(1);

    // At the next start the decision index loads the person as erased.
    const restarted = new AccessService(
      sealedAccessStore(db).store,
      journal,
      new ManualClock('2026-06-02T09:00:00Z'),
      new GatehouseBus(),
    );
    expect(restarted.engine.index.cardholders.get(person.id)).toMatchObject({ ...erasedView, state: 'left' });
    expect(restarted.records.searchCardholders({ text: 'hesper', fields: ['name'] })).toEqual([]);
  });
});
