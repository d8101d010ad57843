import type { JournalEntry, JournalEntryInput } from '@gatehouse/contracts';
import { openCommitted, PersonKey, sealCommitted } from '@gatehouse/privacy';
import { buildEntry } from './entry';
import { disclosuresOf, openPersonal, type PersonalPrivacy, sealPersonal } from './personal';

/** Real keys in memory: what the keyring's adapter does, without its table. */
const keysOf = (...ids: string[]): PersonalPrivacy => {
  const keys = new Map(ids.map((id) => [id, PersonKey.generate(id)]));
  return {
    seal: (id, path, value) => sealCommitted(keys.get(id)!, path, value),
    open: (id, path, sealed) => {
      const key = keys.get(id);
      return key ? openCommitted(key, path, sealed) : { ok: false, reason: 'erased' };
    },
  };
};

const input = (paths: string[]): JournalEntryInput => ({
  type: 'cardholder.updated',
  source: 'test',
  subjects: [{ kind: 'person', id: 'p-1' }],
  payload: { id: 'p-1', changes: { name: { from: 'Ann Old', to: 'Ann New' } }, level: 3 },
  personal: { personId: 'p-1', paths },
});
const entryOf = (i: JournalEntryInput): JournalEntry => buildEntry(i, 1, new Date('2026-06-01T00:00:00Z'));

describe('sealing and opening personal values', () => {
  it('seals the strings at the paths and opens them back; the entry holds neither value', () => {
    const keys = keysOf('p-1');
    const sealed = sealPersonal(
      input(['changes.name.from', 'changes.name.to', 'level', 'missing.path']),
      keys,
    );
    // A number and an absent path hold nothing to seal and are not listed.
    expect(sealed.personal).toEqual({
      personId: 'p-1',
      paths: ['changes.name.from', 'changes.name.to'],
      sealed: true,
    });
    const entry = entryOf(sealed);
    expect(JSON.stringify(entry)).not.toMatch(/Ann/);
    expect(entry.personal).toEqual({ personId: 'p-1', paths: ['changes.name.from', 'changes.name.to'] });
    expect(openPersonal(entry, keys).payload).toEqual(input([]).payload);
    // Sealing twice does not seal the ciphertext again.
    expect(sealPersonal(sealed, keys)).toBe(sealed);
  });

  it('refuses bad paths, and an unsealed part when building the entry', () => {
    const keys = keysOf('p-1');
    expect(() => sealPersonal(input(['changes..to']), keys)).toThrow(/bad personal paths/);
    expect(() => sealPersonal(input(['a'.repeat(65)]), keys)).toThrow(/bad personal paths/);
    expect(() => sealPersonal(input(Array.from({ length: 65 }, (_, i) => `f${i}`)), keys)).toThrow(
      /bad personal paths/,
    );
    expect(() => sealPersonal(input(['changes.name.to']), undefined)).toThrow(/no keys to seal/);
    expect(() => entryOf(input(['changes.name.to']))).toThrow(/unsealed personal values/);
  });

  it('never throws while opening: an opener that fails shows "unreadable", a missing key "erased person"', () => {
    const entry = entryOf(sealPersonal(input(['changes.name.to']), keysOf('p-1')));
    const failing: PersonalPrivacy = {
      seal: () => {
        throw new Error('unused');
      },
      open: () => {
        throw new Error('database is locked');
      },
    };
    expect((openPersonal(entry, failing).payload.changes as { name: { to: string } }).name.to).toBe(
      'unreadable',
    );
    const other = openPersonal(entry, keysOf('p-2'));
    expect((other.payload.changes as { name: { to: string } }).name.to).toBe('erased person');
    expect(other.personal).toMatchObject({ opened: true, erased: true });
    expect(disclosuresOf(entry, keysOf('p-2'))).toBeNull();
    // An entry without personal values is returned as it is.
    const plain = entryOf({ type: 'door.opened', source: 'test', payload: { doorId: 'd' } });
    expect(openPersonal(plain, failing)).toBe(plain);
  });
});
