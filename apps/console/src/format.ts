import type { JournalEntry } from './api';

export const formatTime = (iso: string): string => {
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' })} ${d.toLocaleTimeString(
    undefined,
    {
      hour12: false,
    },
  )}`;
};

export const actorLabel = (e: JournalEntry): string =>
  e.actor
    ? `${e.actor.name ?? e.actor.id ?? e.actor.kind}${e.actor.address ? ` @ ${e.actor.address}` : ''}`
    : e.source;

/** A one-line reading of the payload for the tables; the full entry is one click away. */
export const summary = (e: JournalEntry): string => {
  const parts = Object.entries(e.payload)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  const subjects = e.subjects.map((s) => `${s.kind}:${s.id}`);
  return [...parts, ...subjects].join('  ').slice(0, 200);
};

export const category = (type: string) => type.split('.')[0] ?? type;

/** A time of day ("14:02"), in the browser's zone. */
export const formatClock = (ms: number): string =>
  new Date(ms).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' });
