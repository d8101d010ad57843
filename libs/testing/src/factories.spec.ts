import {
  CardholderInput,
  CredentialInput,
  DoorInput,
  LevelInput,
  ScheduleInput,
  ZoneInput,
} from '@gatehouse/access';
import { aCardholder, aCredential, aDoor, aLevel, aSchedule, aSite, aZone } from './factories';

describe('test data factories', () => {
  it('give records the schemas accept, with ids and numbers of their own', () => {
    const doors = [aDoor(), aDoor()];
    expect(doors.map((d) => DoorInput.parse(d).id)).toEqual([doors[0]!.id, doors[1]!.id]);
    expect(doors[0]!.id).not.toBe(doors[1]!.id);
    expect(doors[0]!.readers).toEqual([{ id: `${doors[0]!.id}-in`, direction: 'entry' }]);
    const people = [aCardholder(), aCardholder()].map((c) => CardholderInput.parse(c));
    expect(people[0]!.employeeNumber).not.toBe(people[1]!.employeeNumber);
    const cards = [aCredential({ cardholderId: 'p' }), aCredential({ cardholderId: 'p' })];
    const numbers = cards.map((c) => CredentialInput.parse(c).number);
    expect(numbers[0]).not.toBe(numbers[1]);
    expect(ZoneInput.parse(aZone()).parentId).toBeNull();
    expect(ScheduleInput.parse(aSchedule()).intervals).toEqual([
      { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
    ]);
    expect(LevelInput.parse(aLevel({ scheduleId: 's' })).doorIds).toEqual([]);
  });

  it('takes overrides over the defaults, and a door without readers keeps none', () => {
    expect(aDoor({ id: 'vault', readers: [] })).toMatchObject({ id: 'vault', readers: [] });
    expect(aCardholder({ name: 'Ann Archer', employeeNumber: null })).toMatchObject({
      name: 'Ann Archer',
      employeeNumber: null,
    });
  });

  it('gives a site whose references all resolve within it', () => {
    const site = aSite();
    const ids = (xs: { id: string }[]) => new Set(xs.map((x) => x.id));
    const zones = ids([...site.zones, { id: 'outside' }]);
    for (const d of site.doors)
      expect([zones.has(d.zoneIn), zones.has(d.zoneOut ?? 'outside')]).toEqual([true, true]);
    for (const l of site.levels) {
      expect(ids(site.schedules).has(l.scheduleId)).toBe(true);
      for (const d of l.doorIds) expect(ids(site.doors).has(d)).toBe(true);
    }
    for (const p of site.people)
      for (const l of p.cardholder.levelIds ?? []) expect(ids(site.levels).has(l)).toBe(true);
    expect(aSite()).toEqual(site);
    expect(aSite().doors).not.toBe(site.doors);
  });
});
