import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, onSessionEnded, parseForDisplay, type JournalEntry } from '../api';
import { retryWaitMs } from './retry';

/** Whether what the console shows is live, and if not, why. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'gateway-down' | 'session-ended';

export interface LiveConnection {
  status: LiveStatus;
  /** When the next attempt is made (for the countdown), while not live. */
  retryAt: number | null;
  /** Counts reconnections: a page re-reads what it shows when this changes (it missed the gap). */
  generation: number;
  subscribe: (listener: (entry: JournalEntry) => void) => () => void;
  /**
   * A change the stream tells of without its entries: `sessions` (logins came in; their entries
   * hold account names, so the role that reads sessions may not read them). Re-read on it.
   */
  onNotice: (what: Notice, listener: () => void) => () => void;
  retryNow: () => void;
}

/**
 * The changes the stream tells of by name only (events.controller.ts): `sessions`, and
 * `override` (a door's mode changed: the site's lockdown may have started or ended).
 */
export type Notice = 'sessions' | 'override';

/**
 * The one live stream of the signed-in console (SSE). A drop is reported at once
 * and retried with a countdown; before each attempt the session is checked, so a
 * session that ended is told apart from a gateway that went away.
 */
export const useLiveConnection = (active: boolean): LiveConnection => {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);
  const listeners = useRef(new Set<(entry: JournalEntry) => void>());
  const noticed = useRef(new Set<{ what: Notice; listener: () => void }>());
  const retry = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!active) return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    setStatus('connecting');
    const ended = () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
      setStatus('session-ended');
      setRetryAt(null);
    };
    const schedule = (why: LiveStatus) => {
      const wait = retryWaitMs(failures++);
      setStatus(why);
      setRetryAt(Date.now() + wait);
      timer = setTimeout(open, wait);
    };
    const check = async () => {
      if (stopped) return;
      try {
        await api.background('/api/v1/auth/session');
        schedule('reconnecting');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) ended();
        else schedule('gateway-down');
      }
    };
    function open() {
      if (stopped) return;
      clearTimeout(timer);
      source?.close();
      // Trying now: no countdown to show until this attempt fails.
      setRetryAt(null);
      source = new EventSource('/api/v1/events');
      source.onopen = () => {
        if (failures > 0) setGeneration((g) => g + 1);
        failures = 0;
        setStatus('live');
        setRetryAt(null);
      };
      // The browser's own retry would hide the drop: the console closes, says so, and retries itself.
      source.onerror = () => {
        source?.close();
        void check();
      };
      source.addEventListener('entry', (ev) => {
        const entry = parseForDisplay<JournalEntry>((ev as MessageEvent<string>).data);
        listeners.current.forEach((l) => l(entry));
      });
      for (const what of ['sessions', 'override'] as const)
        source.addEventListener(what, () => noticed.current.forEach((n) => n.what === what && n.listener()));
      source.addEventListener('end', ended);
    }
    retry.current = open;
    open();
    const off = onSessionEnded(ended);
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
      off();
    };
  }, [active]);

  const subscribe = useCallback((listener: (entry: JournalEntry) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const onNotice = useCallback((what: Notice, listener: () => void) => {
    const held = { what, listener };
    noticed.current.add(held);
    return () => void noticed.current.delete(held);
  }, []);
  const retryNow = useCallback(() => retry.current(), []);
  // One object while nothing in it changes: pages that depend on the connection do not re-run
  // their effects (and drop what those had pending) whenever the shell re-renders.
  return useMemo(
    () => ({ status, retryAt, generation, subscribe, onNotice, retryNow }),
    [status, retryAt, generation, subscribe, onNotice, retryNow],
  );
};

export const LiveContext = createContext<LiveConnection | null>(null);
export const useLive = (): LiveConnection => {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside the signed-in shell');
  return live;
};
