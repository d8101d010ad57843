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

/** Who or what reported the entry: a reader by its door, the console, the gateway itself. */
export const sourceInWords = (entry: Pick<NamedEntryView, 'source' | 'names'>): string => {
  const [kind, ...rest] = entry.source.split(':');
  const id = rest.join(':');
  if (kind === 'reader') return entry.names.reader ? `A reader at ${entry.names.reader}` : 'A card reader';
  if (kind === 'http') return 'The console or the API';
  if (kind === 'gateway') return 'The gateway';
  if (kind === 'cli') return 'The command line';
  if (kind === 'sensor') return entry.names.door ? `A sensor at ${entry.names.door}` : 'A door sensor';
  return id ? `${typeInWords(kind ?? '')} (${id})` : typeInWords(entry.source);
};

/** Who acted, in words: an operator or token by name, else the system. */
export const actorInWords = (entry: JournalEntry): string => {
  const a = entry.actor;
  if (!a || a.kind === 'system') return a?.name ? `The system (${a.name})` : 'The system';
  if (a.kind === 'anonymous') return 'Someone not signed in';
  const name = a.name ?? a.id ?? a.kind;
  if (a.kind === 'token') return `API token "${name}"`;
  if (a.kind === 'cli') return `${name} (command line)`;
  return name;
};

/**
 * One sentence for an entry: "Access granted: Ann Archer with card
 * H10301 21:10100 at Front door." Only what the entry names is said.
 */
export const sentence = (e: NamedEntryView): string => {
  const { row } = e;
  const who = row.person ? ` ${row.person}` : '';
  const card = row.card ? `${who ? ' with' : ''} card ${row.card}` : '';
  const where = row.door ? ` at ${row.door}` : e.names.zone ? ` in ${e.names.zone}` : '';
  const body = `${who}${card}${where}`.trim();
  return body ? `${row.event}: ${body}.` : `${row.event}.`;
};

/** The stored entry alone, without the names and words the search adds to it: what "raw" means. */
export const rawOf = (e: NamedEntryView): JournalEntry => {
  const { names: _n, siteTime: _s, row: _r, leafHash: _h, ...raw } = e;
  return raw;
};
