import type { Cardholder as CardholderRecord, PlannedPerson, SitePlan } from '@gatehouse/access';

/*
 * Test data as the API and the records take it (the zod input types of
 * @gatehouse/access, as SitePlan names them: defaults may be left out). Each
 * builder gives a valid record of its own and takes overrides; ids and numbers
 * come from one counter, so a file's records are the same on every run and
 * never collide.
 */

type Each<T extends unknown[] | undefined> = NonNullable<T>[number];
type Zone = Each<SitePlan['zones']>;
type Schedule = Each<SitePlan['schedules']>;
type Holiday = Each<SitePlan['holidays']>;
type Door = Each<SitePlan['doors']>;
type Level = Each<SitePlan['levels']>;
type Group = Each<SitePlan['groups']>;
type Cardholder = PlannedPerson['cardholder'];
/** A card as a person of a plan holds it; given a cardholderId, as the API takes it. */
type Credential = Each<PlannedPerson['credentials']> & { cardholderId?: string };
type Interval = Schedule['intervals'][number];

let counter = 0;
const next = () => ++counter;

/** Every day of the week, Monday (1) to Sunday (7), as schedules number them. */
export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
export const WEEKDAYS = [1, 2, 3, 4, 5];

/** One interval of a schedule: these days, from start to end (local "HH:MM"; "24:00" is midnight after). */
export const hours = (days: number[], start = '00:00', end = '24:00'): Interval => ({ days, start, end });

export const aZone = (over: Partial<Zone> = {}): Zone => {
  const n = next();
  return { id: `zone-${n}`, name: `Zone ${n}`, parentId: null, ...over };
};

/** A schedule open around the clock every day, unless its intervals are given. */
export const aSchedule = (over: Partial<Schedule> = {}): Schedule => {
  const n = next();
  return {
    id: `schedule-${n}`,
    name: `Schedule ${n}`,
    timeZone: 'UTC',
    intervals: [hours(EVERY_DAY)],
    ...over,
  };
};

export const aHoliday = (over: Partial<Holiday> = {}): Holiday => {
  const n = next();
  return { id: `holiday-${n}`, name: `Holiday ${n}`, date: '2026-12-25', ...over };
};

/** A door's two readers, named after it: `<door>-in` for entry and `<door>-out` for exit. */
export const entryAndExit = (doorId: string): NonNullable<Door['readers']> => [
  { id: `${doorId}-in`, direction: 'entry' },
  { id: `${doorId}-out`, direction: 'exit' },
];

/** A door from outside into `zoneIn` (outside too unless given), with an entry reader named after it. */
export const aDoor = (over: Partial<Door> = {}): Door => {
  const id = over.id ?? `door-${next()}`;
  return {
    id,
    name: `Door ${id}`,
    zoneIn: 'outside',
    readers: [{ id: `${id}-in`, direction: 'entry' }],
    ...over,
  };
};

/** A level on a schedule: the schedule must exist, and its doors (none unless given). */
export const aLevel = (over: Partial<Level> & Pick<Level, 'scheduleId'>): Level => {
  const n = next();
  return { id: `level-${n}`, name: `Level ${n}`, doorIds: [], ...over };
};

export const aGroup = (over: Partial<Group> = {}): Group => {
  const n = next();
  return { id: `group-${n}`, name: `Group ${n}`, levelIds: [], ...over };
};

/** An active employee with an employee number of their own and no access unless levels or groups are given. */
export const aCardholder = (over: Partial<Cardholder> = {}): Cardholder => {
  const n = next();
  return { name: `Person ${n}`, employeeNumber: `EMP-${n}`, ...over };
};

/** A cardholder as the access index holds it (every field present): an active employee with nothing else set. */
export const aCardholderRecord = (id: string, over: Partial<CardholderRecord> = {}): CardholderRecord => ({
  id,
  name: `Person ${id}`,
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
  ...over,
});

/** An active H10301 card (facility 7) with a number of its own; a PIN only when given. */
export const aCredential = (over: Partial<Credential> = {}): Credential => ({
  format: 'H10301',
  number: `7:${10_000 + next()}`,
  ...over,
});

/**
 * The small site most tests start from, its records consistent with each
 * other: a lobby behind the front door (readers front-in and front-out), a
 * schedule "always" (UTC), a level "staff" on it opening the front door, and
 * Ann Archer in that level with card H10301 12:345. A fresh copy each call.
 */
export const aSite = () =>
  ({
    zones: [aZone({ id: 'lobby', name: 'Lobby' })],
    schedules: [aSchedule({ id: 'always', name: 'Always' })],
    doors: [
      aDoor({
        id: 'front',
        name: 'Front door',
        zoneIn: 'lobby',
        readers: [
          { id: 'front-in', direction: 'entry' },
          { id: 'front-out', direction: 'exit' },
        ],
      }),
    ],
    levels: [aLevel({ id: 'staff', name: 'Staff', scheduleId: 'always', doorIds: ['front'] })],
    people: [
      {
        cardholder: aCardholder({ name: 'Ann Archer', employeeNumber: 'E100', levelIds: ['staff'] }),
        credentials: [aCredential({ number: '12:345' })],
      },
    ],
  }) satisfies SitePlan;
