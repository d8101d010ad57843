import { useMemo } from 'react';

/**
 * A re-read whose answer is applied only if no later re-read of the same thing was
 * started meanwhile. Re-reads are fired by pushed entries, and two in flight can
 * answer out of order (the server answers reads from a pool of workers): without
 * this, an answer read before an alarm was resolved could land after the one read
 * after it, and the resolved alarm would stay on the desk until the next entry.
 */
export const latestRead = <T>(read: () => Promise<T>, apply: (value: T) => void): (() => Promise<void>) => {
  let started = 0;
  return async () => {
    const mine = ++started;
    const value = await read();
    if (mine === started) apply(value);
  };
};

/** `latestRead` kept for a component's lifetime (read and apply must be stable: setters, fixed paths). */
export const useLatestRead = <T>(read: () => Promise<T>, apply: (value: T) => void): (() => Promise<void>) =>
  useMemo(() => latestRead(read, apply), []);
