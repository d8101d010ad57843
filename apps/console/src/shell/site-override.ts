import { useEffect, useState } from 'react';
import type { DoorStates } from '@gatehouse/api';
import { api, type JournalEntry } from '../api';
import { useLatestRead } from '../latest-read';
import { siteOverride, type SiteOverride } from '../desk/lockdown';
import type { LiveConnection } from './live';

/** The entries that change a door's mode: a guard's mode, a lockdown or emergency release, their end. */
export const MODE_TYPES = /^door\.(mode|lockdown|emergency)/;
export const isModeEntry = (e: JournalEntry) => MODE_TYPES.test(e.type);

/** A lockdown journals one entry per door: one re-read per burst, this long after its first entry. */
const BURST_MS = 100;

/**
 * Calls `read` once per burst of door-mode entries on the live stream, and on
 * every reconnection (what happened in the gap is not on the stream).
 */
export const useModeRereads = (live: LiveConnection, read: () => Promise<void>, active = true) => {
  const { subscribe, generation } = live;
  useEffect(() => {
    if (active) void read().catch(() => undefined);
  }, [read, generation, active]);
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (!isModeEntry(e) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void read().catch(() => undefined);
      }, BURST_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
    // On `subscribe` (stable), not on `live`: the shell re-renders for its own reasons.
  }, [subscribe, read, active]);
};

/**
 * The lockdown or emergency release in force for the whole site, kept live for
 * the shell's banner (issue 11: visible on every page, not only the desk).
 * Only for an operator who may read door modes; null otherwise.
 */
export const useSiteOverride = (
  live: LiveConnection,
  allowed: boolean,
): { override: SiteOverride | null; doorCount: number } => {
  const [states, setStates] = useState<DoorStates['items']>([]);
  // A re-read the console makes by itself: it keeps no session alive (api.background).
  const read = useLatestRead(
    () => api.background<DoorStates>('/api/v1/access/door-states'),
    (r) => setStates(r.items),
  );
  useModeRereads(live, read, allowed);
  useEffect(() => {
    if (!allowed) setStates([]);
  }, [allowed]);
  return { override: allowed ? siteOverride(states) : null, doorCount: states.length };
};
