import type { JournalEntry } from '../api';
import type { NamedEntryView } from '@gatehouse/api';

/**
 * What the console says of an entry before the gateway's own words for it
 * have arrived (a live entry is shown at once and named a moment later):
 * the type read as words, never the dotted name.
 */
export const typeInWords = (type: string): string => {
  const words = type.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const TIME_SOURCES: Record<JournalEntry['timeSource'], string> = {
  gateway: "the gateway's clock",
  device: "the device's own clock",
  'device-assumed-zone': "the device's clock (its zone assumed to be the site's)",
  client: "the client's clock (as the request gave it)",
};
/** Whose clock the time of an entry comes from, in words. */
export const timeSourceInWords = (source: JournalEntry['timeSource']): string =>
  TIME_SOURCES[source] ?? source;

/** The gateway's own parts, by what people know them as. */
const SOURCES: Record<string, string> = {
  http: 'The console or the API',
  gateway: 'The gateway',
  main: 'The gateway',
  cli: 'The command line',
  access: 'The access records (people, cards, doors)',
  directory: 'The directory sync (LDAP)',
  alarms: 'The alarm service',
  auth: 'Sign-in and sessions',
  doors: 'The door service',
  readers: 'The card readers',
  serial: 'The serial reader ports',
  mqtt: 'The door sensors (MQTT broker)',
  notifications: 'The notifications',
  'event-bus': 'The gateway',
  worker: 'The gateway',
};

/** Who or what reported the entry: a reader or sensor by its door, the console, a part of the gateway. */
export const sourceInWords = (entry: Pick<NamedEntryView, 'source' | 'names'>): string => {
  const [kind = '', ...rest] = entry.source.split(':');
  const id = rest.join(':');
  const door = entry.names.door ?? entry.names.reader;
  if (kind === 'reader') return entry.names.reader ?? 'A card reader';
  if (kind === 'sensor') return door ? `A sensor at ${door}` : 'A door sensor';
  if (kind === 'door') return door ? `The door controller of ${door}` : 'A door controller';
  const known = SOURCES[kind];
  if (known) return known;
  return id ? `${typeInWords(kind)} (${id})` : typeInWords(entry.source);
};

/** Who acted, in words: an operator by the name they are shown by (the gateway's `names.operator`), a token by its name, else the system. */
export const actorInWords = (entry: JournalEntry & { names?: { operator?: string } }): string => {
  const a = entry.actor;
  if (!a || a.kind === 'system') return a?.name ? `The system (${a.name})` : 'The system';
  if (a.kind === 'anonymous') return 'Someone not signed in';
  const name = entry.names?.operator ?? a.name ?? a.id ?? a.kind;
  if (a.kind === 'token') return `API token "${name}"`;
  if (a.kind === 'cli') return `${name} (command line)`;
  return name;
};

/**
 * One sentence for an entry, as the gateway words it (`entryLine`): it names
 * the entry's subject and, for a device, its new state ("Front door entry
 * reader: tamper cleared."), the same in Live events, the Journal and the CSV.
 */
export const sentence = (e: Pick<NamedEntryView, 'line'>): string => e.line;

/**
 * Why, in words: the readable row's reason, which the gateway words once for
 * the console and the CSV export alike (a decision's code read out, nothing
 * for a plain grant; an operator's reason as written).
 */
export const reasonWorthSaying = (e: Pick<NamedEntryView, 'row'>): string => {
  const { reason, result } = e.row;
  return !reason || reason === result ? '' : reason;
};

/** The stored entry alone, without the names and words the search adds to it: what "raw" means. */
export const rawOf = (e: NamedEntryView): JournalEntry => {
  const { names: _n, siteTime: _s, row: _r, line: _l, leafHash: _h, ...raw } = e;
  return raw;
};
