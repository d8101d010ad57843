/**
 * Seconds between attempts after a drop: growing a little so a restarting gateway is not
 * hammered, but capped low, since a guard's desk must be live again within seconds of the
 * gateway's return (a gateway serves a handful of consoles, not a crowd).
 */
const RETRY_STEPS_S = [1, 2, 4, 5];
/** Each wait is moved by up to this share either way, so consoles that dropped together do not return together. */
const JITTER = 0.2;
const MAX_WAIT_MS = RETRY_STEPS_S[RETRY_STEPS_S.length - 1]! * 1000;
/** The wait before attempt `failures` (0: the first retry). */
export const retryWaitMs = (failures: number, random = Math.random()): number =>
  Math.min(
    MAX_WAIT_MS,
    Math.round(
      RETRY_STEPS_S[Math.min(failures, RETRY_STEPS_S.length - 1)]! *
        1000 *
        (1 - JITTER + 2 * JITTER * random),
    ),
  );
