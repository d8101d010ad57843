import type { Cardholder } from '@gatehouse/access';
import { aCardholderRecord } from '@gatehouse/testing';
import { AccountDirectory } from './identity';

const person = (id: string, directoryAccount: string | null): Cardholder =>
  aCardholderRecord(id, { directoryAccount });

/** The index's map as the access index keeps it: changed in place for one person, swapped for an import. */
const site = (...people: Cardholder[]) => {
  let map = new Map(people.map((p) => [p.id, p]));
  return {
    directory: new AccountDirectory(() => map),
    put: (p: Cardholder) => map.set(p.id, p),
    remove: (id: string) => map.delete(id),
    swap: (...more: Cardholder[]) => {
      map = new Map(map);
      for (const p of more) map.set(p.id, p);
    },
  };
};

const rebuilds = (directory: AccountDirectory) =>
  jest.spyOn(directory as unknown as { rebuild: () => unknown }, 'rebuild');

describe('directory accounts to cardholders', () => {
  it('takes in one changed person without a rebuild, and counts a change of the mapping', () => {
    const s = site(person('p1', 'CORP\\ann'), person('p2', 'bob'));
    expect(s.directory.personOf('corp\\ann')).toBe('p1');
    const generation = s.directory.generation;
    const rebuilt = rebuilds(s.directory);
    s.put(person('p3', 'carol@corp'));
    s.directory.changed(['p3']);
    expect(s.directory.personOf('corp\\carol')).toBe('p3');
    expect(s.directory.generation).toBe(generation + 1);
    // A change that maps no account differently is no new generation.
    s.put({ ...person('p2', 'BOB'), name: 'Bob renamed' });
    s.directory.changed(['p2']);
    expect(s.directory.personOf('bob')).toBe('p2');
    expect(s.directory.generation).toBe(generation + 1);
    expect(rebuilt).not.toHaveBeenCalled();
  });

  it('keeps the rule of the whole rebuild: of two people naming one account, the first by id holds it', () => {
    const s = site(person('p5', 'ann'));
    expect(s.directory.personOf('ann')).toBe('p5');
    s.put(person('p9', 'ann'));
    s.directory.changed(['p9']);
    expect(s.directory.personOf('ann')).toBe('p5');
    s.put(person('p1', 'ann'));
    s.directory.changed(['p1']);
    expect(s.directory.personOf('ann')).toBe('p1');
  });

  it('rebuilds when a person gives up an account another person names, so that person holds it', () => {
    const s = site(person('p1', 'ann'), person('p2', 'ann'));
    expect(s.directory.personOf('ann')).toBe('p1');
    const rebuilt = rebuilds(s.directory);
    s.put(person('p1', 'anna'));
    s.directory.changed(['p1']);
    expect(s.directory.personOf('ann')).toBe('p2');
    expect(s.directory.personOf('anna')).toBe('p1');
    s.remove('p2');
    s.directory.changed(['p2']);
    expect(s.directory.personOf('ann')).toBeNull();
    expect(rebuilt).toHaveBeenCalledTimes(2);
  });

  it('rebuilds once when the index swaps its map (an import), whatever was changed before', () => {
    const s = site(person('p1', 'ann'));
    expect(s.directory.personOf('ann')).toBe('p1');
    const rebuilt = rebuilds(s.directory);
    // An import's parts are announced before the index swaps: its people are not in the map yet.
    s.directory.changed(['p7']);
    expect(s.directory.personOf('dora')).toBeNull();
    s.swap(person('p7', 'dora'));
    expect(s.directory.personOf('dora')).toBe('p7');
    expect(s.directory.personOf('ann')).toBe('p1');
    expect(rebuilt).toHaveBeenCalledTimes(1);
  });

  it('rebuilds after invalidate (a mapping made on the console)', () => {
    const s = site(person('p1', 'ann'));
    expect(s.directory.personOf('ann')).toBe('p1');
    s.put(person('p1', 'zed'));
    s.directory.invalidate();
    expect(s.directory.personOf('ann')).toBeNull();
    expect(s.directory.personOf('zed')).toBe('p1');
  });
});
