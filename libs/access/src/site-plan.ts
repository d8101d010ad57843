import type { z } from 'zod';
import type { Actor } from '@gatehouse/contracts';
import type { AccessRecords } from './records';
import type { Cardholder, Credential } from './model';
import {
  CardholderInput,
  CredentialInput,
  DoorInput,
  GroupInput,
  HolidayInput,
  LevelInput,
  ScheduleInput,
  ZoneInput,
} from './schemas';

/** A person of a plan with their cards; the cards name no cardholder, they are the person's own. */
export interface PlannedPerson {
  cardholder: z.input<typeof CardholderInput>;
  credentials?: Omit<z.input<typeof CredentialInput>, 'cardholderId'>[];
}

/**
 * A whole site written as the API takes it (defaults left out), so the demo
 * seed and the tests describe a site once and `applySitePlan` saves it.
 */
export interface SitePlan {
  zones?: z.input<typeof ZoneInput>[];
  schedules?: z.input<typeof ScheduleInput>[];
  holidays?: z.input<typeof HolidayInput>[];
  doors?: z.input<typeof DoorInput>[];
  levels?: z.input<typeof LevelInput>[];
  groups?: z.input<typeof GroupInput>[];
  people?: PlannedPerson[];
}

export interface SeededPerson {
  cardholder: Cardholder;
  credentials: Credential[];
}

type SiteWriter = Pick<
  AccessRecords,
  | 'saveZone'
  | 'saveSchedule'
  | 'saveHoliday'
  | 'saveDoor'
  | 'saveLevel'
  | 'saveGroup'
  | 'createCardholder'
  | 'createCredential'
>;

/**
 * Creates every record of the plan, each journaled like any other change, in
 * the order their references need (a door's zones before it, a level's doors
 * and schedule before it, a person's levels and groups before them). Every
 * record passes its schema first, as it would at the API.
 */
export const applySitePlan = async (
  access: SiteWriter,
  plan: SitePlan,
  actor: Actor,
): Promise<SeededPerson[]> => {
  for (const zone of plan.zones ?? []) await access.saveZone(ZoneInput.parse(zone), actor, 'create');
  for (const s of plan.schedules ?? []) await access.saveSchedule(ScheduleInput.parse(s), actor, 'create');
  for (const h of plan.holidays ?? []) await access.saveHoliday(HolidayInput.parse(h), actor, 'create');
  for (const door of plan.doors ?? []) await access.saveDoor(DoorInput.parse(door), actor, 'create');
  for (const level of plan.levels ?? []) await access.saveLevel(LevelInput.parse(level), actor, 'create');
  for (const group of plan.groups ?? []) await access.saveGroup(GroupInput.parse(group), actor, 'create');
  const people: SeededPerson[] = [];
  for (const person of plan.people ?? []) {
    const cardholder = await access.createCardholder(CardholderInput.parse(person.cardholder), actor);
    const credentials: Credential[] = [];
    for (const card of person.credentials ?? [])
      credentials.push(
        await access.createCredential(CredentialInput.parse({ ...card, cardholderId: cardholder.id }), actor),
      );
    people.push({ cardholder, credentials });
  }
  return people;
};
