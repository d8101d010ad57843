import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type Clock,
  DomainError,
  type JournalEntry,
  type JournalEntryInput,
} from '@gatehouse/contracts';
import { burnVerification, hashSecret, needsRehash, passwordProblems, verifySecret } from './password';
import { isRole, type Role } from './roles';
import { SecretBox } from './secret-box';
import { newRecoveryCodes, normaliseRecoveryCode, randomToken, sameSecret, sha256 } from './secrets';
import { rolesOf, type AuthRepository, type OperatorRow, type SessionRow, type TokenRow } from './store';
import { matchTotp, newTotpSecret, otpauthUri } from './totp';
import {
  actorOf,
  type OperatorView,
  type Principal,
  type RequestContext,
  type SessionStage,
  type TokenView,
} from './types';

export interface JournalWriter {
  append(input: JournalEntryInput): Promise<JournalEntry>;
}

export interface AuthSettings {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  lockoutThreshold: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
  addressThreshold: number;
  passwordMinLength: number;
  totpRequiredRoles: readonly Role[];
  bootstrapTokenHours: number;
  tokenMaxDays: number;
  siteName: string;
}

export interface LoginResult {
  /** Raw session id for the cookie; only the caller ever sees it. */
  sessionId: string;
  stage: SessionStage;
  csrfToken: string;
  operator: OperatorView;
}

/** A session still waiting for its second factor lives this long. */
const PENDING_SESSION_MS = 5 * 60_000;
/** last_seen_at is written at most this often per session: a write per request would cost an fsync each. */
const TOUCH_EVERY_MS = 15_000;
const TOKEN_PREFIX = 'ghk';
const TOKEN_PATTERN = /^ghk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const fail = (
  kind: ConstructorParameters<typeof DomainError>[0],
  code: string,
  message: string,
  details = {},
) => new DomainError(kind, code, message, details);

/**
 * Operators, sessions, second factor, API tokens and the first-start bootstrap.
 * Every change and every security-relevant refusal is journaled with who did
 * it and from where.
 */
export class AuthService {
  constructor(
    private readonly store: AuthRepository,
    private readonly journal: JournalWriter,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
    private readonly secrets: SecretBox,
  ) {}

  // ---------- views ----------

  view(row: OperatorRow): OperatorView {
    const roles = rolesOf(row);
    const now = this.clock.now().getTime();
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles,
      disabled: row.disabled === 1,
      totpEnrolled: row.totp_secret !== null,
      totpRequired: this.totpRequired(roles),
      mustChangePassword: row.must_change_password === 1,
      lockedUntil: row.locked_until !== null && row.locked_until > now ? iso(row.locked_until) : null,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  private tokenView(row: TokenRow): TokenView {
    return {
      id: row.id,
      name: row.name,
      roles: rolesOf(row),
      createdBy: row.created_by,
      createdAt: iso(row.created_at)!,
      expiresAt: iso(row.expires_at)!,
      revokedAt: iso(row.revoked_at),
      lastUsedAt: iso(row.last_used_at),
    };
  }

  totpRequired(roles: readonly Role[]): boolean {
    return roles.some((r) => this.settings.totpRequiredRoles.includes(r));
  }

  private async record(
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    subjects: { kind: 'operator'; id: string }[] = [],
  ) {
    await this.journal.append({
      type,
      source: 'auth',
      actor,
      subjects,
      payload: JSON.parse(JSON.stringify(payload)) as JournalEntryInput['payload'],
    });
  }

  private checkPassword(password: string, username: string, displayName: string): void {
    const problems = passwordProblems(password, { minLength: this.settings.passwordMinLength }, [
      username,
      displayName,
    ]);
    if (problems.length > 0) {
      throw fail('invalid', 'auth.weak-password', `password ${problems.join('; ')}`, { problems });
    }
  }

  private checkRoles(roles: readonly string[]): Role[] {
    const bad = roles.filter((r) => !isRole(r));
    if (roles.length === 0 || bad.length > 0) {
      throw fail(
        'invalid',
        'auth.bad-roles',
        bad.length ? `unknown roles: ${bad.join(', ')}` : 'at least one role is needed',
      );
    }
    return [...new Set(roles)] as Role[];
  }

  // ---------- bootstrap ----------

  /**
   * While no operator exists, issues a fresh one-time bootstrap token (the raw
   * value is returned once, for the caller to print). Returns null otherwise.
   */
  async issueBootstrapToken(): Promise<string | null> {
    if (this.store.countOperators() > 0) {
      this.store.clearBootstrapToken();
      return null;
    }
    const token = `gbt_${randomToken(24)}`;
    const expiresAt = this.clock.now().getTime() + this.settings.bootstrapTokenHours * 3_600_000;
    this.store.setBootstrapToken(sha256(token), expiresAt);
    await this.record('auth.bootstrap-token-issued', { kind: 'system' }, { expiresAt: iso(expiresAt) });
    return token;
  }

  bootstrapPending(): boolean {
    return this.store.countOperators() === 0;
  }

  async bootstrap(
    token: string,
    input: { username: string; displayName: string; password: string },
    ctx: RequestContext,
  ): Promise<OperatorView> {
    const stored = this.store.bootstrapToken();
    const now = this.clock.now().getTime();
    const valid =
      stored !== undefined &&
      stored.expires_at > now &&
      sameSecret(sha256(token).toString('hex'), stored.token_hash.toString('hex'));
    if (!valid || this.store.countOperators() > 0) {
      await this.record('auth.bootstrap-refused', actorOf(undefined, ctx), {});
      throw fail('forbidden', 'auth.bootstrap-refused', 'the bootstrap token is wrong, used or expired');
    }
    const view = await this.createOperatorRow(
      { ...input, roles: ['admin'] },
      { kind: 'anonymous', name: 'bootstrap', address: ctx.address, requestId: ctx.requestId },
    );
    this.store.clearBootstrapToken();
    return view;
  }

  // ---------- operators ----------

  private async createOperatorRow(
    input: {
      username: string;
      displayName: string;
      password: string;
      roles: readonly string[];
      mustChangePassword?: boolean;
    },
    actor: Actor,
  ): Promise<OperatorView> {
    const roles = this.checkRoles(input.roles);
    if (this.store.operatorByName(input.username)) {
      throw fail('conflict', 'operator.username-taken', `user name ${input.username} is taken`);
    }
    this.checkPassword(input.password, input.username, input.displayName);
    const now = this.clock.now().getTime();
    const row: OperatorRow = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName,
      roles: JSON.stringify(roles),
      password_hash: await hashSecret(input.password),
      password_changed_at: now,
      must_change_password: input.mustChangePassword ? 1 : 0,
      totp_secret: null,
      totp_last_step: null,
      recovery_codes: '[]',
      disabled: 0,
      failed_count: 0,
      failed_window_start: null,
      locked_until: null,
      created_at: now,
      updated_at: now,
    };
    // The name may have been taken while the hash was computed.
    if (this.store.operatorByName(input.username))
      throw fail('conflict', 'operator.username-taken', `user name ${input.username} is taken`);
    this.store.insertOperator(row);
    await this.record(
      'operator.created',
      actor,
      {
        username: row.username,
        displayName: row.display_name,
        roles,
        mustChangePassword: row.must_change_password === 1,
      },
      [{ kind: 'operator', id: row.id }],
    );
    return this.view(row);
  }

  createOperator(
    input: { username: string; displayName: string; password: string; roles: readonly string[] },
    actor: Actor,
  ): Promise<OperatorView> {
    // An operator created by someone else gets a password that person knows: it must be changed at first sign-in.
    return this.createOperatorRow({ ...input, mustChangePassword: actor.kind !== 'cli' }, actor);
  }

  listOperators(): OperatorView[] {
    return this.store.listOperators().map((r) => this.view(r));
  }

  getOperator(id: string): OperatorView {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    return this.view(row);
  }

  async updateOperator(
    id: string,
    patch: { displayName?: string; roles?: string[]; disabled?: boolean },
    actor: Actor,
  ): Promise<OperatorView> {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const fields: Partial<OperatorRow> = {};
    if (patch.displayName !== undefined && patch.displayName !== row.display_name) {
      changes.displayName = { from: row.display_name, to: patch.displayName };
      fields.display_name = patch.displayName;
    }
    const oldRoles = rolesOf(row);
    let newRoles = oldRoles;
    if (patch.roles !== undefined) {
      newRoles = this.checkRoles(patch.roles);
      if (newRoles.join() !== oldRoles.join()) {
        changes.roles = { from: oldRoles, to: newRoles };
        fields.roles = JSON.stringify(newRoles);
      }
    }
    if (patch.disabled !== undefined && (patch.disabled ? 1 : 0) !== row.disabled) {
      changes.disabled = { from: row.disabled === 1, to: patch.disabled };
      fields.disabled = patch.disabled ? 1 : 0;
    }
    const losesAdmin =
      oldRoles.includes('admin') &&
      row.disabled === 0 &&
      (!newRoles.includes('admin') || patch.disabled === true);
    if (losesAdmin && this.store.countActiveAdmins() <= 1) {
      throw fail(
        'conflict',
        'operator.last-admin',
        'the last active administrator cannot be disabled or lose the admin role',
      );
    }
    if (Object.keys(changes).length === 0) return this.view(row);
    fields.updated_at = this.clock.now().getTime();
    this.store.transaction(() => {
      this.store.updateOperator(id, fields);
      // Disabling ends every session; a role change takes effect on the next request anyway.
      if (fields.disabled === 1) this.store.deleteSessionsOf(id);
    });
    await this.record('operator.updated', actor, { username: row.username, changes }, [
      { kind: 'operator', id },
    ]);
    return this.view(this.store.operatorById(id)!);
  }

  async resetPassword(id: string, password: string, actor: Actor): Promise<OperatorView> {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    this.checkPassword(password, row.username, row.display_name);
    const hash = await hashSecret(password);
    const now = this.clock.now().getTime();
    this.store.transaction(() => {
      this.store.updateOperator(id, {
        password_hash: hash,
        password_changed_at: now,
        must_change_password: 1,
        failed_count: 0,
        locked_until: null,
        updated_at: now,
      });
      this.store.deleteSessionsOf(id);
    });
    await this.record('operator.password-reset', actor, { username: row.username }, [
      { kind: 'operator', id },
    ]);
    return this.view(this.store.operatorById(id)!);
  }

  async resetSecondFactor(id: string, actor: Actor): Promise<OperatorView> {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    const now = this.clock.now().getTime();
    this.store.transaction(() => {
      this.store.updateOperator(id, {
        totp_secret: null,
        totp_last_step: null,
        recovery_codes: '[]',
        updated_at: now,
      });
      this.store.deleteSessionsOf(id);
    });
    await this.record('operator.second-factor-reset', actor, { username: row.username }, [
      { kind: 'operator', id },
    ]);
    return this.view(this.store.operatorById(id)!);
  }

  async unlock(id: string, actor: Actor): Promise<OperatorView> {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    this.store.updateOperator(id, {
      failed_count: 0,
      failed_window_start: null,
      locked_until: null,
      updated_at: this.clock.now().getTime(),
    });
    await this.record('operator.unlocked', actor, { username: row.username }, [{ kind: 'operator', id }]);
    return this.view(this.store.operatorById(id)!);
  }

  // ---------- sign-in ----------

  private async addressFailure(ctx: RequestContext, now: number): Promise<void> {
    const windowMs = this.settings.lockoutWindowMinutes * 60_000;
    const current = this.store.addressFailures(ctx.address);
    const fresh = !current || now - current.window_start > windowMs;
    const count = fresh ? 1 : current.count + 1;
    this.store.setAddressFailures(ctx.address, count, fresh ? now : current.window_start);
    if (count === this.settings.addressThreshold) {
      await this.record('auth.address-throttled', actorOf(undefined, ctx), {
        failures: count,
        minutes: this.settings.lockoutWindowMinutes,
      });
    }
  }

  private addressThrottled(ctx: RequestContext, now: number): boolean {
    const current = this.store.addressFailures(ctx.address);
    return (
      current !== undefined &&
      now - current.window_start <= this.settings.lockoutWindowMinutes * 60_000 &&
      current.count >= this.settings.addressThreshold
    );
  }

  /** Counts a failed password or second factor against the account; locks it at the threshold. */
  private async accountFailure(
    row: OperatorRow,
    ctx: RequestContext,
    now: number,
    reason: string,
  ): Promise<void> {
    const windowMs = this.settings.lockoutWindowMinutes * 60_000;
    const fresh = row.failed_window_start === null || now - row.failed_window_start > windowMs;
    const count = fresh ? 1 : row.failed_count + 1;
    const lock = count >= this.settings.lockoutThreshold;
    const lockedUntil = lock ? now + this.settings.lockoutMinutes * 60_000 : row.locked_until;
    this.store.updateOperator(row.id, {
      failed_count: lock ? 0 : count,
      failed_window_start: lock ? null : fresh ? now : row.failed_window_start,
      locked_until: lockedUntil,
    });
    await this.addressFailure(ctx, now);
    const subjects = [{ kind: 'operator' as const, id: row.id }];
    await this.record(
      'auth.login-failed',
      actorOf(undefined, ctx),
      { username: row.username, reason, failures: count },
      subjects,
    );
    if (lock) {
      await this.record(
        'auth.account-locked',
        actorOf(undefined, ctx),
        { username: row.username, until: iso(lockedUntil) },
        subjects,
      );
    }
  }

  async login(username: string, password: string, ctx: RequestContext): Promise<LoginResult> {
    const now = this.clock.now().getTime();
    const invalid = () =>
      fail('unauthenticated', 'auth.invalid-credentials', 'user name or password is wrong');
    if (this.addressThrottled(ctx, now)) {
      await this.record('auth.login-throttled', actorOf(undefined, ctx), {
        username: username.slice(0, 100),
      });
      throw fail(
        'rate-limited',
        'auth.throttled',
        'too many failed sign-ins from this address; try again later',
      );
    }
    const row = this.store.operatorByName(username);
    if (!row || row.disabled === 1) {
      await burnVerification(password);
      await this.addressFailure(ctx, now);
      await this.record('auth.login-failed', actorOf(undefined, ctx), {
        username: username.slice(0, 100),
        reason: row ? 'disabled' : 'unknown-user',
      });
      throw invalid();
    }
    if (row.locked_until !== null && row.locked_until > now) {
      await burnVerification(password);
      await this.record('auth.login-refused-locked', actorOf(undefined, ctx), { username: row.username }, [
        { kind: 'operator', id: row.id },
      ]);
      throw fail(
        'locked',
        'auth.locked',
        'this account is locked after repeated failures; try again later or ask an administrator',
        {
          until: iso(row.locked_until),
        },
      );
    }
    if (!(await verifySecret(row.password_hash, password))) {
      await this.accountFailure(this.store.operatorById(row.id)!, ctx, now, 'wrong-password');
      throw invalid();
    }
    const fields: Partial<OperatorRow> = { failed_count: 0, failed_window_start: null, locked_until: null };
    if (needsRehash(row.password_hash)) fields.password_hash = await hashSecret(password);
    this.store.updateOperator(row.id, fields);
    this.store.clearAddressFailures(ctx.address);
    const roles = rolesOf(row);
    const stage: SessionStage =
      row.totp_secret !== null ? 'totp' : this.totpRequired(roles) ? 'enroll' : 'full';
    const session = this.newSession(row.id, stage, ctx, now);
    await this.record(
      'auth.login-succeeded',
      actorOf(this.principalOf(row, stage), ctx),
      { username: row.username, stage },
      [{ kind: 'operator', id: row.id }],
    );
    return { ...session, stage, operator: this.view(row) };
  }

  private newSession(operatorId: string, stage: SessionStage, ctx: RequestContext, now: number) {
    const sessionId = randomToken(32);
    const csrfToken = randomToken(24);
    const row: SessionRow = {
      id_hash: sha256(sessionId),
      operator_id: operatorId,
      stage,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at:
        stage === 'full' ? now + this.settings.sessionAbsoluteHours * 3_600_000 : now + PENDING_SESSION_MS,
      address: ctx.address.slice(0, 100),
      user_agent: ctx.userAgent.slice(0, 300),
      pending_totp_secret: null,
    };
    this.store.insertSession(row);
    return { sessionId, csrfToken };
  }

  private principalOf(row: OperatorRow, stage: SessionStage, session?: SessionRow): Principal {
    return {
      kind: 'session',
      id: row.id,
      name: row.username,
      roles: rolesOf(row),
      stage,
      mustChangePassword: row.must_change_password === 1,
      csrfToken: session?.csrf_token,
      sessionKey: session?.id_hash,
      pendingTotpSecret: session?.pending_totp_secret ?? null,
    };
  }

  /** The session behind a cookie value, or null when unknown, idle too long or past its absolute end. */
  resolveSession(rawId: string): Principal | null {
    if (!/^[A-Za-z0-9_-]{43}$/.test(rawId)) return null;
    const key = sha256(rawId);
    const session = this.store.sessionByHash(key);
    if (!session) return null;
    const now = this.clock.now().getTime();
    const idleMs = session.stage === 'full' ? this.settings.sessionIdleMinutes * 60_000 : PENDING_SESSION_MS;
    if (session.expires_at <= now || now - session.last_seen_at > idleMs) {
      this.store.deleteSession(key);
      return null;
    }
    const row = this.store.operatorById(session.operator_id);
    if (!row || row.disabled === 1) {
      this.store.deleteSession(key);
      return null;
    }
    if (now - session.last_seen_at >= TOUCH_EVERY_MS) this.store.touchSession(key, now);
    return this.principalOf(row, session.stage, session);
  }

  /** Moves a session to a higher stage under a new id (no session fixation across a privilege change). */
  private upgradeSession(principal: Principal, ctx: RequestContext): LoginResult {
    const now = this.clock.now().getTime();
    this.store.deleteSession(principal.sessionKey!);
    const session = this.newSession(principal.id, 'full', ctx, now);
    return { ...session, stage: 'full', operator: this.getOperator(principal.id) };
  }

  async verifySecondFactor(
    principal: Principal,
    input: { code?: string; recoveryCode?: string },
    ctx: RequestContext,
  ): Promise<LoginResult> {
    if (principal.kind !== 'session' || principal.stage !== 'totp') {
      throw fail('conflict', 'auth.no-second-factor-pending', 'no second factor is pending for this session');
    }
    const row = this.store.operatorById(principal.id)!;
    const now = this.clock.now().getTime();
    if (row.locked_until !== null && row.locked_until > now) {
      throw fail('locked', 'auth.locked', 'this account is locked after repeated failures', {
        until: iso(row.locked_until),
      });
    }
    const subjects = [{ kind: 'operator' as const, id: row.id }];
    if (input.code !== undefined && row.totp_secret) {
      const step = matchTotp(this.secrets.open(row.totp_secret), input.code, now, row.totp_last_step);
      if (step !== null) {
        this.store.updateOperator(row.id, {
          totp_last_step: step,
          failed_count: 0,
          failed_window_start: null,
        });
        await this.record(
          'auth.second-factor-verified',
          actorOf(principal, ctx),
          { username: row.username, method: 'totp' },
          subjects,
        );
        return this.upgradeSession(principal, ctx);
      }
    } else if (input.recoveryCode !== undefined) {
      const hashes = JSON.parse(row.recovery_codes) as string[];
      const code = normaliseRecoveryCode(input.recoveryCode);
      for (const [i, hash] of hashes.entries()) {
        if (await verifySecret(hash, code)) {
          hashes.splice(i, 1);
          this.store.updateOperator(row.id, {
            recovery_codes: JSON.stringify(hashes),
            failed_count: 0,
            failed_window_start: null,
          });
          await this.record(
            'auth.recovery-code-used',
            actorOf(principal, ctx),
            { username: row.username, remaining: hashes.length },
            subjects,
          );
          return this.upgradeSession(principal, ctx);
        }
      }
    }
    await this.accountFailure(row, ctx, now, 'wrong-second-factor');
    throw fail('unauthenticated', 'auth.invalid-second-factor', 'the code is wrong or was already used');
  }

  /** Starts (or restarts) TOTP enrolment for the signed-in operator; the secret is kept sealed in the session. */
  beginEnrollment(principal: Principal): { secret: string; uri: string } {
    if (principal.kind !== 'session' || principal.stage === 'totp') {
      throw fail('conflict', 'auth.enrollment-not-allowed', 'finish signing in first');
    }
    const secret = newTotpSecret();
    this.store.setPendingTotp(principal.sessionKey!, this.secrets.seal(secret));
    return { secret, uri: otpauthUri(secret, principal.name, this.settings.siteName) };
  }

  async confirmEnrollment(
    principal: Principal,
    code: string,
    ctx: RequestContext,
  ): Promise<LoginResult & { recoveryCodes: string[] }> {
    if (principal.kind !== 'session' || !principal.pendingTotpSecret) {
      throw fail('conflict', 'auth.no-enrollment-pending', 'start enrolment first');
    }
    const secret = this.secrets.open(principal.pendingTotpSecret);
    const now = this.clock.now().getTime();
    const step = matchTotp(secret, code, now, null);
    if (step === null)
      throw fail(
        'invalid',
        'auth.invalid-second-factor',
        'the code does not match; check the device clock and try again',
      );
    const recoveryCodes = newRecoveryCodes();
    const hashes = await Promise.all(recoveryCodes.map((c) => hashSecret(normaliseRecoveryCode(c))));
    this.store.transaction(() => {
      this.store.updateOperator(principal.id, {
        totp_secret: this.secrets.seal(secret),
        totp_last_step: step,
        recovery_codes: JSON.stringify(hashes),
        updated_at: now,
      });
      this.store.deleteSessionsOf(principal.id, principal.sessionKey);
    });
    await this.record('auth.second-factor-enrolled', actorOf(principal, ctx), { username: principal.name }, [
      { kind: 'operator', id: principal.id },
    ]);
    return { ...this.upgradeSession(principal, ctx), recoveryCodes };
  }

  async changeOwnPassword(
    principal: Principal,
    current: string,
    next: string,
    ctx: RequestContext,
  ): Promise<void> {
    if (principal.kind !== 'session')
      throw fail('forbidden', 'auth.session-required', 'only a signed-in operator can change a password');
    const row = this.store.operatorById(principal.id)!;
    if (!(await verifySecret(row.password_hash, current))) {
      await this.accountFailure(row, ctx, this.clock.now().getTime(), 'wrong-current-password');
      throw fail('unauthenticated', 'auth.invalid-credentials', 'the current password is wrong');
    }
    if (current === next)
      throw fail('invalid', 'auth.password-unchanged', 'the new password must differ from the current one');
    this.checkPassword(next, row.username, row.display_name);
    const hash = await hashSecret(next);
    const now = this.clock.now().getTime();
    this.store.transaction(() => {
      this.store.updateOperator(row.id, {
        password_hash: hash,
        password_changed_at: now,
        must_change_password: 0,
        updated_at: now,
      });
      // Other sessions (a forgotten browser elsewhere) end with the old password.
      this.store.deleteSessionsOf(row.id, principal.sessionKey);
    });
    await this.record('auth.password-changed', actorOf(principal, ctx), { username: row.username }, [
      { kind: 'operator', id: row.id },
    ]);
  }

  async logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (principal.kind !== 'session' || !principal.sessionKey) return;
    this.store.deleteSession(principal.sessionKey);
    await this.record('auth.logout', actorOf(principal, ctx), { username: principal.name }, [
      { kind: 'operator', id: principal.id },
    ]);
  }

  purgeExpiredSessions(): number {
    return this.store.deleteExpiredSessions(
      this.clock.now().getTime(),
      this.settings.sessionIdleMinutes * 60_000,
    );
  }

  // ---------- API tokens ----------

  async createToken(
    input: { name: string; roles: string[]; expiresInDays: number },
    actor: Actor,
  ): Promise<{ token: string; view: TokenView }> {
    const roles = this.checkRoles(input.roles);
    if (input.expiresInDays < 1 || input.expiresInDays > this.settings.tokenMaxDays) {
      throw fail('invalid', 'token.bad-expiry', `a token lives 1 to ${this.settings.tokenMaxDays} days`);
    }
    const id = randomToken(9)
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, 12);
    const secret = randomToken(32);
    const now = this.clock.now().getTime();
    const row: TokenRow = {
      id,
      name: input.name,
      secret_hash: sha256(secret),
      roles: JSON.stringify(roles),
      created_by: actor.name ?? actor.id ?? 'unknown',
      created_at: now,
      expires_at: now + input.expiresInDays * 86_400_000,
      revoked_at: null,
      last_used_at: null,
    };
    this.store.insertToken(row);
    await this.record('token.created', actor, {
      tokenId: id,
      name: input.name,
      roles,
      expiresAt: iso(row.expires_at),
    });
    return { token: `${TOKEN_PREFIX}_${id}_${secret}`, view: this.tokenView(row) };
  }

  listTokens(): TokenView[] {
    return this.store.listTokens().map((r) => this.tokenView(r));
  }

  async revokeToken(id: string, actor: Actor): Promise<TokenView> {
    const row = this.store.tokenById(id);
    if (!row) throw fail('not-found', 'token.not-found', 'no such token');
    if (row.revoked_at === null) {
      this.store.revokeToken(id, this.clock.now().getTime());
      await this.record('token.revoked', actor, { tokenId: id, name: row.name });
    }
    return this.tokenView(this.store.tokenById(id)!);
  }

  /** The token behind a bearer value, or null when malformed, unknown, revoked or expired. */
  resolveToken(raw: string): Principal | null {
    const match = TOKEN_PATTERN.exec(raw);
    if (!match) return null;
    const row = this.store.tokenById(match[1]!);
    if (!row || row.revoked_at !== null) return null;
    const now = this.clock.now().getTime();
    if (row.expires_at <= now) return null;
    if (!sameSecret(sha256(match[2]!).toString('hex'), row.secret_hash.toString('hex'))) return null;
    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_EVERY_MS)
      this.store.touchToken(row.id, now);
    return {
      kind: 'token',
      id: row.id,
      name: `token:${row.name}`,
      roles: rolesOf(row),
      stage: 'full',
      mustChangePassword: false,
    };
  }
}
