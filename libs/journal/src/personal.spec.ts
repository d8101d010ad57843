import type { JournalEntry, JournalEntryInput, JsonValue } from '@gatehouse/contracts';
import { journalPrivacy, PersonKey } from '@gatehouse/privacy';
import { buildEntry } from './entry';
import { disclosuresOf, openPersonal, type PersonalPrivacy, sealPersonal } from './personal';

/** The keyring's adapter over real keys held in memory, without the keyring's table. */
const keysOf = (...ids: string[]): PersonalPrivacy => {
  const keys = new Map(ids.map((id) => [id, PersonKey.generate(id)]));
  return journalPrivacy({
    keyOf: (id) => {
      const key = keys.get(id);
      return key ? { kind: 'key', key } : { kind: 'unknown' };
    },
    keyForWriting: (id) => keys.get(id)!,
  });
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
      sealed: expect.stringMatching(/^j3\.[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]+$/),
    });
    const entry = entryOf(sealed);
    expect(JSON.stringify(entry)).not.toMatch(/Ann/);
    expect(entry.personal).toEqual(sealed.personal);
    expect((entry.payload.changes as { name: unknown }).name).toEqual({
      from: { commitment: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      to: { commitment: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
    expect(openPersonal(entry, keys).payload).toEqual(input([]).payload);
    // Sealing twice does not seal the ciphertext again.
    expect(sealPersonal(sealed, keys)).toBe(sealed);
  });

  it("leaves the caller's payload as it was: only the objects on the way to a sealed value are copies", () => {
    const given = {
      id: 'p-1',
      changes: { name: { from: 'Ann Old', to: 'Ann New' }, state: { from: null, to: 'active' } },
      levels: ['L1'],
    };
    const before = JSON.stringify(given);
    const sealed = sealPersonal(
      {
        type: 'cardholder.updated',
        source: 'test',
        payload: given,
        personal: { personId: 'p-1', paths: ['changes.name.to'] },
      },
      keysOf('p-1'),
    );
    expect(JSON.stringify(given)).toBe(before);
    const changes = sealed.payload!.changes as Record<string, Record<string, unknown>>;
    expect(changes.name!.from).toBe('Ann Old');
    expect(changes.name!.to).toEqual({ commitment: expect.any(String) });
    expect(changes).not.toBe(given.changes);
    // What sealing does not touch is shared, not copied.
    expect(changes.state).toBe(given.changes.state);
    expect(sealed.payload!.levels).toBe(given.levels);
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
      sealValues: () => {
        throw new Error('unused');
      },
      openValues: () => {
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

  it('opens all of an entry or nothing: one altered byte, anywhere, makes every value unreadable', () => {
    const keys = keysOf('p-1');
    const entry = entryOf(sealPersonal(input(['changes.name.from', 'changes.name.to']), keys));
    const sealed = entry.personal!.sealed!;
    const body = sealed.slice(sealed.lastIndexOf('.') + 1);
    const shown = (e: JournalEntry) => (openPersonal(e, keys).payload.changes as { name: unknown }).name;
    expect(shown(entry)).toEqual({ from: 'Ann Old', to: 'Ann New' });
    // Each byte of the ciphertext flipped in turn (one bit, as someone writing the database would):
    // whether the list still parses or not, neither value shows and nothing is disclosed.
    const bytes = Buffer.from(body, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 0x01;
      const text = `${sealed.slice(0, sealed.lastIndexOf('.') + 1)}${altered.toString('base64url')}`;
      const tampered: JournalEntry = { ...entry, personal: { ...entry.personal!, sealed: text } };
      expect(shown(tampered)).toEqual({ from: 'unreadable', to: 'unreadable' });
      expect(disclosuresOf(tampered, keys)).toBeNull();
    }
    // A commitment of another value: the same answer for the entry's other value too.
    const changes = entry.payload.changes as { name: { from: JsonValue; to: JsonValue } };
    const swapped: JournalEntry = {
      ...entry,
      payload: { ...entry.payload, changes: { name: { from: changes.name.to, to: changes.name.to } } },
    };
    expect(shown(swapped)).toEqual({ from: 'unreadable', to: 'unreadable' });
    expect(disclosuresOf(swapped, keys)).toBeNull();
  });
});
