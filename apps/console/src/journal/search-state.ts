import type { JournalEntry } from '../api';
import { typeMatches, typesOfKinds } from './kinds';
import { siteLocalToIso } from './zone-time';

/** A person, door or card chosen from the suggestions: searched by its id, shown by its name. */
export interface Chosen {
  kind: 'person' | 'door' | 'credential';
  id: string;
  label: string;
}

export type When = 'any' | 'hour' | 'day' | 'week' | 'custom';
export const WHEN_LABELS: Record<When, string> = {
  any: 'Any time',
  hour: 'Last hour',
  day: 'Last 24 hours',
  week: 'Last 7 days',
  custom: 'Between two times',
};
const WHEN_MS: Partial<Record<When, number>> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

export type ResultFilter = 'any' | 'granted' | 'denied';

/** What the search page is asked: its one box, the chosen names, and the filters. */
export interface SearchState {
  chosen: Chosen[];
  /** Typed text no suggestion was chosen for: any text in the entry. */
  text: string;
  when: When;
  /** `datetime-local` values in the site's zone, for "Between two times". */
  from: string;
  to: string;
  kinds: string[];
  result: ResultFilter;
}
export const EMPTY_SEARCH: SearchState = {
  chosen: [],
  text: '',
  when: 'any',
  from: '',
  to: '',
  kinds: [],
  result: 'any',
};

/** What a search state cannot mean, in words; null when it can be asked. */
export const problemOf = (s: SearchState, timeZone: string): string | null => {
  if (s.when !== 'custom') return null;
  const from = s.from ? siteLocalToIso(s.from, timeZone) : null;
  const to = s.to ? siteLocalToIso(s.to, timeZone) : null;
  if (s.from && !from) return 'The start time is not a date and time.';
  if (s.to && !to) return 'The end time is not a date and time.';
  if (from && to && from >= to) return 'The end time must come after the start time.';
  return null;
};

/**
 * The journal API's filter for a search state (the same for the search, its
 * paging and its exports). A result narrows to card and PIN decisions: only
 * those are granted or denied.
 */
export const toParams = (s: SearchState, timeZone: string, now = Date.now()): URLSearchParams => {
  const p = new URLSearchParams();
  for (const c of s.chosen) p.set(c.kind, c.id);
  if (s.text.trim()) p.set('q', s.text.trim());
  const span = WHEN_MS[s.when];
  if (span) p.set('from', new Date(now - span).toISOString());
  if (s.when === 'custom') {
    const from = s.from && siteLocalToIso(s.from, timeZone);
    const to = s.to && siteLocalToIso(s.to, timeZone);
    if (from) p.set('from', from);
    if (to) p.set('to', to);
  }
  const types = s.result === 'any' ? typesOfKinds(s.kinds) : [`access.${s.result}`];
  if (types.length > 0) p.set('type', types.join(','));
  return p;
};

/**
 * Whether a live entry could belong to the results of `params`: its type,
 * time and subjects match, and the free text is in it. (The server's answer
 * decides; this only tells the page its results may be out of date.)
 */
export const mayMatch = (entry: JournalEntry, params: URLSearchParams): boolean => {
  const types = params.get('type')?.split(',') ?? [];
  if (!typeMatches(entry.type, types)) return false;
  const from = params.get('from');
  const to = params.get('to');
  if (from && entry.time < from) return false;
  if (to && entry.time >= to) return false;
  for (const kind of ['person', 'door', 'credential'] as const) {
    const id = params.get(kind);
    if (id && !entry.subjects.some((s) => s.kind === kind && s.id === id)) return false;
  }
  const q = params.get('q')?.toLowerCase();
  return !q || JSON.stringify(entry).toLowerCase().includes(q);
};
