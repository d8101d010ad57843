import type { AlarmView } from '@gatehouse/api';
import { ALARM_STATE_WORDS, alarmTypeWords, PRIORITY_WORDS } from '../words';
import type { SiteNames } from './site-names';

type Names = Pick<SiteNames, 'door' | 'reader' | 'person' | 'zones'>;
type Placed = Pick<
  AlarmView,
  'type' | 'doorId' | 'readerId' | 'cardholderId' | 'workstation' | 'workstationZone'
>;

/**
 * Where an alarm happened, in words: the workstation a login alarm is about,
 * with its zone ("workstation WS-12 in Finance": the session is what the
 * guard acts on, whichever door the evidence began at); else its door; else
 * its reader ("Front door entry reader"). Never a person: a person is who.
 */
export const alarmWhere = (a: Placed, names: Names): string => {
  if (a.workstation) {
    const zone = a.workstationZone
      ? (names.zones.find((z) => z.id === a.workstationZone)?.name ?? a.workstationZone)
      : null;
    return `workstation ${a.workstation.host}${zone ? ` in ${zone}` : ''}`;
  }
  const door = names.door(a.doorId);
  if (door) return door;
  if (a.readerId) return names.reader(a.readerId) ?? 'a reader not in the records';
  return '';
};

/** Who an alarm is about, by name; empty when it names nobody (or this role may not see the name). */
export const alarmWho = (a: Placed, names: Names): string => names.person(a.cardholderId) ?? '';

/** An alarm in one phrase, for titles and dialogs: "Login without badge in at workstation WS-12: Ann Frost". */
export const alarmTitle = (a: Placed, names: Names): string => {
  const where = alarmWhere(a, names);
  const who = alarmWho(a, names);
  return `${alarmTypeWords(a.type)}${where ? ` at ${where}` : ''}${who ? `: ${who}` : ''}`;
};

/** The alarm's priority now, escalations counted ("Critical ↑1"): the one source for the row and its detail. */
export const alarmPriority = (a: Pick<AlarmView, 'priority' | 'escalations'>): string =>
  `${PRIORITY_WORDS[a.priority] ?? a.priority}${a.escalations ? ` ↑${a.escalations}` : ''}`;

/** The alarm's state in words, and whether its cause has ended ("New (cause ended)"). */
export const alarmState = (a: Pick<AlarmView, 'state' | 'active'>): string =>
  `${ALARM_STATE_WORDS[a.state] ?? a.state}${a.active ? '' : ' (cause ended)'}`;
