import { type AuthContext, fail, operatorSubject } from './auth-context';
import { isAddressThrottled, lockedError, recordFailure } from './failures';
import { isLocked } from './lockout';
import { burnVerification, hashSecret, needsRehash, verifySecret } from './password';
import { consumeSecondFactor, pendingSecret, recoveryHashFor, type Reauthentication } from './second-factor';
import { newRecoveryCodes, normaliseRecoveryCode } from './secrets';
import { newSession, principalOf, resolveSession, rotateSession } from './sessions';
import { rolesOf } from './store';
import { newTotpSecret, matchTotp, otpauthUri } from './totp';
import { actorOf, type LoginResult, type Principal, type RequestContext, type SessionStage } from './types';

/**
 * Signing in and staying signed in: the password with its lockout, the second
 * factor and its enrolment, one's own password, and the sessions (resolved from
 * the cookie, ended, purged).
 */
export class SignIn {
  constructor(private readonly ctx: AuthContext) {}

  async login(username: string, password: string, ctx: RequestContext): Promise<LoginResult> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    const invalid = () =>
      fail('unauthenticated', 'auth.invalid-credentials', 'user name or password is wrong');
    if (isAddressThrottled(this.ctx, ctx, now)) {
      await this.ctx.record('auth.login-throttled', actorOf(undefined, ctx), {
        username: username.slice(0, 100),
      });
      throw fail(
        'rate-limited',
        'auth.throttled',
        'too many failed sign-ins from this address; try again later',
      );
    }
    const found = store.operatorByName(username);
    if (!found || found.disabled === 1) {
      await burnVerification(password);
      await this.ctx.serial(() =>
        recordFailure(this.ctx, ctx, now, found ? 'disabled' : 'unknown-user', { username }),
      );
      throw invalid();
    }
    if (isLocked(found.locked_until, now)) {
      await burnVerification(password);
      await this.ctx.record(
        'auth.login-refused-locked',
        actorOf(undefined, ctx),
        { username: found.username },
        operatorSubject(found.id),
      );
      throw lockedError(found);
    }
    if (!(await verifySecret(found.password_hash, password))) {
      await this.ctx.serial(() =>
        recordFailure(this.ctx, ctx, now, 'wrong-password', { operatorId: found.id }),
      );
      throw invalid();
    }
    const rehashed = needsRehash(found.password_hash) ? await hashSecret(password) : undefined;
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(found.id);
      // Failures that arrived while the password was being checked may have locked or disabled it.
      if (row.disabled === 1) throw invalid();
      if (isLocked(row.locked_until, now)) throw lockedError(row);
      const stage: SessionStage =
        row.totp_secret !== null ? 'totp' : this.ctx.totpRequired(rolesOf(row)) ? 'enroll' : 'full';
      const session = newSession(this.ctx, row.id, stage, ctx, now);
      await this.ctx.record(
        'auth.login-succeeded',
        actorOf(principalOf(row, stage), ctx),
        { username: row.username, stage },
        operatorSubject(row.id),
        () => {
          store.updateOperator(row.id, {
            failed_count: 0,
            failed_window_start: null,
            locked_until: null,
            ...(rehashed ? { password_hash: rehashed } : {}),
          });
          store.clearAddressFailures(ctx.address);
          store.insertSession(session.row);
        },
      );
      return {
        sessionId: session.sessionId,
        csrfToken: session.csrfToken,
        stage,
        operator: this.ctx.view(row),
      };
    });
  }

  async verifySecondFactor(
    principal: Principal,
    input: { code?: string; recoveryCode?: string },
    ctx: RequestContext,
  ): Promise<LoginResult> {
    if (principal.kind !== 'session' || principal.stage !== 'totp') {
      throw fail('conflict', 'auth.no-second-factor-pending', 'no second factor is pending for this session');
    }
    const before = this.ctx.operator(principal.id);
    const recoveryHash =
      input.recoveryCode !== undefined ? await recoveryHashFor(before, input.recoveryCode) : null;
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(principal.id);
      const now = this.ctx.now();
      if (isLocked(row.locked_until, now)) throw lockedError(row);
      const used = consumeSecondFactor(this.ctx.secrets, row, input, recoveryHash, now);
      if (!used) {
        await recordFailure(this.ctx, ctx, now, 'wrong-second-factor', { operatorId: row.id });
        throw fail('unauthenticated', 'auth.invalid-second-factor', 'the code is wrong or was already used');
      }
      const session = rotateSession(this.ctx, principal, ctx, now);
      await this.ctx.record(
        used.method === 'totp' ? 'auth.second-factor-verified' : 'auth.recovery-code-used',
        actorOf(principal, ctx),
        {
          username: row.username,
          ...(used.method === 'totp' ? { method: 'totp' } : { remaining: used.remaining }),
        },
        operatorSubject(row.id),
        () => {
          this.ctx.store.updateOperator(row.id, {
            ...used.fields,
            failed_count: 0,
            failed_window_start: null,
          });
          session.write();
        },
      );
      return session.result();
    });
  }

  // ---------- second-factor enrolment ----------

  /**
   * Starts (or restarts) TOTP enrolment; the new secret is kept sealed in the
   * session until confirmed. A session still enrolling (right after its password
   * was checked at sign-in) needs nothing more. A signed-in session proves the
   * operator again: the password, and when a second factor exists, a current
   * code or a recovery code, so that nobody at an unlocked console can add or
   * replace it. Wrong proofs count towards the account's lockout (missing ones
   * are only refused: they guess nothing).
   */
  async beginEnrollment(
    principal: Principal,
    proof: Reauthentication,
    ctx: RequestContext,
  ): Promise<{ secret: string; uri: string }> {
    if (principal.kind !== 'session' || principal.stage === 'totp') {
      throw fail('conflict', 'auth.enrollment-not-allowed', 'finish signing in first');
    }
    const before = this.ctx.operator(principal.id);
    const replacing = before.totp_secret !== null;
    const reauthenticate = principal.reauthenticate === true;
    const passwordMissing = () =>
      fail(
        'unauthenticated',
        'auth.reauthentication-required',
        'enter your current password to set up a second factor',
      );
    const factorMissing = () =>
      fail(
        'unauthenticated',
        'auth.invalid-second-factor',
        'enter a current code from your authenticator app or a recovery code to replace it',
      );
    if (reauthenticate && proof.currentPassword === undefined) throw passwordMissing();
    if (replacing && proof.code === undefined && proof.recoveryCode === undefined) throw factorMissing();
    const passwordOk =
      !reauthenticate || (await verifySecret(before.password_hash, proof.currentPassword ?? ''));
    const recoveryHash =
      replacing && proof.recoveryCode !== undefined
        ? await recoveryHashFor(before, proof.recoveryCode)
        : null;
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(principal.id);
      const now = this.ctx.now();
      if (isLocked(row.locked_until, now)) throw lockedError(row);
      if (!passwordOk) {
        await recordFailure(this.ctx, ctx, now, 'wrong-current-password', { operatorId: row.id });
        throw passwordMissing();
      }
      // Replacing a factor always takes the factor, even in a session that has just signed in.
      const used = replacing ? consumeSecondFactor(this.ctx.secrets, row, proof, recoveryHash, now) : null;
      if (replacing && !used) {
        await recordFailure(this.ctx, ctx, now, 'wrong-second-factor', { operatorId: row.id });
        throw factorMissing();
      }
      const secret = newTotpSecret();
      await this.ctx.record(
        'auth.second-factor-enrolment-started',
        actorOf(principal, ctx),
        {
          username: row.username,
          replacing,
          proof: [reauthenticate ? 'password' : 'sign-in', ...(used ? [used.method] : [])].join('+'),
        },
        operatorSubject(row.id),
        () => {
          // A proof that succeeded clears the failures before it, as a sign-in does.
          if (reauthenticate || used)
            this.ctx.store.updateOperator(row.id, {
              ...used?.fields,
              failed_count: 0,
              failed_window_start: null,
            });
          this.ctx.store.setPendingTotp(principal.sessionKey!, this.ctx.secrets.seal(`${now}:${secret}`));
        },
      );
      return { secret, uri: otpauthUri(secret, principal.name, this.ctx.settings.siteName) };
    });
  }

  async confirmEnrollment(
    principal: Principal,
    code: string,
    ctx: RequestContext,
  ): Promise<LoginResult & { recoveryCodes: string[] }> {
    const now = this.ctx.now();
    const secret = principal.kind === 'session' ? pendingSecret(this.ctx.secrets, principal, now) : null;
    if (principal.kind !== 'session' || !secret) {
      throw fail('conflict', 'auth.no-enrollment-pending', 'start enrolment first');
    }
    const step = matchTotp(secret, code, now, null);
    if (step === null)
      throw fail(
        'invalid',
        'auth.invalid-second-factor',
        'the code does not match; check the device clock and try again',
      );
    const recoveryCodes = newRecoveryCodes();
    const hashes = await Promise.all(recoveryCodes.map((c) => hashSecret(normaliseRecoveryCode(c))));
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(principal.id);
      const session = rotateSession(this.ctx, principal, ctx, now);
      await this.ctx.record(
        'auth.second-factor-enrolled',
        actorOf(principal, ctx),
        { username: row.username, replaced: row.totp_secret !== null },
        operatorSubject(row.id),
        () => {
          this.ctx.store.updateOperator(row.id, {
            totp_secret: this.ctx.secrets.seal(secret),
            totp_last_step: step,
            recovery_codes: JSON.stringify(hashes),
            updated_at: now,
          });
          // Sessions signed in with the old factor end with it.
          this.ctx.store.deleteSessionsOf(row.id, principal.sessionKey);
          session.write();
        },
      );
      return { ...session.result(), recoveryCodes };
    });
  }

  // ---------- own password and sessions ----------

  async changeOwnPassword(
    principal: Principal,
    current: string,
    next: string,
    ctx: RequestContext,
  ): Promise<void> {
    if (principal.kind !== 'session')
      throw fail('forbidden', 'auth.session-required', 'only a signed-in operator can change a password');
    const before = this.ctx.operator(principal.id);
    if (!(await verifySecret(before.password_hash, current))) {
      await this.ctx.serial(() =>
        recordFailure(this.ctx, ctx, this.ctx.now(), 'wrong-current-password', { operatorId: before.id }),
      );
      throw fail('unauthenticated', 'auth.invalid-credentials', 'the current password is wrong');
    }
    if (current === next)
      throw fail('invalid', 'auth.password-unchanged', 'the new password must differ from the current one');
    this.ctx.checkPassword(next, before.username, before.display_name);
    const hash = await hashSecret(next);
    await this.ctx.serial(async () => {
      const now = this.ctx.now();
      await this.ctx.record(
        'auth.password-changed',
        actorOf(principal, ctx),
        { username: before.username },
        operatorSubject(before.id),
        () => {
          this.ctx.store.updateOperator(before.id, {
            password_hash: hash,
            password_changed_at: now,
            must_change_password: 0,
            updated_at: now,
          });
          // Other sessions (a forgotten browser elsewhere) end with the old password.
          this.ctx.store.deleteSessionsOf(before.id, principal.sessionKey);
        },
      );
    });
  }

  /** The session behind a cookie value, or null when unknown, idle too long or past its absolute end. */
  resolveSession(rawId: string, renew = true): Principal | null {
    return resolveSession(this.ctx, rawId, renew);
  }

  async logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (principal.kind !== 'session' || !principal.sessionKey) return;
    const key = principal.sessionKey;
    await this.ctx.record(
      'auth.logout',
      actorOf(principal, ctx),
      { username: principal.name },
      operatorSubject(principal.id),
      () => this.ctx.store.deleteSession(key),
    );
  }

  /** Sessions past their time are dead already (resolveSession refuses them); this only drops their rows. */
  purgeExpiredSessions(): number {
    return this.ctx.store.deleteExpiredSessions(
      this.ctx.now(),
      this.ctx.settings.sessionIdleMinutes * 60_000,
    );
  }
}
