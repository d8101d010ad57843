import { type Clock, every } from '@gatehouse/contracts';

/** How often sessions past their idle time are deleted. */
export const SESSION_PURGE_EVERY_MS = 10 * 60_000;

/**
 * Deletes sessions past their idle time every `everyMs` on the clock, in the
 * background (it keeps no process alive), until the returned function stops it.
 * A purge that throws is reported and the next one still runs.
 */
export const purgeSessionsPeriodically = (
  sessions: { purgeExpiredSessions(): number },
  clock: Clock,
  onError: (error: unknown) => void,
  everyMs = SESSION_PURGE_EVERY_MS,
): (() => void) =>
  every(clock, everyMs, () => void sessions.purgeExpiredSessions(), { background: true, onError });
