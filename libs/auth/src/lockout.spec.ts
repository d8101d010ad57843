import fc from 'fast-check';
import {
  accountFailure,
  addressFailure,
  addressThrottled,
  countFailure,
  type FailureCounter,
  isLocked,
  type LockoutPolicy,
  lockoutPolicy,
} from './lockout';

const MIN = 60_000;
const T = Date.parse('2026-03-02T09:00:00Z');
/** The shape of the default settings: three failures in 15 minutes lock for 15 minutes; six throttle an address. */
const POLICY: LockoutPolicy = lockoutPolicy({
  lockoutThreshold: 3,
  addressThreshold: 6,
  lockoutWindowMinutes: 15,
  lockoutMinutes: 15,
});

describe('lockout arithmetic (pure)', () => {
  it('turns the settings in minutes into a policy in milliseconds', () => {
    expect(POLICY).toEqual({ threshold: 3, addressThreshold: 6, windowMs: 15 * MIN, lockMs: 15 * MIN });
  });

  it.each<[string, FailureCounter | undefined, number, { count: number; windowStart: number }]>([
    ['no counter yet', undefined, T, { count: 1, windowStart: T }],
    ['a counter with no window', { count: 0, windowStart: null }, T, { count: 1, windowStart: T }],
    ['inside the window', { count: 1, windowStart: T }, T + MIN, { count: 2, windowStart: T }],
    [
      'on the window edge (still inside)',
      { count: 2, windowStart: T },
      T + 15 * MIN,
      { count: 3, windowStart: T },
    ],
    [
      'a moment past the window',
      { count: 2, windowStart: T },
      T + 15 * MIN + 1,
      { count: 1, windowStart: T + 15 * MIN + 1 },
    ],
  ])('counts a failure: %s', (_, counter, now, expected) => {
    expect(countFailure(counter, now, POLICY.windowMs)).toEqual(expected);
  });

  it.each<[string, FailureCounter, number, number | null]>([
    ['the first failure', { count: 0, windowStart: null }, T, null],
    ['one below the threshold', { count: 1, windowStart: T }, T + MIN, null],
    ['the threshold inside the window', { count: 2, windowStart: T }, T + 14 * MIN, T + 29 * MIN],
    ['the threshold on the window edge', { count: 2, windowStart: T }, T + 15 * MIN, T + 30 * MIN],
    ['the threshold after the window passed', { count: 2, windowStart: T }, T + 16 * MIN, null],
    [
      'past the threshold (a lock lost, a lowered setting)',
      { count: 7, windowStart: T },
      T + MIN,
      T + 16 * MIN,
    ],
  ])(
    'an account failure at %s: locked until the time given, or not locked',
    (_, counter, now, lockedUntil) => {
      expect(accountFailure(counter, now, POLICY).lockedUntil).toBe(lockedUntil);
    },
  );

  it.each<[string, FailureCounter | undefined, number, boolean]>([
    ['the first failure', undefined, T, false],
    ['the address threshold', { count: 5, windowStart: T }, T + MIN, true],
    ['one past it (already journaled)', { count: 6, windowStart: T }, T + MIN, false],
    ['the threshold count after the window passed', { count: 5, windowStart: T }, T + 16 * MIN, false],
  ])('an address failure at %s: journaled as throttling, or not', (_, counter, now, throttles) => {
    expect(addressFailure(counter, now, POLICY).throttlesNow).toBe(throttles);
  });

  it.each<[string, FailureCounter | undefined, number, boolean]>([
    ['no failures', undefined, T, false],
    ['failures below the threshold', { count: 5, windowStart: T }, T + MIN, false],
    ['at the threshold in the window', { count: 6, windowStart: T }, T + MIN, true],
    ['at the threshold on the window edge', { count: 6, windowStart: T }, T + 15 * MIN, true],
    ['at the threshold once the window passed', { count: 9, windowStart: T }, T + 15 * MIN + 1, false],
  ])('sign-ins from an address with %s: refused, or not', (_, counter, now, refused) => {
    expect(addressThrottled(counter, now, POLICY)).toBe(refused);
  });

  it.each<[number | null, number, boolean]>([
    [null, T, false],
    [T + 1, T, true],
    [T, T, false],
    [T - 1, T, false],
  ])('a lock until %p at %p is in force: %p', (until, now, locked) => {
    expect(isLocked(until, now)).toBe(locked);
  });
});

const policies = fc.record({
  threshold: fc.integer({ min: 1, max: 8 }),
  addressThreshold: fc.integer({ min: 1, max: 12 }),
  windowMs: fc.integer({ min: 1, max: 60 * MIN }),
  lockMs: fc.integer({ min: 1, max: 120 * MIN }),
});
/** Gaps between failures, from a burst to well past any window. */
const gaps = fc.array(fc.integer({ min: 0, max: 90 * MIN }), { minLength: 1, maxLength: 60 });

/** Failures at the times given, counted as the sign-in counts them: a lock clears the account's counter. */
const replay = (policy: LockoutPolicy, times: readonly number[]) => {
  let account: FailureCounter = { count: 0, windowStart: null };
  let address: FailureCounter | undefined;
  let sinceLock: number[] = [];
  const steps = times.map((now) => {
    sinceLock.push(now);
    const counted = accountFailure(account, now, policy);
    const history = sinceLock;
    account = counted.lockedUntil === null ? counted : { count: 0, windowStart: null };
    if (counted.lockedUntil !== null) sinceLock = [];
    const addressStep = addressFailure(address, now, policy);
    address = addressStep;
    return {
      now,
      lockedUntil: counted.lockedUntil,
      history,
      throttlesNow: addressStep.throttlesNow,
      address,
    };
  });
  return steps;
};
const timesOf = (start: number, gapList: readonly number[]) => {
  let now = start;
  return gapList.map((g) => (now += g));
};
const inWindow = (times: readonly number[], now: number, windowMs: number) =>
  times.filter((t) => now - t <= windowMs).length;

describe('lockout arithmetic (properties)', () => {
  it('never locks without the threshold of failures since the last lock inside one window', () => {
    fc.assert(
      fc.property(policies, gaps, (policy, gapList) => {
        for (const step of replay(policy, timesOf(T, gapList))) {
          if (step.lockedUntil === null) continue;
          expect(inWindow(step.history, step.now, policy.windowMs)).toBeGreaterThanOrEqual(policy.threshold);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('always locks at the threshold-th failure of a burst that fits in one window', () => {
    fc.assert(
      fc.property(policies, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (policy, raw) => {
        // Gaps that add up to at most the window: every failure is inside the first one's window.
        const total = raw.reduce((a, b) => a + b, 0) || 1;
        const burst = raw
          .slice(0, policy.threshold - 1)
          .map((g) => Math.floor((g / total) * policy.windowMs));
        const steps = replay(policy, timesOf(T, [0, ...burst]));
        expect(steps.map((s) => s.lockedUntil !== null)).toEqual(
          steps.map((_, i) => i === policy.threshold - 1),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('locks for exactly the lock length, and a later lock never ends earlier', () => {
    fc.assert(
      fc.property(policies, gaps, (policy, gapList) => {
        const ends = replay(policy, timesOf(T, gapList)).flatMap((s) =>
          s.lockedUntil === null ? [] : [{ now: s.now, until: s.lockedUntil }],
        );
        for (const { now, until } of ends) expect(until - now).toBe(policy.lockMs);
        for (let i = 1; i < ends.length; i++)
          expect(ends[i]!.until).toBeGreaterThanOrEqual(ends[i - 1]!.until);
      }),
      { numRuns: 500 },
    );
  });

  it('a longer lock setting never ends a lock sooner; one more prior failure never unlocks', () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 0, max: 60 * MIN }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 120 * MIN }),
        (policy, extra, count, elapsed) => {
          const counter = { count, windowStart: T };
          const now = T + elapsed;
          const shorter = accountFailure(counter, now, policy).lockedUntil;
          const longer = accountFailure(counter, now, {
            ...policy,
            lockMs: policy.lockMs + extra,
          }).lockedUntil;
          if (shorter !== null) expect(longer).toBeGreaterThanOrEqual(shorter);
          const more = accountFailure({ count: count + 1, windowStart: T }, now, policy).lockedUntil;
          if (shorter !== null) expect(more).toBe(shorter);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses an address only with its threshold of failures in the window, and journals it once per window', () => {
    fc.assert(
      fc.property(policies, gaps, fc.integer({ min: 0, max: 90 * MIN }), (policy, gapList, later) => {
        const times = timesOf(T, gapList);
        const steps = replay(policy, times);
        for (const [i, step] of steps.entries()) {
          const upTo = times.slice(0, i + 1);
          for (const at of [step.now, step.now + later]) {
            if (addressThrottled(step.address, at, policy))
              expect(inWindow(upTo, at, policy.windowMs)).toBeGreaterThanOrEqual(policy.addressThreshold);
          }
        }
        const windows = new Set(steps.filter((s) => s.throttlesNow).map((s) => s.address?.windowStart));
        expect(windows.size).toBe(steps.filter((s) => s.throttlesNow).length);
      }),
      { numRuns: 500 },
    );
  });
});
