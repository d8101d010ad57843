import { AccessIndex, type AccessSnapshot, type CredentialRecord } from './index-data';
import type { Cardholder, Door } from './model';
import type { DocumentTable, DocumentTypes } from './store';

const door: Door = {
  id: 'front',
  name: 'Front',
  readers: [{ id: 'front-in', direction: 'entry' }],
  zoneOut: 'outside',
  zoneIn: 'lobby',
  mode: 'card-only',
  unlockMs: 5000,
  heldOpenMs: 30_000,
  unlockScheduleId: null,
  firstPersonIn: false,
  antiPassback: 'none',
  antiPassbackKind: 'zone',
  antiPassbackSeconds: 0,
  escortRequired: false,
  lock: null,
  contact: null,
  rex: null,
};
const person = (id: string, name: string, more: Partial<Cardholder> = {}): Cardholder => ({
  id,
  name,
  employeeNumber: null,
  department: null,
  directoryAccount: null,
  kind: 'employee',
  state: 'active',
  privileged: false,
  watchListed: false,
  levelIds: [],
  groupIds: [],
  hasPhoto: false,
  ...more,
});
const card = (id: string, cardholderId: string, number: string): CredentialRecord => ({
  id,
  cardholderId,
  format: 'H10301',
  number,
  hasPin: false,
  hasDuressPin: false,
  pinHash: null,
  duressPinHash: null,
  validFrom: null,
  validUntil: null,
  state: 'active',
  expireUnusedDays: null,
  lastUsedAt: null,
  createdAt: 0,
});
const site: { [K in DocumentTable]: DocumentTypes[K] } = {
  access_zones: { id: 'lobby', name: 'Lobby', parentId: null },
  access_doors: door,
  access_schedules: {
    id: 'always',
    name: 'Always',
    timeZone: 'UTC',
    intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    holidayIntervals: [],
  },
  access_holidays: { id: 'new-year', name: 'New Year', date: '2026-01-01' },
  access_levels: { id: 'staff', name: 'Staff', scheduleId: 'always', doorIds: ['front'] },
  access_groups: { id: 'agents', name: 'Agents', levelIds: ['staff'] },
  cardholders: person('ann', 'Ann Archer', { levelIds: ['staff'] }),
};
const tables = Object.keys(site) as DocumentTable[];
const snapshot: AccessSnapshot = {
  zones: [site.access_zones],
  doors: [site.access_doors],
  schedules: [site.access_schedules],
  holidays: [site.access_holidays],
  levels: [site.access_levels],
  groups: [site.access_groups],
  cardholders: [site.cardholders],
  credentials: [],
};
const empty = () =>
  AccessIndex.build({ ...snapshot, ...Object.fromEntries(Object.keys(snapshot).map((k) => [k, []])) });

describe('AccessIndex', () => {
  it('holds a record applied one by one as building it whole would', () => {
    const index = empty();
    for (const t of tables) index.apply(t, site[t]);
    expect(index).toEqual(AccessIndex.build(snapshot));
  });

  it('forgets every kind of record it was given, with what it derived from it (readers, holiday dates)', () => {
    const index = empty();
    for (const t of tables) index.apply(t, site[t]);
    for (const t of tables) index.remove(t, site[t].id);
    expect(index).toEqual(empty());
  });

  it('searches only the fields it is given, in the state asked for, by name', () => {
    const index = empty();
    index.apply('cardholders', person('c', 'Cal Carter', { employeeNumber: 'E-7731' }));
    index.apply('cardholders', person('b', 'Bea Baker', { department: 'Calls' }));
    index.apply('cardholders', person('a', 'Al Adams', { department: 'Calls', state: 'left' }));
    const names = (found: Cardholder[]) => found.map((c) => c.name);
    expect(names(index.searchCardholders({ text: 'cal', fields: ['name', 'department'] }))).toEqual([
      'Al Adams',
      'Bea Baker',
      'Cal Carter',
    ]);
    expect(names(index.searchCardholders({ text: 'cal', fields: ['name'] }))).toEqual(['Cal Carter']);
    expect(names(index.searchCardholders({ text: 'e-7731', fields: ['name', 'department'] }))).toEqual([]);
    expect(names(index.searchCardholders({ fields: [], state: 'left' }))).toEqual(['Al Adams']);
  });

  describe('putAll (an import)', () => {
    const people = Array.from({ length: 2500 }, (_, i) => person(`p${i}`, `Person ${i}`));
    const cards = people.map((p, i) => card(`c${i}`, p.id, `9:${i}`));
    const shown = (index: AccessIndex) => ({
      people: index.cardholders.size,
      cards: index.credentials.size,
      byId: index.credentialsById.size,
    });

    it('shows decisions the old people and credentials until every new one is in, then all of them', async () => {
      const index = AccessIndex.build({ ...snapshot, credentials: [card('ann-card', 'ann', '1:1')] });
      const seen: ReturnType<typeof shown>[] = [];
      // A number changed by the import moves its credential to the new key.
      await index.putAll(people, [...cards, card('ann-card', 'ann', '1:2')], async () => {
        seen.push(shown(index));
      });
      expect(seen.length).toBeGreaterThan(2);
      expect(new Set(seen.map((s) => JSON.stringify(s)))).toEqual(
        new Set([JSON.stringify({ people: 1, cards: 1, byId: 1 })]),
      );
      expect(shown(index)).toEqual({ people: 2501, cards: 2501, byId: 2501 });
      expect(index.credentials.get('H10301/1:1')).toBeUndefined();
      expect(index.credentials.get('H10301/1:2')?.id).toBe('ann-card');
      expect(index).toEqual(
        AccessIndex.build({
          ...snapshot,
          cardholders: [...snapshot.cardholders, ...people],
          credentials: [card('ann-card', 'ann', '1:2'), ...cards],
        }),
      );
    });

    it('loses no change made to people or credentials while it copies', async () => {
      const index = AccessIndex.build(snapshot);
      let edited = false;
      await index.putAll(people, cards, async () => {
        if (edited) return;
        edited = true;
        index.apply('cardholders', person('bob', 'Bob Brown'));
        index.putCredential(card('bob-card', 'bob', '2:2'));
      });
      expect(index.cardholders.get('bob')?.name).toBe('Bob Brown');
      expect(index.credentials.get('H10301/2:2')?.id).toBe('bob-card');
      expect(shown(index)).toEqual({ people: 2502, cards: 2501, byId: 2501 });
    });
  });
});
