import { AccessIndex, type AccessSnapshot } from './index-data';
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
});
