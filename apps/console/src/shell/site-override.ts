import { useEffect, useState } from 'react';
import type { SiteOverrideView } from '@gatehouse/api';
import { api, type JournalEntry } from '../api';
import { useLatestRead } from '../latest-read';
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

/** The override the shell's banner shows: who started it, when, why, how many doors of how many. */
export type SiteHold = SiteOverrideView;

/**
 * The lockdown or emergency release in force for the whole site, kept live for
 * the shell's banner (issue 11: visible on every page, to every signed-in role,
 * reception included, which may not read the doors themselves). Read from the
 * one answer every role may read, again whenever the stream says a door's mode
 * changed (a notice, not the entry: not every role may see door entries) and
 * after each reconnection (the gap was missed).
 */
export const useSiteOverride = (live: LiveConnection, active: boolean): SiteHold => {
  const [hold, setHold] = useState<SiteHold>({ override: null, doorCount: 0 });
  // A re-read the console makes by itself: it keeps no session alive (api.background).
  const read = useLatestRead(() => api.background<SiteHold>('/api/v1/access/site-override'), setHold);
  const { onNotice, generation } = live;
  useEffect(() => {
    if (!active) {
      setHold({ override: null, doorCount: 0 });
      return;
    }
    void read().catch(() => undefined);
    // A lockdown is one notice per committed batch of door entries: one re-read per burst.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onNotice('override', () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void read().catch(() => undefined);
      }, BURST_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [read, onNotice, generation, active]);
  return hold;
};
