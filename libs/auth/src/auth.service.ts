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
  /** `effect` is the state change the entry records: it runs in the entry's transaction (both or neither). */
  append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry>;
  /** A bookkeeping write that rides the next group commit (waiting while an import holds the journal). */
  alongside?(change: () => void): void;
}

export interface AuthSettings {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  lockoutThreshold: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
  addressThreshold: number;
  passwordMinLength: number;
  /** PCI DSS 8.3.6: a password holds letters and digits (the pci security profile). */
  passwordNeedsLettersAndDigits?: boolean;
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

/** What proves the operator again before their second factor is replaced. */
export interface Reauthentication {
  currentPassword?: string;
  code?: string;
  recoveryCode?: string;
}

/** A session still waiting for its second factor lives this long. */
const PENDING_SESSION_MS = 5 * 60_000;
/** A started enrolment must be confirmed within this time, or started (and proven) again. */
const ENROLMENT_MS = 10 * 60_000;
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
const notFound = () => fail('not-found', 'operator.not-found', 'no such operator');
const usernameTaken = (name: string) =>
  fail('conflict', 'operator.username-taken', `user name ${name} is taken`);
const operatorSubject = (id: string) => [{ kind: 'operator' as const, id }];

/**
 * Operators, sessions, second factor, API tokens and the first-start bootstrap.
 * Every change and every security-relevant refusal is journaled with who did
 * it and from where; each change is written by its entry's effect, in the
 * entry's transaction, so neither exists without the other.
 */
export class AuthService {
  /**
   * Changes are decided on state read before their entry commits: they run one
   * at a time, so two requests cannot both read the same failure count, the
   * same unused code or the same last administrator. Slow hashing stays outside.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: AuthRepository,
    private readonly journal: JournalWriter,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
    private readonly secrets: SecretBox,
  ) {}

  /** Sessions and tokens whose "last seen" write is already waiting for the next group commit. */
  private readonly pendingTouches = new Set<string>();

  /**
   * "Last seen" and "last used" are bookkeeping, not state changes: they ride the
   * journal's next group commit instead of a write of their own on the event
   * loop, which would wait on the write lock while an import commits.
   */
  private touch(key: string, write: () => void): void {
    if (!this.journal.alongside) return write();
    if (this.pendingTouches.has(key)) return;
    this.pendingTouches.add(key);
    this.journal.alongside(() => {
      this.pendingTouches.delete(key);
      write();
    });
  }

  private serial<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }

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

  /** Journals an entry; `change`, when given, writes what it records in the same transaction. */
  private async record(
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    subjects: { kind: 'operator'; id: string }[] = [],
    change?: () => void,
  ): Promise<void> {
    await this.journal.append(
      {
        type,
        source: 'auth',
        actor,
        subjects,
        payload: JSON.parse(JSON.stringify(payload)) as JournalEntryInput['payload'],
      },
      change,
    );
  }

  private operator(id: string): OperatorRow {
    const row = this.store.operatorById(id);
    if (!row) throw notFound();
    return row;
  }

  private checkPassword(password: string, username: string, displayName: string): void {
    const problems = passwordProblems(
      password,
      {
        minLength: this.settings.passwordMinLength,
        lettersAndDigits: this.settings.passwordNeedsLettersAndDigits === true,
      },
      [username, displayName],
    );
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
  issueBootstrapToken(): Promise<string | null> {
    return this.serial(async () => {
      if (this.store.countOperators() > 0) {
        // A leftover token from before the first operator: it could no longer be used anyway.
        this.store.clearBootstrapToken();
        return null;
      }
      const token = `gbt_${randomToken(24)}`;
      const expiresAt = this.clock.now().getTime() + this.settings.bootstrapTokenHours * 3_600_000;
      await this.record(
        'auth.bootstrap-token-issued',
        { kind: 'system' },
        { expiresAt: iso(expiresAt) },
        [],
        () => this.store.setBootstrapToken(sha256(token), expiresAt),
      );
      return token;
    });
  }

  bootstrapPending(): boolean {
    return this.store.countOperators() === 0;
  }

  async bootstrap(
    token: string,
    input: { username: string; displayName: string; password: string },
    ctx: RequestContext,
  ): Promise<OperatorView> {
    const row = await this.newOperatorRow({ ...input, roles: ['admin'] });
    return this.serial(async () => {
      const stored = this.store.bootstrapToken();
      const valid =
        stored !== undefined &&
        stored.expires_at > this.clock.now().getTime() &&
        sameSecret(sha256(token).toString('hex'), stored.token_hash.toString('hex'));
      if (!valid || this.store.countOperators() > 0) {
        await this.record('auth.bootstrap-refused', actorOf(undefined, ctx), {});
        throw fail('forbidden', 'auth.bootstrap-refused', 'the bootstrap token is wrong, used or expired');
      }
      const actor: Actor = {
        kind: 'anonymous',
        name: 'bootstrap',
        address: ctx.address,
        requestId: ctx.requestId,
      };
      return this.insertOperator(row, actor, () => this.store.clearBootstrapToken());
    });
  }

  // ---------- operators ----------

  /** Checks and hashes a new operator (slow, so outside the serial section); nothing is written yet. */
  private async newOperatorRow(input: {
    username: string;
    displayName: string;
    password: string;
    roles: readonly string[];
    mustChangePassword?: boolean;
  }): Promise<OperatorRow> {
    const roles = this.checkRoles(input.roles);
    if (this.store.operatorByName(input.username)) throw usernameTaken(input.username);
    this.checkPassword(input.password, input.username, input.displayName);
    const now = this.clock.now().getTime();
    return {
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
  }

  private async insertOperator(row: OperatorRow, actor: Actor, alsoDo?: () => void): Promise<OperatorView> {
    await this.record(
      'operator.created',
      actor,
      {
        username: row.username,
        displayName: row.display_name,
        roles: rolesOf(row),
        mustChangePassword: row.must_change_password === 1,
      },
      operatorSubject(row.id),
      () => {
        // Another writer (the CLI) may have taken the name since the check.
        if (this.store.operatorByName(row.username)) throw usernameTaken(row.username);
        this.store.insertOperator(row);
        alsoDo?.();
      },
    );
    return this.view(row);
  }

  async createOperator(
    input: { username: string; displayName: string; password: string; roles: readonly string[] },
    actor: Actor,
  ): Promise<OperatorView> {
    // An operator created by someone else gets a password that person knows: it must be changed at first sign-in.
    const row = await this.newOperatorRow({ ...input, mustChangePassword: actor.kind !== 'cli' });
    return this.serial(() => this.insertOperator(row, actor));
  }

  listOperators(): OperatorView[] {
    return this.store.listOperators().map((r) => this.view(r));
  }

  getOperator(id: string): OperatorView {
    return this.view(this.operator(id));
  }

  updateOperator(
    id: string,
    patch: { displayName?: string; roles?: string[]; disabled?: boolean },
    actor: Actor,
  ): Promise<OperatorView> {
    return this.serial(async () => {
      const row = this.operator(id);
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
      await this.record(
        'operator.updated',
        actor,
        { username: row.username, changes },
        operatorSubject(id),
        () => {
          this.store.updateOperator(id, fields);
          // Disabling ends every session; a role change takes effect on the next request anyway.
          if (fields.disabled === 1) this.store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  async resetPassword(id: string, password: string, actor: Actor): Promise<OperatorView> {
    const target = this.operator(id);
    this.checkPassword(password, target.username, target.display_name);
    const hash = await hashSecret(password);
    return this.serial(async () => {
      const row = this.operator(id);
      const now = this.clock.now().getTime();
      await this.record(
        'operator.password-reset',
        actor,
        { username: row.username },
        operatorSubject(id),
        () => {
          this.store.updateOperator(id, {
            password_hash: hash,
            password_changed_at: now,
            must_change_password: 1,
            failed_count: 0,
            locked_until: null,
            updated_at: now,
          });
          this.store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  /** An administrator removes an operator's second factor (a lost phone); they enrol again at next sign-in. */
  resetSecondFactor(id: string, reason: string, actor: Actor): Promise<OperatorView> {
    return this.serial(async () => {
      const row = this.operator(id);
      await this.record(
        'operator.second-factor-reset',
        actor,
        { username: row.username, reason },
        operatorSubject(id),
        () => {
          this.store.updateOperator(id, {
            totp_secret: null,
            totp_last_step: null,
            recovery_codes: '[]',
            updated_at: this.clock.now().getTime(),
          });
          this.store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  unlock(id: string, actor: Actor): Promise<OperatorView> {
    return this.serial(async () => {
      const row = this.operator(id);
      await this.record('operator.unlocked', actor, { username: row.username }, operatorSubject(id), () =>
        this.store.updateOperator(id, {
          failed_count: 0,
          failed_window_start: null,
          locked_until: null,
          updated_at: this.clock.now().getTime(),
        }),
      );
      return this.getOperator(id);
    });
  }

  // ---------- failures and lockout ----------

  private addressThrottled(ctx: RequestContext, now: number): boolean {
    const current = this.store.addressFailures(ctx.address);
    return (
      current !== undefined &&
      now - current.window_start <= this.settings.lockoutWindowMinutes * 60_000 &&
      current.count >= this.settings.addressThreshold
    );
  }

  /**
   * Journals a failed sign-in (or a failed proof of identity) and counts it, in
   * the same transaction, against the address and, when known, the account;
   * the account locks at the threshold. Call inside `serial`.
   */
  private async failure(
    ctx: RequestContext,
    now: number,
    reason: string,
    who: { operatorId: string } | { username: string },
  ): Promise<void> {
    const windowMs = this.settings.lockoutWindowMinutes * 60_000;
    const address = this.store.addressFailures(ctx.address);
    const freshAddress = !address || now - address.window_start > windowMs;
    const addressCount = freshAddress ? 1 : address.count + 1;
    const countAddress = () =>
      this.store.setAddressFailures(ctx.address, addressCount, freshAddress ? now : address.window_start);
    const anonymous = actorOf(undefined, ctx);

    if ('username' in who) {
      await this.record(
        'auth.login-failed',
        anonymous,
        { username: who.username.slice(0, 100), reason },
        [],
        countAddress,
      );
    } else {
      const row = this.operator(who.operatorId);
      const fresh = row.failed_window_start === null || now - row.failed_window_start > windowMs;
      const count = fresh ? 1 : row.failed_count + 1;
      const subjects = operatorSubject(row.id);
      await this.record(
        'auth.login-failed',
        anonymous,
        { username: row.username, reason, failures: count },
        subjects,
        () => {
          this.store.updateOperator(row.id, {
            failed_count: count,
            failed_window_start: fresh ? now : row.failed_window_start,
          });
          countAddress();
        },
      );
      if (count >= this.settings.lockoutThreshold) {
        const until = now + this.settings.lockoutMinutes * 60_000;
        // The lock is its own change with its own entry; were it lost, the next failure locks again.
        await this.record(
          'auth.account-locked',
          anonymous,
          { username: row.username, until: iso(until) },
          subjects,
          () =>
            this.store.updateOperator(row.id, {
              failed_count: 0,
              failed_window_start: null,
              locked_until: until,
            }),
        );
      }
    }
    if (addressCount === this.settings.addressThreshold) {
      await this.record('auth.address-throttled', anonymous, {
        failures: addressCount,
        minutes: this.settings.lockoutWindowMinutes,
      });
    }
  }

  private lockedError(row: OperatorRow) {
    return fail(
      'locked',
      'auth.locked',
      'this account is locked after repeated failures; try again later or ask an administrator',
      { until: iso(row.locked_until) },
    );
  }

  private isLocked(row: OperatorRow, now: number): boolean {
    return row.locked_until !== null && row.locked_until > now;
  }

  // ---------- sign-in ----------

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
    const found = this.store.operatorByName(username);
    if (!found || found.disabled === 1) {
      await burnVerification(password);
      await this.serial(() => this.failure(ctx, now, found ? 'disabled' : 'unknown-user', { username }));
      throw invalid();
    }
    if (this.isLocked(found, now)) {
      await burnVerification(password);
      await this.record(
        'auth.login-refused-locked',
        actorOf(undefined, ctx),
        { username: found.username },
        operatorSubject(found.id),
      );
      throw this.lockedError(found);
    }
    if (!(await verifySecret(found.password_hash, password))) {
      await this.serial(() => this.failure(ctx, now, 'wrong-password', { operatorId: found.id }));
      throw invalid();
    }
    const rehashed = needsRehash(found.password_hash) ? await hashSecret(password) : undefined;
    return this.serial(async () => {
      const row = this.operator(found.id);
      // Failures that arrived while the password was being checked may have locked or disabled it.
      if (row.disabled === 1) throw invalid();
      if (this.isLocked(row, now)) throw this.lockedError(row);
      const stage: SessionStage =
        row.totp_secret !== null ? 'totp' : this.totpRequired(rolesOf(row)) ? 'enroll' : 'full';
      const session = this.newSession(row.id, stage, ctx, now);
      await this.record(
        'auth.login-succeeded',
        actorOf(this.principalOf(row, stage), ctx),
        { username: row.username, stage },
        operatorSubject(row.id),
        () => {
          this.store.updateOperator(row.id, {
            failed_count: 0,
            failed_window_start: null,
            locked_until: null,
            ...(rehashed ? { password_hash: rehashed } : {}),
          });
          this.store.clearAddressFailures(ctx.address);
          this.store.insertSession(session.row);
        },
      );
      return { sessionId: session.sessionId, csrfToken: session.csrfToken, stage, operator: this.view(row) };
    });
  }

  /** A new session's row (written by the caller's change) and the raw values only the client gets. */
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
    return { sessionId, csrfToken, row };
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
      reauthenticate: session?.stage === 'full',
    };
  }

  /**
   * The session behind a cookie value, or null when unknown, idle too long or past its absolute end.
   * `renew` false: a request the console makes by itself (a re-read after a live event) keeps the
   * session without renewing it, so only a person at the screen keeps it alive.
   */
  resolveSession(rawId: string, renew = true): Principal | null {
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
    const touched = renew && now - session.last_seen_at >= TOUCH_EVERY_MS;
    if (touched) this.touch(`session:${key.toString('hex')}`, () => this.store.touchSession(key, now));
    // A role that now requires a second factor (a new role, a stricter profile) applies to running sessions too.
    const stage =
      session.stage === 'full' && row.totp_secret === null && this.totpRequired(rolesOf(row))
        ? 'enroll'
        : session.stage;
    const ends = { at: session.expires_at, idleAt: (touched ? now : session.last_seen_at) + idleMs };
    return { ...this.principalOf(row, stage, session), ends };
  }

  /** Replaces a session by a full one under a new id (no session fixation across a privilege change). */
  private rotateSession(principal: Principal, ctx: RequestContext, now: number) {
    const next = this.newSession(principal.id, 'full', ctx, now);
    const write = () => {
      this.store.deleteSession(principal.sessionKey!);
      this.store.insertSession(next.row);
    };
    const result = () => ({
      sessionId: next.sessionId,
      csrfToken: next.csrfToken,
      stage: 'full' as const,
      operator: this.getOperator(principal.id),
    });
    return { write, result };
  }

  /** The stored recovery-code hash this code matches (argon2: slow, so found before the serial section). */
  private async recoveryHashFor(row: OperatorRow, code: string): Promise<string | null> {
    const normalised = normaliseRecoveryCode(code);
    for (const hash of JSON.parse(row.recovery_codes) as string[]) {
      if (await verifySecret(hash, normalised)) return hash;
    }
    return null;
  }

  /**
   * Checks a TOTP code or a recovery code against the operator's current state
   * and returns the fields that consume it (the step, or the code removed), or
   * null when it does not prove the second factor. Call inside `serial`.
   */
  private consumeSecondFactor(
    row: OperatorRow,
    input: { code?: string; recoveryCode?: string },
    recoveryHash: string | null,
    now: number,
  ): { method: 'totp' | 'recovery-code'; fields: Partial<OperatorRow>; remaining?: number } | null {
    if (input.code !== undefined && row.totp_secret) {
      const step = matchTotp(this.secrets.open(row.totp_secret), input.code, now, row.totp_last_step);
      return step === null ? null : { method: 'totp', fields: { totp_last_step: step } };
    }
    if (input.recoveryCode !== undefined && recoveryHash !== null) {
      const hashes = JSON.parse(row.recovery_codes) as string[];
      // Another request may have used the same code meanwhile.
      if (!hashes.includes(recoveryHash)) return null;
      const left = hashes.filter((h) => h !== recoveryHash);
      return {
        method: 'recovery-code',
        fields: { recovery_codes: JSON.stringify(left) },
        remaining: left.length,
      };
    }
    return null;
  }

  async verifySecondFactor(
    principal: Principal,
    input: { code?: string; recoveryCode?: string },
    ctx: RequestContext,
  ): Promise<LoginResult> {
    if (principal.kind !== 'session' || principal.stage !== 'totp') {
      throw fail('conflict', 'auth.no-second-factor-pending', 'no second factor is pending for this session');
    }
    const before = this.operator(principal.id);
    const recoveryHash =
      input.recoveryCode !== undefined ? await this.recoveryHashFor(before, input.recoveryCode) : null;
    return this.serial(async () => {
      const row = this.operator(principal.id);
      const now = this.clock.now().getTime();
      if (this.isLocked(row, now)) throw this.lockedError(row);
      const used = this.consumeSecondFactor(row, input, recoveryHash, now);
      if (!used) {
        await this.failure(ctx, now, 'wrong-second-factor', { operatorId: row.id });
        throw fail('unauthenticated', 'auth.invalid-second-factor', 'the code is wrong or was already used');
      }
      const session = this.rotateSession(principal, ctx, now);
      await this.record(
        used.method === 'totp' ? 'auth.second-factor-verified' : 'auth.recovery-code-used',
        actorOf(principal, ctx),
        {
          username: row.username,
          ...(used.method === 'totp' ? { method: 'totp' } : { remaining: used.remaining }),
        },
        operatorSubject(row.id),
        () => {
          this.store.updateOperator(row.id, { ...used.fields, failed_count: 0, failed_window_start: null });
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
    const before = this.operator(principal.id);
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
        ? await this.recoveryHashFor(before, proof.recoveryCode)
        : null;
    return this.serial(async () => {
      const row = this.operator(principal.id);
      const now = this.clock.now().getTime();
      if (this.isLocked(row, now)) throw this.lockedError(row);
      if (!passwordOk) {
        await this.failure(ctx, now, 'wrong-current-password', { operatorId: row.id });
        throw passwordMissing();
      }
      // Replacing a factor always takes the factor, even in a session that has just signed in.
      const used = replacing ? this.consumeSecondFactor(row, proof, recoveryHash, now) : null;
      if (replacing && !used) {
        await this.failure(ctx, now, 'wrong-second-factor', { operatorId: row.id });
        throw factorMissing();
      }
      const secret = newTotpSecret();
      await this.record(
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
            this.store.updateOperator(row.id, {
              ...used?.fields,
              failed_count: 0,
              failed_window_start: null,
            });
          this.store.setPendingTotp(principal.sessionKey!, this.secrets.seal(`${now}:${secret}`));
        },
      );
      return { secret, uri: otpauthUri(secret, principal.name, this.settings.siteName) };
    });
  }

  /** The pending secret of a session, or null when none was started or it was started too long ago. */
  private pendingSecret(principal: Principal, now: number): string | null {
    if (!principal.pendingTotpSecret) return null;
    const [started, secret] = this.secrets.open(principal.pendingTotpSecret).split(':');
    return secret && now - Number(started) <= ENROLMENT_MS ? secret : null;
  }

  async confirmEnrollment(
    principal: Principal,
    code: string,
    ctx: RequestContext,
  ): Promise<LoginResult & { recoveryCodes: string[] }> {
    const now = this.clock.now().getTime();
    const secret = principal.kind === 'session' ? this.pendingSecret(principal, now) : null;
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
    return this.serial(async () => {
      const row = this.operator(principal.id);
      const session = this.rotateSession(principal, ctx, now);
      await this.record(
        'auth.second-factor-enrolled',
        actorOf(principal, ctx),
        { username: row.username, replaced: row.totp_secret !== null },
        operatorSubject(row.id),
        () => {
          this.store.updateOperator(row.id, {
            totp_secret: this.secrets.seal(secret),
            totp_last_step: step,
            recovery_codes: JSON.stringify(hashes),
            updated_at: now,
          });
          // Sessions signed in with the old factor end with it.
          this.store.deleteSessionsOf(row.id, principal.sessionKey);
          session.write();
        },
      );
      return { ...session.result(), recoveryCodes };
    });
  }

  async changeOwnPassword(
    principal: Principal,
    current: string,
    next: string,
    ctx: RequestContext,
  ): Promise<void> {
    if (principal.kind !== 'session')
      throw fail('forbidden', 'auth.session-required', 'only a signed-in operator can change a password');
    const before = this.operator(principal.id);
    if (!(await verifySecret(before.password_hash, current))) {
      await this.serial(() =>
        this.failure(ctx, this.clock.now().getTime(), 'wrong-current-password', { operatorId: before.id }),
      );
      throw fail('unauthenticated', 'auth.invalid-credentials', 'the current password is wrong');
    }
    if (current === next)
      throw fail('invalid', 'auth.password-unchanged', 'the new password must differ from the current one');
    this.checkPassword(next, before.username, before.display_name);
    const hash = await hashSecret(next);
    await this.serial(async () => {
      const now = this.clock.now().getTime();
      await this.record(
        'auth.password-changed',
        actorOf(principal, ctx),
        { username: before.username },
        operatorSubject(before.id),
        () => {
          this.store.updateOperator(before.id, {
            password_hash: hash,
            password_changed_at: now,
            must_change_password: 0,
            updated_at: now,
          });
          // Other sessions (a forgotten browser elsewhere) end with the old password.
          this.store.deleteSessionsOf(before.id, principal.sessionKey);
        },
      );
    });
  }

  async logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (principal.kind !== 'session' || !principal.sessionKey) return;
    const key = principal.sessionKey;
    await this.record(
      'auth.logout',
      actorOf(principal, ctx),
      { username: principal.name },
      operatorSubject(principal.id),
      () => this.store.deleteSession(key),
    );
  }

  /** Sessions past their time are dead already (resolveSession refuses them); this only drops their rows. */
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
    await this.record(
      'token.created',
      actor,
      { tokenId: id, name: input.name, roles, expiresAt: iso(row.expires_at) },
      [],
      () => this.store.insertToken(row),
    );
    return { token: `${TOKEN_PREFIX}_${id}_${secret}`, view: this.tokenView(row) };
  }

  listTokens(): TokenView[] {
    return this.store.listTokens().map((r) => this.tokenView(r));
  }

  revokeToken(id: string, actor: Actor): Promise<TokenView> {
    return this.serial(async () => {
      const row = this.store.tokenById(id);
      if (!row) throw fail('not-found', 'token.not-found', 'no such token');
      if (row.revoked_at === null) {
        await this.record('token.revoked', actor, { tokenId: id, name: row.name }, [], () =>
          this.store.revokeToken(id, this.clock.now().getTime()),
        );
      }
      return this.tokenView(this.store.tokenById(id)!);
    });
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
      this.touch(`token:${row.id}`, () => this.store.touchToken(row.id, now));
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
