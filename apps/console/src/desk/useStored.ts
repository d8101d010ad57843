import { useContext, useEffect, useState } from 'react';
import { LiveContext } from '../shell/live';

/** A choice of the operator's remembered on this browser (compact board, muted sound, theme). */
export const useStored = <T extends string>(key: string, initial: T, allowed: readonly T[]) => {
  const [value, setValue] = useState<T>(() => {
    const kept = localStorage.getItem(key);
    return allowed.includes(kept as T) ? (kept as T) : initial;
  });
  useEffect(() => localStorage.setItem(key, value), [key, value]);
  return [value, setValue] as const;
};

/**
 * A clock that ticks every second, so ages on the desk move without a re-read.
 * It stops while the live stream is down: a stale board does not know the door
 * is still open, so "open for 33 s" would claim what nobody saw; the ages stay
 * where they were last known, and the board says "as of" that time.
 */
export const useNow = (everyMs = 1000) => {
  const live = useContext(LiveContext);
  const ticking = live === null || live.status === 'live';
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs, ticking]);
  return now;
};

/** Whether a CSS media query holds, kept up to date as the window is resized or turned. */
export const useMedia = (query: string) => {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
};
