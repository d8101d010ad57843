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

/** A time of day ("14:02"), in the browser's zone. */
export const formatClock = (ms: number): string =>
  new Date(ms).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' });
