/**
 * The lockout arithmetic, with no clock, store or journal: counters and times
 * in, counters and decisions out. Failures are counted in fixed windows that
 * start at the first failure (not sliding), per account and per address; an
 * account locks when its count reaches the threshold, an address is refused
 * while its window holds the address threshold. All times are milliseconds.
 */

export interface LockoutPolicy {
  /** Failures within one window that lock an account. */
  threshold: number;
  /** Failures within one window from one address after which sign-ins from it are refused. */
  addressThreshold: number;
  windowMs: number;
  /** How long a lock lasts from the failure that set it. */
  lockMs: number;
}

/** A failure counter as stored: failures since its window's start, or a null start when none are counted. */
export interface FailureCounter {
  count: number;
  windowStart: number | null;
}

/** The counter after one more failure at `now`. */
export interface CountedFailure {
  count: number;
  windowStart: number;
}

export interface AccountFailure extends CountedFailure {
  /** When the account is locked by this failure (its counter then starts again from none); null when not. */
  lockedUntil: number | null;
}

export interface AddressFailure extends CountedFailure {
  /** This failure makes the address throttled: the once-per-window moment to journal it. */
  throttlesNow: boolean;
}

export const lockoutPolicy = (settings: {
  lockoutThreshold: number;
  addressThreshold: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
}): LockoutPolicy => ({
  threshold: settings.lockoutThreshold,
  addressThreshold: settings.addressThreshold,
  windowMs: settings.lockoutWindowMinutes * 60_000,
  lockMs: settings.lockoutMinutes * 60_000,
});

/** No counter yet, or one whose window has passed, starts a new window at this failure. */
export const countFailure = (
  counter: FailureCounter | undefined,
  now: number,
  windowMs: number,
): CountedFailure =>
  counter === undefined || counter.windowStart === null || now - counter.windowStart > windowMs
    ? { count: 1, windowStart: now }
    : { count: counter.count + 1, windowStart: counter.windowStart };

export const accountFailure = (
  counter: FailureCounter,
  now: number,
  policy: LockoutPolicy,
): AccountFailure => {
  const counted = countFailure(counter, now, policy.windowMs);
  return { ...counted, lockedUntil: counted.count >= policy.threshold ? now + policy.lockMs : null };
};

export const addressFailure = (
  counter: FailureCounter | undefined,
  now: number,
  policy: LockoutPolicy,
): AddressFailure => {
  const counted = countFailure(counter, now, policy.windowMs);
  return { ...counted, throttlesNow: counted.count === policy.addressThreshold };
};

/** Sign-ins from an address are refused while its current window holds the address threshold. */
export const addressThrottled = (
  counter: FailureCounter | undefined,
  now: number,
  policy: LockoutPolicy,
): boolean =>
  counter !== undefined &&
  counter.windowStart !== null &&
  now - counter.windowStart <= policy.windowMs &&
  counter.count >= policy.addressThreshold;

export const isLocked = (lockedUntil: number | null, now: number): boolean =>
  lockedUntil !== null && lockedUntil > now;
