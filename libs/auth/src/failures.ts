import { type AuthContext, fail, iso, operatorSubject } from './auth-context';
import { accountFailure, addressFailure, addressThrottled, type FailureCounter } from './lockout';
import type { OperatorRow } from './store';
import { actorOf, type RequestContext } from './types';

const addressCounter = (ctx: AuthContext, address: string): FailureCounter | undefined => {
  const stored = ctx.store.addressFailures(address);
  return stored && { count: stored.count, windowStart: stored.window_start };
};

/** Too many failures from this address in its current window: its sign-ins are refused for now. */
export const isAddressThrottled = (ctx: AuthContext, request: RequestContext, now: number): boolean =>
  addressThrottled(addressCounter(ctx, request.address), now, ctx.lockout);

export const lockedError = (row: OperatorRow) =>
  fail(
    'locked',
    'auth.locked',
    'this account is locked after repeated failures; try again later or ask an administrator',
    { until: iso(row.locked_until) },
  );

/**
 * Journals a failed sign-in (or a failed proof of identity) and counts it, in
 * the same transaction, against the address and, when known, the account;
 * the account locks at the threshold. Call inside `serial`.
 */
export const recordFailure = async (
  ctx: AuthContext,
  request: RequestContext,
  now: number,
  reason: string,
  who: { operatorId: string } | { username: string },
): Promise<void> => {
  const { store, lockout } = ctx;
  const address = addressFailure(addressCounter(ctx, request.address), now, lockout);
  const countAddress = () => store.setAddressFailures(request.address, address.count, address.windowStart);
  const anonymous = actorOf(undefined, request);

  if ('username' in who) {
    await ctx.record(
      'auth.login-failed',
      anonymous,
      { username: who.username.slice(0, 100), reason },
      [],
      countAddress,
    );
  } else {
    const row = ctx.operator(who.operatorId);
    const account = accountFailure(
      { count: row.failed_count, windowStart: row.failed_window_start },
      now,
      lockout,
    );
    const subjects = operatorSubject(row.id);
    await ctx.record(
      'auth.login-failed',
      anonymous,
      { username: row.username, reason, failures: account.count },
      subjects,
      () => {
        store.updateOperator(row.id, {
          failed_count: account.count,
          failed_window_start: account.windowStart,
        });
        countAddress();
      },
    );
    const until = account.lockedUntil;
    if (until !== null) {
      // The lock is its own change with its own entry; were it lost, the next failure locks again.
      await ctx.record(
        'auth.account-locked',
        anonymous,
        { username: row.username, until: iso(until) },
        subjects,
        () =>
          store.updateOperator(row.id, {
            failed_count: 0,
            failed_window_start: null,
            locked_until: until,
          }),
      );
    }
  }
  if (address.throttlesNow) {
    await ctx.record('auth.address-throttled', anonymous, {
      failures: address.count,
      minutes: ctx.settings.lockoutWindowMinutes,
    });
  }
};
