import type { BoardDoor } from '@gatehouse/api';
import type { JournalEntry } from '../api';

/** Phases in which the door's contact is open (the others are closed or unknown). */
const OPEN_PHASES = new Set(['open', 'held-warning', 'held', 'forced']);

const doorOf = (e: JournalEntry) => e.subjects.find((s) => s.kind === 'door')?.id;

/** The person a door's entry says went through it on a grant (doors.service: `through`). */
export const throughOf = (e: JournalEntry): string | null => {
  const p = e.payload as Record<string, unknown> | null;
  return p && typeof p.through === 'string' ? p.through : null;
};

/** A door's phase entry (door.secure, door.forced…), as against its mode, lockdown or bounce entries. */
export const isPhaseEntry = (e: JournalEntry): boolean => {
  const p = e.payload as Record<string, unknown> | null;
  return !!p && typeof p.phase === 'string' && e.type === `door.${p.phase}`;
};

/**
 * A door's phase entry (door.<phase>, payload {phase, at, since?, through?})
 * applied to its tile as a delta: phase, contact, since when, and who went
 * through (by id: a person the tile does not know yet is named by the desk's
 * lookup, never by re-reading the whole board).
 */
export const applyDoorEntry = (d: BoardDoor, e: JournalEntry): BoardDoor => {
  const p = e.payload as Record<string, unknown> | null;
  if (!isPhaseEntry(e) || doorOf(e) !== d.doorId || typeof p?.at !== 'number') return d;
  const phase = p.phase as BoardDoor['phase'];
  const at = new Date(p.at).toISOString();
  // A door found after a restart in the phase it had before says since when it has really been so.
  const since = typeof p.since === 'number' ? new Date(p.since).toISOString() : at;
  const through = throughOf(e);
  return {
    ...d,
    phase,
    // The entry's own contact where it has one (null: no sensor data); older entries by their phase.
    open:
      p.open === null || typeof p.open === 'boolean'
        ? (p.open as boolean | null)
        : phase === 'unknown'
          ? d.open
          : OPEN_PHASES.has(phase),
    since,
    // A new person through is named by the desk's own lookup of them (site-names), not by a re-read.
    lastThrough: !through
      ? d.lastThrough
      : d.lastThrough?.cardholderId === through
        ? { ...d.lastThrough, at }
        : { cardholderId: through, name: null, at },
  };
};
