import { totpCode } from '@gatehouse/auth';
import { cli, createOperator as operator, ctx, openAuth, PASSWORD, type AuthBench } from './support';

/** Signs in with password and (when enrolled) the current code: a full session's cookie value. */
const fullSession = async (b: AuthBench, username: string, secret?: string) => {
  const login = await b.signIn.login(username, PASSWORD, ctx);
  if (login.stage !== 'totp') return login.sessionId;
  b.clock.advance(30_000);
  const done = await b.signIn.verifySecondFactor(
    b.signIn.resolveSession(login.sessionId)!,
    { code: totpCode(secret!, b.clock.now().getTime()) },
    ctx,
  );
  return done.sessionId;
};

const enrol = async (b: AuthBench, sessionId: string, proof = {}) => {
  const { secret } = await b.signIn.beginEnrollment(b.signIn.resolveSession(sessionId)!, proof, ctx);
  const done = await b.signIn.confirmEnrollment(
    b.signIn.resolveSession(sessionId)!,
    totpCode(secret, b.clock.now().getTime()),
    ctx,
  );
  return { secret, ...done };
};

describe('replacing a second factor (real SQLite, real journal)', () => {
  let b: AuthBench;
  beforeEach(async () => {
    b = await openAuth({ lockoutThreshold: 5 });
  });
  afterEach(() => b.close());

  it('asks a signed-in session for the password before a first enrolment, and counts wrong ones', async () => {
    await operator(b, 'rita', ['reception']);
    const session = await fullSession(b, 'rita');
    const principal = () => b.signIn.resolveSession(session)!;
    await expect(b.signIn.beginEnrollment(principal(), {}, ctx)).rejects.toMatchObject({
      code: 'auth.reauthentication-required',
    });
    await expect(
      b.signIn.beginEnrollment(principal(), { currentPassword: 'not my password' }, ctx),
    ).rejects.toMatchObject({ code: 'auth.reauthentication-required' });
    // The wrong password counts towards lockout; the missing one guessed nothing.
    expect(b.payloadsOf('auth.login-failed').map((p) => p.reason)).toEqual(['wrong-current-password']);
    const done = await enrol(b, session, { currentPassword: PASSWORD });
    expect(done.recoveryCodes).toHaveLength(10);
    expect(b.payloadsOf('auth.second-factor-enrolled')).toEqual([{ username: 'rita', replaced: false }]);
  });

  it('replaces an existing factor only with the password and a current code, and journals it', async () => {
    await operator(b, 'ada', ['admin']);
    const first = await b.signIn.login('ada', PASSWORD, ctx);
    const old = await enrol(b, first.sessionId);
    const other = await fullSession(b, 'ada', old.secret);
    const session = await fullSession(b, 'ada', old.secret);
    const principal = () => b.signIn.resolveSession(session)!;
    b.clock.advance(30_000);
    const code = totpCode(old.secret, b.clock.now().getTime());
    // The session alone, or the password alone, or a wrong code: refused.
    await expect(b.signIn.beginEnrollment(principal(), {}, ctx)).rejects.toMatchObject({
      code: 'auth.reauthentication-required',
    });
    await expect(
      b.signIn.beginEnrollment(principal(), { currentPassword: PASSWORD }, ctx),
    ).rejects.toMatchObject({ code: 'auth.invalid-second-factor' });
    await expect(
      b.signIn.beginEnrollment(principal(), { currentPassword: PASSWORD, code: '000000' }, ctx),
    ).rejects.toMatchObject({ code: 'auth.invalid-second-factor' });
    // A current code without the password is not enough either.
    await expect(b.signIn.beginEnrollment(principal(), { code }, ctx)).rejects.toMatchObject({
      code: 'auth.reauthentication-required',
    });
    expect(b.operators.getOperator(principal().id).lockedUntil).toBeNull();

    const next = await enrol(b, session, { currentPassword: PASSWORD, code });
    expect(next.secret).not.toBe(old.secret);
    expect(b.payloadsOf('auth.second-factor-enrolment-started').at(-1)).toEqual({
      username: 'ada',
      replacing: true,
      proof: 'password+totp',
    });
    expect(b.payloadsOf('auth.second-factor-enrolled').at(-1)).toEqual({ username: 'ada', replaced: true });
    // The code that proved it cannot be replayed, sessions of the old factor are gone, and the old factor is dead.
    expect(b.signIn.resolveSession(other)).toBeNull();
    b.clock.advance(30_000);
    const again = await b.signIn.login('ada', PASSWORD, ctx);
    await expect(
      b.signIn.verifySecondFactor(
        b.signIn.resolveSession(again.sessionId)!,
        { code: totpCode(old.secret, b.clock.now().getTime()) },
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'auth.invalid-second-factor' });
    await expect(
      b.signIn.verifySecondFactor(
        b.signIn.resolveSession(again.sessionId)!,
        { recoveryCode: old.recoveryCodes[0]! },
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'auth.invalid-second-factor' });
  });

  it('takes a recovery code instead of the current code (lost phone), and uses it up', async () => {
    await operator(b, 'ada', ['admin']);
    const first = await b.signIn.login('ada', PASSWORD, ctx);
    const old = await enrol(b, first.sessionId);
    const session = await fullSession(b, 'ada', old.secret);
    const proof = { currentPassword: PASSWORD, recoveryCode: old.recoveryCodes[3]! };
    await b.signIn.beginEnrollment(b.signIn.resolveSession(session)!, proof, ctx);
    expect(b.payloadsOf('auth.second-factor-enrolment-started').at(-1)).toMatchObject({
      proof: 'password+recovery-code',
    });
    await expect(
      b.signIn.beginEnrollment(b.signIn.resolveSession(session)!, proof, ctx),
    ).rejects.toMatchObject({
      code: 'auth.invalid-second-factor',
    });
  });

  it('locks the account after repeated wrong proofs, as at sign-in', async () => {
    await operator(b, 'ada', ['admin']);
    const first = await b.signIn.login('ada', PASSWORD, ctx);
    const old = await enrol(b, first.sessionId);
    const session = await fullSession(b, 'ada', old.secret);
    for (let i = 0; i < 5; i++) {
      await expect(
        b.signIn.beginEnrollment(
          b.signIn.resolveSession(session)!,
          { currentPassword: PASSWORD, code: '000000' },
          ctx,
        ),
      ).rejects.toMatchObject({ code: 'auth.invalid-second-factor' });
    }
    expect(b.types()).toContain('auth.account-locked');
    b.clock.advance(30_000);
    await expect(
      b.signIn.beginEnrollment(
        b.signIn.resolveSession(session)!,
        { currentPassword: PASSWORD, code: totpCode(old.secret, b.clock.now().getTime()) },
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'auth.locked' });
  });

  it('lets an enrolment started and left alone expire', async () => {
    await operator(b, 'rita', ['reception']);
    const session = await fullSession(b, 'rita');
    const { secret } = await b.signIn.beginEnrollment(
      b.signIn.resolveSession(session)!,
      { currentPassword: PASSWORD },
      ctx,
    );
    for (let i = 0; i < 11; i++) {
      b.clock.advance(60_000);
      b.signIn.resolveSession(session);
    }
    await expect(
      b.signIn.confirmEnrollment(
        b.signIn.resolveSession(session)!,
        totpCode(secret, b.clock.now().getTime()),
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'auth.no-enrollment-pending' });
  });

  it('lets an admin reset a factor with a reason, journaled', async () => {
    await operator(b, 'ada', ['admin']);
    const first = await b.signIn.login('ada', PASSWORD, ctx);
    await enrol(b, first.sessionId);
    const id = b.operators.listOperators()[0]!.id;
    const view = await b.operators.resetSecondFactor(id, 'lost phone on the night shift', cli);
    expect(view.totpEnrolled).toBe(false);
    expect(b.payloadsOf('operator.second-factor-reset')).toEqual([
      { username: 'ada', reason: 'lost phone on the night shift' },
    ]);
    expect((await b.signIn.login('ada', PASSWORD, ctx)).stage).toBe('enroll');
  });

  it('sends a running session to enrolment when its role starts to require a second factor', async () => {
    const gus = await operator(b, 'gus', ['guard']);
    const session = await fullSession(b, 'gus');
    await b.operators.updateOperator(gus.id, { roles: ['guard', 'admin'] }, cli);
    const principal = b.signIn.resolveSession(session)!;
    expect(principal.stage).toBe('enroll');
    // Its password was checked long ago: enrolling from it still asks for it.
    await expect(b.signIn.beginEnrollment(principal, {}, ctx)).rejects.toMatchObject({
      code: 'auth.reauthentication-required',
    });
  });
});

describe('concurrent auth requests (real SQLite, real journal)', () => {
  let b: AuthBench;
  beforeEach(async () => {
    b = await openAuth();
  });
  afterEach(() => b.close());

  it('counts every one of simultaneous wrong passwords, and locks at the threshold', async () => {
    await operator(b, 'gus', ['guard']);
    const attempts = await Promise.allSettled(
      Array.from({ length: 3 }, () => b.signIn.login('gus', 'wrong password!', ctx)),
    );
    expect(attempts.every((a) => a.status === 'rejected')).toBe(true);
    expect(b.payloadsOf('auth.login-failed').map((p) => p.failures)).toEqual([1, 2, 3]);
    await expect(b.signIn.login('gus', PASSWORD, ctx)).rejects.toMatchObject({ code: 'auth.locked' });
  });

  it('accepts one TOTP code or recovery code once, however many requests carry it at the same time', async () => {
    await operator(b, 'ada', ['admin']);
    const first = await b.signIn.login('ada', PASSWORD, ctx);
    const { secret, recoveryCodes } = await enrol(b, first.sessionId);
    b.clock.advance(30_000);
    const pending = await Promise.all([1, 2, 3].map(() => b.signIn.login('ada', PASSWORD, ctx)));
    const code = totpCode(secret, b.clock.now().getTime());
    const byCode = await Promise.allSettled(
      pending.map((p) => b.signIn.verifySecondFactor(b.signIn.resolveSession(p.sessionId)!, { code }, ctx)),
    );
    expect(byCode.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const more = await Promise.all([1, 2, 3].map(() => b.signIn.login('ada', PASSWORD, ctx)));
    const byRecovery = await Promise.allSettled(
      more.map((p) =>
        b.signIn.verifySecondFactor(
          b.signIn.resolveSession(p.sessionId)!,
          { recoveryCode: recoveryCodes[0]! },
          ctx,
        ),
      ),
    );
    expect(byRecovery.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
