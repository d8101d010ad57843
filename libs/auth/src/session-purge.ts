import type { Clock } from '@gatehouse/contracts';

/** How often sessions past their idle time are deleted. */
export const SESSION_PURGE_EVERY_MS = 10 * 60_000;

/**
 * Deletes sessions past their idle time every `everyMs` on the clock, in the
 * background (it keeps no process alive), until the returned function stops it.
 * The next run is set before this one runs, so one that throws stops no other.
 */
export const purgeSessionsPeriodically = (
  sessions: { purgeExpiredSessions(): number },
  clock: Clock,
  everyMs = SESSION_PURGE_EVERY_MS,
): (() => void) => {
  let cancel: () => void;
  const run = () => {
    cancel = clock.after(everyMs, run, true);
    sessions.purgeExpiredSessions();
  };
  cancel = clock.after(everyMs, run, true);
  return () => cancel();
};
