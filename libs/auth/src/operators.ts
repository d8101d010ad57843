import { randomUUID } from 'node:crypto';
import type { Actor } from '@gatehouse/contracts';
import {
  type AuthContext,
  checkPersonRoles,
  fail,
  iso,
  operatorSubject,
  usernameTaken,
} from './auth-context';
import { hashSecret } from './password';
import { randomToken, sameSecret, sha256 } from './secrets';
import { rolesOf, type OperatorRow } from './store';
import { actorOf, type OperatorView, type RequestContext } from './types';

/** The bootstrap token as issueBootstrapToken makes it: "gbt_" and 24 random bytes in base64url (36 characters). */
export const BOOTSTRAP_PREFIX = 'gbt_';
const BOOTSTRAP_BYTES = 24;
export const BOOTSTRAP_TOKEN_LENGTH = BOOTSTRAP_PREFIX.length + Math.ceil((BOOTSTRAP_BYTES * 4) / 3);
export const BOOTSTRAP_TOKEN_PATTERN = new RegExp(
  `^${BOOTSTRAP_PREFIX}[A-Za-z0-9_-]{${BOOTSTRAP_TOKEN_LENGTH - BOOTSTRAP_PREFIX.length}}$`,
);

/** The operator making a request acts on their own account (a signed-in session, not a token or the CLI). */
const isSelf = (id: string, actor: Actor): boolean => actor.kind === 'operator' && actor.id === id;
/**
 * What an administrator may not do to their own account from a session: each
 * would end the session they act from or take away the right to undo it, and
 * another administrator (or the CLI on the gateway) can do it for them.
 */
const selfLockout = (message: string) => fail('conflict', 'operator.self-lockout', message);

/**
 * The operators' administration: the first-start bootstrap, creating operators,
 * changing their names, roles and state, and an administrator's resets
 * (password, second factor, lock).
 */
export class Operators {
  constructor(private readonly ctx: AuthContext) {}

  // ---------- bootstrap ----------

  /**
   * While no operator exists, issues a fresh one-time bootstrap token (the raw
   * value is returned once, for the caller to print). Returns null otherwise.
   */
  issueBootstrapToken(): Promise<string | null> {
    const { store, settings } = this.ctx;
    return this.ctx.serial(async () => {
      if (store.countOperators() > 0) {
        // A leftover token from before the first operator: it could no longer be used anyway.
        store.clearBootstrapToken();
        return null;
      }
      const token = `${BOOTSTRAP_PREFIX}${randomToken(BOOTSTRAP_BYTES)}`;
      const expiresAt = this.ctx.now() + settings.bootstrapTokenHours * 3_600_000;
      await this.ctx.record(
        'auth.bootstrap-token-issued',
        { kind: 'system' },
        { expiresAt: iso(expiresAt) },
        [],
        () => store.setBootstrapToken(sha256(token), expiresAt),
      );
      return token;
    });
  }

  bootstrapPending(): boolean {
    return this.ctx.store.countOperators() === 0;
  }

  async bootstrap(
    token: string,
    input: { username: string; displayName: string; password: string },
    ctx: RequestContext,
  ): Promise<OperatorView> {
    const { store } = this.ctx;
    const row = await this.newOperatorRow({ ...input, roles: ['admin'] });
    return this.ctx.serial(async () => {
      const stored = store.bootstrapToken();
      const valid =
        stored !== undefined &&
        stored.expires_at > this.ctx.now() &&
        sameSecret(sha256(token).toString('hex'), stored.token_hash.toString('hex'));
      if (!valid || store.countOperators() > 0) {
        await this.ctx.record('auth.bootstrap-refused', actorOf(undefined, ctx), {});
        throw fail('forbidden', 'auth.bootstrap-refused', 'the bootstrap token is wrong, used or expired');
      }
      const actor: Actor = {
        kind: 'anonymous',
        name: 'bootstrap',
        address: ctx.address,
        requestId: ctx.requestId,
      };
      return this.insertOperator(row, actor, () => store.clearBootstrapToken());
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
    const roles = checkPersonRoles(input.roles);
    if (this.ctx.store.operatorByName(input.username)) throw usernameTaken(input.username);
    this.ctx.checkPassword(input.password, input.username, input.displayName);
    const now = this.ctx.now();
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
    const { store } = this.ctx;
    await this.ctx.record(
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
        if (store.operatorByName(row.username)) throw usernameTaken(row.username);
        store.insertOperator(row);
        alsoDo?.();
      },
    );
    return this.ctx.view(row);
  }

  async createOperator(
    input: { username: string; displayName: string; password: string; roles: readonly string[] },
    actor: Actor,
  ): Promise<OperatorView> {
    // An operator created by someone else gets a password that person knows: it must be changed at first sign-in.
    const row = await this.newOperatorRow({ ...input, mustChangePassword: actor.kind !== 'cli' });
    return this.ctx.serial(() => this.insertOperator(row, actor));
  }

  listOperators(): OperatorView[] {
    return this.ctx.store.listOperators().map((r) => this.ctx.view(r));
  }

  /**
   * The name an operator chose to be shown by, from their username (what the
   * journal's actor, an alarm's owner and a door's manual mode hold): screens
   * name people, not accounts. Undefined for a name that is no operator.
   */
  displayNameOf(username: string): string | undefined {
    return this.ctx.store.operatorByName(username)?.display_name;
  }

  getOperator(id: string): OperatorView {
    return this.ctx.view(this.ctx.operator(id));
  }

  updateOperator(
    id: string,
    patch: { displayName?: string; roles?: string[]; disabled?: boolean },
    actor: Actor,
  ): Promise<OperatorView> {
    const { store } = this.ctx;
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const fields: Partial<OperatorRow> = {};
      if (patch.displayName !== undefined && patch.displayName !== row.display_name) {
        changes.displayName = { from: row.display_name, to: patch.displayName };
        fields.display_name = patch.displayName;
      }
      const oldRoles = rolesOf(row);
      let newRoles = oldRoles;
      if (patch.roles !== undefined) {
        newRoles = checkPersonRoles(patch.roles);
        if (newRoles.join() !== oldRoles.join()) {
          changes.roles = { from: oldRoles, to: newRoles };
          fields.roles = JSON.stringify(newRoles);
        }
      }
      if (isSelf(id, actor)) {
        if (patch.disabled === true && row.disabled === 0)
          throw selfLockout(
            'you cannot disable your own account: your session would end at once. Another administrator can disable it',
          );
        if (oldRoles.includes('admin') && !newRoles.includes('admin'))
          throw selfLockout(
            'you cannot remove your own admin role: you could not give it back. Another administrator can remove it',
          );
      }
      if (patch.disabled !== undefined && (patch.disabled ? 1 : 0) !== row.disabled) {
        changes.disabled = { from: row.disabled === 1, to: patch.disabled };
        fields.disabled = patch.disabled ? 1 : 0;
      }
      const losesAdmin =
        oldRoles.includes('admin') &&
        row.disabled === 0 &&
        (!newRoles.includes('admin') || patch.disabled === true);
      if (losesAdmin && store.countActiveAdmins() <= 1) {
        throw fail(
          'conflict',
          'operator.last-admin',
          'the last active administrator cannot be disabled or lose the admin role',
        );
      }
      if (Object.keys(changes).length === 0) return this.ctx.view(row);
      fields.updated_at = this.ctx.now();
      await this.ctx.record(
        'operator.updated',
        actor,
        { username: row.username, changes },
        operatorSubject(id),
        () => {
          store.updateOperator(id, fields);
          // Disabling ends every session; a role change takes effect on the next request anyway.
          if (fields.disabled === 1) store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  async resetPassword(id: string, password: string, actor: Actor): Promise<OperatorView> {
    const { store } = this.ctx;
    if (isSelf(id, actor))
      throw selfLockout(
        'you cannot reset your own password here: it would end your session. Change it under My account',
      );
    const target = this.ctx.operator(id);
    this.ctx.checkPassword(password, target.username, target.display_name);
    const hash = await hashSecret(password);
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(id);
      const now = this.ctx.now();
      await this.ctx.record(
        'operator.password-reset',
        actor,
        { username: row.username },
        operatorSubject(id),
        () => {
          store.updateOperator(id, {
            password_hash: hash,
            password_changed_at: now,
            must_change_password: 1,
            failed_count: 0,
            locked_until: null,
            updated_at: now,
          });
          store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  /** An administrator removes an operator's second factor (a lost phone); they enrol again at next sign-in. */
  resetSecondFactor(id: string, reason: string, actor: Actor): Promise<OperatorView> {
    const { store } = this.ctx;
    if (isSelf(id, actor))
      return Promise.reject(
        selfLockout(
          'you cannot reset your own second factor here: it would end your session. Replace your authenticator app under My account',
        ),
      );
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(id);
      await this.ctx.record(
        'operator.second-factor-reset',
        actor,
        { username: row.username, reason },
        operatorSubject(id),
        () => {
          store.updateOperator(id, {
            totp_secret: null,
            totp_last_step: null,
            recovery_codes: '[]',
            updated_at: this.ctx.now(),
          });
          store.deleteSessionsOf(id);
        },
      );
      return this.getOperator(id);
    });
  }

  unlock(id: string, actor: Actor): Promise<OperatorView> {
    return this.ctx.serial(async () => {
      const row = this.ctx.operator(id);
      await this.ctx.record('operator.unlocked', actor, { username: row.username }, operatorSubject(id), () =>
        this.ctx.store.updateOperator(id, {
          failed_count: 0,
          failed_window_start: null,
          locked_until: null,
          updated_at: this.ctx.now(),
        }),
      );
      return this.getOperator(id);
    });
  }
}
