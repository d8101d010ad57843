import {
  type Actor,
  type Clock,
  DomainError,
  type JournalEntry,
  type JournalEntryInput,
} from '@gatehouse/contracts';
import { isLocked, lockoutPolicy, type LockoutPolicy } from './lockout';
import { passwordProblems } from './password';
import { isRole, PERSON_ROLES, type Role } from './roles';
import type { SecretBox } from './secret-box';
import { rolesOf, type AuthRepository, type OperatorRow } from './store';
import type { OperatorView } from './types';

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

/** last_seen_at and last_used_at are written at most this often: a write per request would cost an fsync each. */
export const TOUCH_EVERY_MS = 15_000;

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const fail = (
  kind: ConstructorParameters<typeof DomainError>[0],
  code: string,
  message: string,
  details = {},
) => new DomainError(kind, code, message, details);
export const usernameTaken = (name: string) =>
  fail('conflict', 'operator.username-taken', `user name ${name} is taken`);
export const operatorSubject = (id: string) => [{ kind: 'operator' as const, id }];

export const checkRoles = (roles: readonly string[]): Role[] => {
  const bad = roles.filter((r) => !isRole(r));
  if (roles.length === 0 || bad.length > 0) {
    throw fail(
      'invalid',
      'auth.bad-roles',
      bad.length ? `unknown roles: ${bad.join(', ')}` : 'at least one role is needed',
    );
  }
  return [...new Set(roles)] as Role[];
};

/** An operator's roles: a machine's role (a login agent's) is for API tokens, never for a person. */
export const checkPersonRoles = (roles: readonly string[]): Role[] => {
  const checked = checkRoles(roles);
  const machine = checked.filter((r) => !PERSON_ROLES.includes(r));
  if (machine.length > 0)
    throw fail('invalid', 'auth.bad-roles', `${machine.join(', ')} is for API tokens, not for operators`);
  return checked;
};

/**
 * What the three parts of auth (operators, sign-in, API tokens) share: one
 * store, one journal, one clock, and one queue for their changes. Every change
 * and every security-relevant refusal is journaled with who did it and from
 * where; each change is written by its entry's effect, in the entry's
 * transaction, so neither exists without the other.
 */
export class AuthContext {
  readonly lockout: LockoutPolicy;
  /**
   * Changes are decided on state read before their entry commits: they run one
   * at a time, across all three parts, so two requests cannot both read the same
   * failure count, the same unused code or the same last administrator. Slow
   * hashing stays outside.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /** Sessions and tokens whose "last seen" write is already waiting for the next group commit. */
  private readonly pendingTouches = new Set<string>();

  constructor(
    readonly store: AuthRepository,
    readonly journal: JournalWriter,
    readonly clock: Clock,
    readonly settings: AuthSettings,
    readonly secrets: SecretBox,
  ) {
    this.lockout = lockoutPolicy(settings);
  }

  now(): number {
    return this.clock.now().getTime();
  }

  serial<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * "Last seen" and "last used" are bookkeeping, not state changes: they ride the
   * journal's next group commit instead of a write of their own on the event
   * loop, which would wait on the write lock while an import commits.
   */
  touch(key: string, write: () => void): void {
    if (!this.journal.alongside) return write();
    if (this.pendingTouches.has(key)) return;
    this.pendingTouches.add(key);
    this.journal.alongside(() => {
      this.pendingTouches.delete(key);
      write();
    });
  }

  /** Journals an entry; `change`, when given, writes what it records in the same transaction. */
  async record(
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

  operator(id: string): OperatorRow {
    const row = this.store.operatorById(id);
    if (!row) throw fail('not-found', 'operator.not-found', 'no such operator');
    return row;
  }

  totpRequired(roles: readonly Role[]): boolean {
    return roles.some((r) => this.settings.totpRequiredRoles.includes(r));
  }

  view(row: OperatorRow): OperatorView {
    const roles = rolesOf(row);
    const now = this.now();
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles,
      disabled: row.disabled === 1,
      totpEnrolled: row.totp_secret !== null,
      totpRequired: this.totpRequired(roles),
      mustChangePassword: row.must_change_password === 1,
      lockedUntil: isLocked(row.locked_until, now) ? iso(row.locked_until) : null,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  checkPassword(password: string, username: string, displayName: string): void {
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
}
