import type { JournalEntry } from '@gatehouse/contracts';
import type { EntryNames } from './readable';

type Payload = Record<string, unknown>;
const on = (p: Payload, key: string): boolean | undefined =>
  typeof p[key] === 'boolean' ? (p[key] as boolean) : undefined;
const said = (v: unknown): string => (typeof v === 'string' && v ? v : '');
const text = (v: unknown): string => (typeof v === 'number' ? String(v) : said(v) || '?');

/** One sensor signal in words: `{kind: 'tamper', active: false}` → "tamper cleared". */
const signalInWords = (s: Payload): string => {
  const n = typeof s.percent === 'number' ? s.percent : typeof s.degrees === 'number' ? s.degrees : s.count;
  switch (s.kind) {
    case 'contact':
      return on(s, 'open') ? 'contact open' : 'contact closed';
    case 'tamper':
      return on(s, 'active') ? 'tamper reported' : 'tamper cleared';
    case 'battery':
      return `battery ${text(n)}%`;
    case 'availability':
      return on(s, 'online') ? 'online' : 'offline';
    case 'rex':
      return on(s, 'active') ? 'exit button pressed' : 'exit button released';
    case 'lock':
      return on(s, 'locked') ? 'lock locked' : 'lock unlocked';
    case 'tilt':
      return `tilted ${text(n)}°`;
    case 'vibration':
      return on(s, 'active') ? 'vibration felt' : 'vibration stopped';
    case 'people':
      return `${text(n)} ${n === 1 ? 'person' : 'people'} through`;
    default:
      return typeof s.kind === 'string' ? `${s.kind} signal` : '';
  }
};

/**
 * A device's new state in words, from the entry's payload: a
 * reader's "tamper" that cleared must not read like the alarm it was. Keyed
 * by entry type; `undefined` where the payload does not say (the words then
 * say what changed without a state they cannot vouch for).
 */
const STATES: Record<string, (p: Payload) => string> = {
  'reader.online': () => 'online',
  'reader.offline': () => 'offline',
  'reader.tamper': (p) =>
    on(p, 'tamper') === false ? 'tamper cleared' : on(p, 'tamper') ? 'tamper reported' : 'tamper changed',
  // Restored only after a fault the reader reported (`was: false`): its first report, or one
  // journaled before `was` was kept, is normal power, not a restoration of something never lost.
  'reader.power': (p) =>
    on(p, 'power') === false
      ? 'power fault'
      : on(p, 'power')
        ? on(p, 'was') === false
          ? 'power restored'
          : 'power normal'
        : 'power changed',
  'reader.secure-channel': () => 'secure channel established',
  'reader.secure-channel-failed': () => 'secure channel failed',
  'reader.key-set': () => 'new key installed',
  'reader.key-set-failed': () => 'refused its new key',
  'reader.port-opened': () => 'serial line open',
  'reader.port-closed': () => 'serial line closed',
  'reader.bridge-online': () => 'bridge back online',
  'reader.bridge-offline': () => 'bridge silent (offline)',
  'reader.bridge-hello': () => 'bridge started',
  'reader.bridge-rebooted': () => 'bridge rebooted',
  'sensor.reading': (p) => {
    const signals = Array.isArray(p.signals) ? (p.signals as Payload[]) : [];
    const words = signals.map(signalInWords).filter(Boolean);
    return words.length > 0 ? words.join(', ') : 'a reading with nothing the gateway reads';
  },
};

/**
 * Who or what an entry is about, by name: a reader by its door and direction,
 * a door, a zone; else the kind of device in words, else nothing.
 */
export const subjectOf = (entry: Pick<JournalEntry, 'type' | 'payload'>, names: EntryNames): string => {
  const named = entry.type.startsWith('reader.')
    ? (names.reader ?? names.door)
    : (names.door ?? names.reader ?? names.zone);
  if (named) return entry.type.startsWith('sensor.') ? `${named} sensor` : named;
  // Unnamed (a reader in no door's record, or a role that may not see doors): in words, never the port's id.
  if (entry.type.startsWith('reader.port-')) return 'Card readers';
  if (entry.type.startsWith('reader.')) return 'A card reader';
  if (entry.type.startsWith('sensor.')) return 'A door sensor';
  return '';
};

/**
 * One line for an entry whose meaning is a state change of something: "Front
 * door entry reader: tamper cleared". `undefined` for entries that are events
 * of people (a decision, an operator's action), worded by their event and
 * names instead.
 */
export const stateLine = (
  entry: Pick<JournalEntry, 'type' | 'payload'>,
  names: EntryNames,
): string | undefined => {
  const state = STATES[entry.type];
  if (!state) return undefined;
  const subject = subjectOf(entry, names);
  const words = state((entry.payload ?? {}) as Payload);
  return `${subject}: ${words}`;
};

/** The entry types worded as a state change (for tests that go over every one). */
export const STATE_LINE_TYPES: readonly string[] = Object.keys(STATES);

/** What happened to an alarm, by entry type: "acknowledged", "closed as false alarm". */
const ALARM_VERBS: Record<string, string> = {
  'alarm.acknowledged': 'acknowledged',
  'alarm.commented': 'commented on',
  'alarm.assigned': 'assigned',
  'alarm.escalated': 'escalated',
  'alarm.resolved': 'resolved',
  'alarm.false-alarm': 'closed as false alarm',
  'alarm.cause-ended': 'cause ended',
  'alarm.withdrawn': 'withdrawn (its cause was disproved)',
};

/**
 * Which alarm, by where and what: "Front door forced open", "Front door entry
 * reader offline" (a reader's alarm by the reader, its type's "reader" not
 * said twice), "Tailgating alarm" where no place is named; the person it is
 * about in brackets.
 */
const alarmNamed = (p: Payload, names: EntryNames): string => {
  const type = said(p.type);
  const words = type.replace(/[-_.]+/g, ' ').toLowerCase();
  const byReader = type.startsWith('reader-') && names.reader;
  const where = byReader ? names.reader : (names.door ?? names.reader ?? names.zone);
  const what = byReader ? words.replace(/^reader /, '') : words;
  const named = where ? `${where} ${what || 'alarm'}` : `${what ? `${what} alarm` : 'An alarm'}`;
  const person = names.person ? ` (${names.person})` : '';
  return `${named.charAt(0).toUpperCase()}${named.slice(1)}${person}`;
};

/**
 * An alarm entry's event for the readable export, which has no "which alarm"
 * column (the door and person have theirs): "Forced open alarm acknowledged".
 * `undefined` for other entries, or an alarm entry without its type.
 */
export const alarmEvent = (entry: Pick<JournalEntry, 'type' | 'payload'>): string | undefined => {
  if (!entry.type.startsWith('alarm.')) return undefined;
  const type = said(((entry.payload ?? {}) as Payload).type);
  if (!type) return undefined;
  const what = type.replace(/[-_.]+/g, ' ').toLowerCase();
  const verb =
    entry.type === 'alarm.raised'
      ? 'raised'
      : (ALARM_VERBS[entry.type] ?? entry.type.slice('alarm.'.length).replace(/[-_.]+/g, ' '));
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} alarm ${verb}`;
};

/** A sentence's tail without its own full stop, so the line ends with one. */
const clause = (text: string): string => text.trim().replace(/[.\s]+$/, '');

/**
 * An alarm's entry says which alarm and what was done to it, by whom and why:
 * "Front door forced open acknowledged by Ada Admin: checked, wind.". Never a
 * bare "Alarm acknowledged".
 */
const alarmLine = (
  entry: Pick<JournalEntry, 'type' | 'payload'>,
  names: EntryNames,
  row: { operator: string; reason: string },
): string | undefined => {
  if (!entry.type.startsWith('alarm.')) return undefined;
  const p = (entry.payload ?? {}) as Payload;
  const alarm = alarmNamed(p, names);
  const why = row.reason ? `: ${clause(row.reason)}` : '';
  if (entry.type === 'alarm.raised') return `Alarm raised: ${alarm}${why}.`;
  const verb = ALARM_VERBS[entry.type] ?? entry.type.slice('alarm.'.length).replace(/[-_.]+/g, ' ');
  const to = entry.type === 'alarm.assigned' && said(p.to) ? ` to ${said(p.to)}` : '';
  const now = entry.type === 'alarm.escalated' && said(p.priority) ? ` (now ${said(p.priority)})` : '';
  const by = row.operator ? ` by ${row.operator}` : '';
  return `${alarm} ${verb}${to}${now}${by}${why}.`;
};

/**
 * One sentence for an entry, the same in Live events, the Journal and its
 * detail: a device's state change by its subject ("Front door entry reader:
 * tamper cleared."), else the event with who and where ("Access granted: Ann
 * Archer with card H10301 21:10100 at Front door."). Only what the entry
 * names is said; the subject is never dropped for a bare type word.
 */
export const entryLine = (
  entry: Pick<JournalEntry, 'type' | 'payload'>,
  names: EntryNames,
  row: { event: string; person: string; card: string; door: string; operator: string; reason: string },
): string => {
  const stated = stateLine(entry, names);
  if (stated) return `${stated}.`;
  const alarm = alarmLine(entry, names, row);
  if (alarm) return alarm;
  const card = row.card ? `${row.person ? ' with' : ''} card ${row.card}` : '';
  const who = `${row.person}${card}`.trim();
  const where = row.door
    ? `at ${row.door}`
    : names.reader
      ? `at ${names.reader}`
      : names.zone
        ? `in ${names.zone}`
        : '';
  if (who) return `${row.event}: ${who}${where ? ` ${where}` : ''}.`;
  return where ? `${row.event} ${where}.` : `${row.event}.`;
};
