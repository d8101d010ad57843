import { browserZone, siteDateTime } from './journal/zone-time';
import type { JournalEntry } from './api';

/**
 * Every time the console shows reads one way, "2026-11-30 07:09:50", on the
 * site's clocks (the shell gives the zone once the session is known; until
 * then the browser's): a guard abroad or a browser in another zone reads what
 * the site's clocks showed, in one format on every page (the journal pages'
 * `siteDateTime`).
 */
let displayZone: string | undefined;

/** The site's zone for every time shown from now on. */
export const showTimesIn = (timeZone: string): void => {
  displayZone = timeZone;
};

/** A time as the console shows it (an ISO string or epoch milliseconds). */
export const formatTime = (at: string | number): string =>
  siteDateTime(new Date(at).toISOString(), displayZone ?? browserZone());

/** A time of day only, "07:09:50", on the site's clocks. */
export const formatTimeOfDay = (at: string | number | Date): string =>
  formatTime(new Date(at).getTime()).slice(11);

/** Who acted: an operator by display name where the entry carries it (the journal search's `names.operator`). */
export const actorLabel = (e: JournalEntry & { names?: { operator?: string } }): string =>
  e.actor
    ? `${e.names?.operator ?? e.actor.name ?? e.actor.id ?? e.actor.kind}${e.actor.address ? ` @ ${e.actor.address}` : ''}`
    : e.source;

/** A time of day ("14:02"), on the site's clocks. */
export const formatClock = (ms: number): string => formatTime(ms).slice(11, 16);
