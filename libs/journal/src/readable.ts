import type { JournalEntry, SubjectKind } from '@gatehouse/contracts';
import { alarmEvent, stateLine } from './entry-line';

/** The names an entry's subjects stand for, as far as the reader may know them. */
export interface EntryNames {
  person?: string;
  door?: string;
  zone?: string;
  reader?: string;
  /** The card as printed or as its format writes it ("H10301 12:345"). */
  card?: string;
  /** The acting operator's display name (the entry's actor holds their username). */
  operator?: string;
}

/**
 * Names for ids, by subject kind; `undefined` for an id that is not known (a
 * deleted door) or that the reader may not see. The gateway builds one per
 * caller from the site's records and the caller's roles.
 */
export type NameLookup = Partial<
  Record<'person' | 'door' | 'zone' | 'reader' | 'card', (id: string) => string | undefined>
>;

const SUBJECT_NAMES: Partial<Record<SubjectKind, Exclude<keyof EntryNames, 'operator'>>> = {
  person: 'person',
  door: 'door',
  zone: 'zone',
  reader: 'reader',
  credential: 'card',
};

/**
 * The names of an entry's subjects, through `lookup`: one subject of a kind
 * by its name; several (a site-wide lockdown names every door) as a count,
 * "3 doors", never as the first of them as if it were the only one.
 */
export const namesOf = (entry: Pick<JournalEntry, 'subjects'>, lookup: NameLookup): EntryNames => {
  const names: EntryNames = {};
  const counts = new Map<keyof EntryNames, number>();
  for (const s of entry.subjects) {
    const key = SUBJECT_NAMES[s.kind];
    if (!key) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (names[key] !== undefined) continue;
    const name = lookup[key]?.(s.id);
    if (name !== undefined) names[key] = name;
  }
  for (const [key, n] of counts) if (n > 1) names[key] = `${n} ${PLURALS[key]}`;
  return names;
};

const PLURALS: Record<keyof EntryNames, string> = {
  person: 'people',
  door: 'doors',
  zone: 'zones',
  reader: 'readers',
  card: 'cards',
  operator: 'operators',
};

/**
 * One formatter per zone, kept: building an Intl.DateTimeFormat costs far more
 * than formatting with one, and an export formats every line it writes.
 */
const siteFormatters = new Map<string, Intl.DateTimeFormat>();
const siteFormatter = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = siteFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    siteFormatters.set(timeZone, formatter);
  }
  return formatter;
};

/** A time as the site's clocks show it, formatted by Intl (the reference). */
const formatSiteTime = (at: Date, timeZone: string) => {
  const parts = Object.fromEntries(
    siteFormatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return {
    day: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`,
    second: String(parts.second),
    offset,
  };
};

const MINUTE_MS = 60_000;
/** Per zone, the last minute formatted: its start (ms), "YYYY-MM-DD HH:MM", and the offset. */
const lastMinutes = new Map<string, { start: number; day: string; offset: string }>();

/**
 * A time as the site's clocks show it, with the offset: "2026-06-01 11:00:00 +01:00".
 * An export formats every line, and Intl's parts cost more than the rest of a
 * line: the minute is formatted once and kept per zone, and a time in the same
 * minute only adds its seconds (the UTC ones). A minute that is not one local
 * minute at one offset (a historic offset with seconds, a change of offset
 * inside it) is formatted in full.
 */
export const siteTime = (iso: string, timeZone: string): string => {
  const at = new Date(iso);
  const ms = at.getTime();
  if (Number.isNaN(ms)) return iso;
  const start = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  let minute = lastMinutes.get(timeZone);
  if (minute?.start !== start) {
    const first = formatSiteTime(new Date(start), timeZone);
    const last = formatSiteTime(new Date(start + MINUTE_MS - 1000), timeZone);
    // Its first and last second in the same local minute, at one offset: the offset is whole
    // minutes (one with seconds, as historic local mean times have, moves the local minute's
    // boundary inside the UTC one) and does not change within it.
    if (first.offset !== last.offset || first.day !== last.day) {
      const whole = formatSiteTime(at, timeZone);
      return `${whole.day}:${whole.second} ${whole.offset}`;
    }
    minute = { start, day: first.day, offset: first.offset };
    lastMinutes.set(timeZone, minute);
  }
  const seconds = Math.floor((ms - start) / 1000);
  return `${minute.day}:${seconds < 10 ? '0' : ''}${seconds} ${minute.offset}`;
};

/** Entry types a person reads differently from their dotted name. */
const EVENT_WORDS: Record<string, string> = {
  'access.granted': 'Access granted',
  'access.denied': 'Access denied',
  'alarm.raised': 'Alarm raised',
  'alarm.cause-ended': 'Alarm cause ended',
  'alarm.false-alarm': 'Alarm closed as false alarm',
  'door.forced-open': 'Door forced open',
  'door.held-open': 'Door held open',
  // A door's phases (door.<phase>): what the door is now, never the machine's names.
  'door.secure': 'Door closed and locked',
  'door.unlocked': 'Door unlocked',
  'door.open': 'Door open',
  'door.held-warning': 'Door held open (warning)',
  'door.held': 'Door held open',
  'door.forced': 'Door forced open',
  'door.closed-unlocked': 'Door closed, still unlocked',
  'door.unknown': 'Door state unknown',
  // A workstation's login facts (login.<action>): what the person did at it.
  'login.logon': 'Logged on',
  'login.logoff': 'Logged off',
  'login.lock': 'Workstation locked',
  'login.unlock': 'Workstation unlocked',
  'login.logon-failed': 'Logon failed',
  'login.session-opened': 'Remote session opened',
  'login.session-closed': 'Remote session closed',
  // A session that opened before its account was mapped, now the mapped person's.
  'login.session-attributed': 'Session attributed to its person',
  'workstation.placed': 'Workstation placed in a zone',
  'workstation.unplaced': 'Workstation placing taken back',
  'note.added': 'Note',
  'journal.exported': 'Journal exported',
};

/** An entry type in words: "access.denied" → "Access denied", "cardholder.updated" → "Cardholder updated". */
export const eventInWords = (type: string): string => {
  const known = EVENT_WORDS[type];
  if (known) return known;
  const words = type.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

type Payload = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** A result code in words, as a person reads a cell: `in-progress` reads "In progress". */
const codeInWords = (code: string): string => {
  const words = code.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** What the entry says happened, in words: granted or denied for decisions, an alarm's new state, else nothing. */
const resultOf = (entry: JournalEntry): string => {
  if (entry.type === 'access.granted') return 'Granted';
  if (entry.type === 'access.denied') return 'Denied';
  // The alarm's state did not change (still New, waiting to be acknowledged): what ended is its cause.
  if (entry.type === 'alarm.cause-ended') return 'Cause ended';
  const p = entry.payload as Payload;
  return codeInWords(text(entry.type.startsWith('alarm.') ? p.state : p.result));
};

/**
 * Why: a decision's reason in words (`reasonWords`, the access lib's, so the
 * console and the export say the same), an operator's reason or comment as
 * written, an alarm's detail.
 */
const reasonOf = (
  entry: JournalEntry,
  reasonWords: Readonly<Record<string, string>>,
  lookup: NameLookup,
): string => {
  const p = entry.payload as Payload;
  const reason = text(p.reason);
  if (reason && entry.type.startsWith('access.') && Object.hasOwn(reasonWords, reason))
    return reasonWords[reason]!;
  const said = reason || text(p.comment) || text(p.detail) || text(p.text);
  // A person's words stay as written; the gateway's own ("card refused at front-in") name places.
  const a = entry.actor;
  const byPerson = a && a.kind !== 'system' && a.kind !== 'anonymous';
  return byPerson ? said : namesInText(said, lookup);
};

/** A token that may be a reader's, zone's or door's id ("front-in", "lobby", "door_2"). */
const ID_TOKEN = /[A-Za-z0-9][A-Za-z0-9_-]*/g;

/**
 * The gateway's own free text with the readers, zones and doors it names by
 * id read by their names, as far as `lookup` (the caller's rights) knows them:
 * "card refused at front-in" reads "card refused at Front door entry reader".
 * Ids stay in the raw entry, one click away.
 */
export const namesInText = (said: string, lookup: NameLookup): string => {
  if (!said || (!lookup.reader && !lookup.zone && !lookup.door)) return said;
  return said.replace(ID_TOKEN, (t) => lookup.reader?.(t) ?? lookup.door?.(t) ?? lookup.zone?.(t) ?? t);
};

/** The card of an entry: its name when known, else the credential as presented (still there only if the reader may see it). */
const cardOf = (entry: JournalEntry, names: EntryNames): string => {
  if (names.card) return names.card;
  const presented = (entry.payload as Payload).credential;
  if (presented && typeof presented === 'object') {
    const c = presented as Payload;
    return [text(c.format), text(c.number)].filter(Boolean).join(' ');
  }
  return '';
};

/** Who acted: the operator by the name they are shown by when the caller resolved it, else as the actor holds it. */
const operatorOf = (entry: JournalEntry, names: EntryNames): string => {
  if (names.operator) return names.operator;
  const a = entry.actor;
  if (!a || a.kind === 'system' || a.kind === 'anonymous') return '';
  return a.name ?? a.id ?? a.kind;
};

export const READABLE_COLUMNS = [
  'time',
  'event',
  'person',
  'card',
  'door',
  'result',
  'reason',
  'operator',
] as const;

/**
 * One entry as a person reads it (issue 11, item 7): the site's time, the event
 * in words, names instead of ids. Pure: `entry` is already redacted for the
 * reader and `names` already limited to what the reader may see, so nothing
 * here can reveal more than both.
 */
export const readableRow = (
  entry: JournalEntry,
  names: EntryNames,
  timeZone: string,
  reasonWords: Readonly<Record<string, string>> = {},
  lookup: NameLookup = {},
): Record<(typeof READABLE_COLUMNS)[number], string> => ({
  time: siteTime(entry.time, timeZone),
  // A device's change names the device and its new state ("Front door entry reader: tamper cleared").
  // An alarm's says which alarm ("Forced open alarm acknowledged"): the export has no column for it.
  event: stateLine(entry, names) ?? alarmEvent(entry) ?? eventInWords(entry.type),
  person: names.person ?? '',
  card: cardOf(entry, names),
  door: names.door ?? '',
  result: resultOf(entry),
  reason: reasonOf(entry, reasonWords, lookup),
  operator: operatorOf(entry, names),
});
