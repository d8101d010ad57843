import type { Statement } from 'better-sqlite3';
import type { Db } from '@gatehouse/storage';
import type { Role } from './roles';
import type { SessionStage } from './types';

export interface OperatorRow {
  id: string;
  username: string;
  display_name: string;
  roles: string;
  password_hash: string;
  password_changed_at: number;
  must_change_password: number;
  totp_secret: string | null;
  totp_last_step: number | null;
  recovery_codes: string;
  disabled: number;
  failed_count: number;
  failed_window_start: number | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionRow {
  id_hash: Buffer;
  operator_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  address: string;
  user_agent: string;
  pending_totp_secret: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  secret_hash: Buffer;
  roles: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

/**
 * What auth needs from storage. The SQLite implementation below is synchronous
 * (better-sqlite3); a PostgreSQL adapter implements the same operations.
 */
export type AuthRepository = Omit<AuthStore, 'db'>;

export const rolesOf = (row: { roles: string }): Role[] => JSON.parse(row.roles) as Role[];

/**
 * Everything auth keeps, behind one interface so a PostgreSQL adapter can
 * replace it. Reads here are small indexed lookups: they stay on the main thread.
 */
export class AuthStore {
  constructor(readonly db: Db) {}

  /**
   * Statements are compiled once per store, not per call: every API request resolves a
   * session or a token here, and compiling the SQL cost more than running it (the gating
   * bench found token resolution at ~0.5 ms a question under load).
   */
  private readonly statements = new Map<string, Statement<unknown[]>>();
  private sql(text: string): Statement<unknown[]> {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  countOperators(): number {
    return this.sql('SELECT count(*) FROM operators').pluck().get() as number;
  }
  countActiveAdmins(): number {
    return (this.sql('SELECT roles FROM operators WHERE disabled = 0').all() as { roles: string }[]).filter(
      (r) => rolesOf(r).includes('admin'),
    ).length;
  }
  operatorById(id: string): OperatorRow | undefined {
    return this.sql('SELECT * FROM operators WHERE id = ?').get(id) as OperatorRow | undefined;
  }
  operatorByName(username: string): OperatorRow | undefined {
    return this.sql('SELECT * FROM operators WHERE username = ?').get(username) as OperatorRow | undefined;
  }
  listOperators(): OperatorRow[] {
    return this.sql('SELECT * FROM operators ORDER BY username').all() as OperatorRow[];
  }
  insertOperator(row: OperatorRow): void {
    this.db
      .prepare(
        `INSERT INTO operators (id, username, display_name, roles, password_hash, password_changed_at, must_change_password,
          totp_secret, totp_last_step, recovery_codes, disabled, failed_count, failed_window_start, locked_until, created_at, updated_at)
         VALUES (@id, @username, @display_name, @roles, @password_hash, @password_changed_at, @must_change_password,
          @totp_secret, @totp_last_step, @recovery_codes, @disabled, @failed_count, @failed_window_start, @locked_until, @created_at, @updated_at)`,
      )
      .run(row);
  }
  updateOperator(id: string, fields: Partial<Omit<OperatorRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE operators SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...fields, id });
  }

  insertSession(row: SessionRow): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id_hash, operator_id, stage, csrf_token, created_at, last_seen_at, expires_at, address, user_agent, pending_totp_secret)
         VALUES (@id_hash, @operator_id, @stage, @csrf_token, @created_at, @last_seen_at, @expires_at, @address, @user_agent, @pending_totp_secret)`,
      )
      .run(row);
  }
  sessionByHash(hash: Buffer): SessionRow | undefined {
    return this.sql('SELECT * FROM sessions WHERE id_hash = ?').get(hash) as SessionRow | undefined;
  }
  touchSession(hash: Buffer, at: number): void {
    this.sql('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(at, hash);
  }
  setPendingTotp(hash: Buffer, sealed: string | null): void {
    this.sql('UPDATE sessions SET pending_totp_secret = ? WHERE id_hash = ?').run(sealed, hash);
  }
  deleteSession(hash: Buffer): void {
    this.sql('DELETE FROM sessions WHERE id_hash = ?').run(hash);
  }
  deleteSessionsOf(operatorId: string, except?: Buffer): number {
    return except
      ? this.sql('DELETE FROM sessions WHERE operator_id = ? AND id_hash != ?').run(operatorId, except)
          .changes
      : this.sql('DELETE FROM sessions WHERE operator_id = ?').run(operatorId).changes;
  }
  deleteExpiredSessions(now: number, idleMs: number): number {
    return this.db
      .prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?')
      .run(now, now - idleMs).changes;
  }

  addressFailures(address: string): { count: number; window_start: number } | undefined {
    return this.db
      .prepare('SELECT count, window_start FROM address_failures WHERE address = ?')
      .get(address) as { count: number; window_start: number } | undefined;
  }
  setAddressFailures(address: string, count: number, windowStart: number): void {
    this.db
      .prepare(
        'INSERT INTO address_failures (address, count, window_start) VALUES (?, ?, ?) ON CONFLICT(address) DO UPDATE SET count = excluded.count, window_start = excluded.window_start',
      )
      .run(address, count, windowStart);
  }
  clearAddressFailures(address: string): void {
    this.sql('DELETE FROM address_failures WHERE address = ?').run(address);
  }

  insertToken(row: TokenRow): void {
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, name, secret_hash, roles, created_by, created_at, expires_at, revoked_at, last_used_at)
         VALUES (@id, @name, @secret_hash, @roles, @created_by, @created_at, @expires_at, @revoked_at, @last_used_at)`,
      )
      .run(row);
  }
  tokenById(id: string): TokenRow | undefined {
    return this.sql('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined;
  }
  listTokens(): TokenRow[] {
    return this.sql('SELECT * FROM api_tokens ORDER BY created_at DESC').all() as TokenRow[];
  }
  revokeToken(id: string, at: number): void {
    this.sql('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
  }
  touchToken(id: string, at: number): void {
    this.sql('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  bootstrapToken(): { token_hash: Buffer; expires_at: number } | undefined {
    return this.sql('SELECT token_hash, expires_at FROM bootstrap_tokens WHERE id = 1').get() as
      { token_hash: Buffer; expires_at: number } | undefined;
  }
  setBootstrapToken(hash: Buffer, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT INTO bootstrap_tokens (id, token_hash, expires_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash, expires_at = excluded.expires_at',
      )
      .run(hash, expiresAt);
  }
  clearBootstrapToken(): void {
    this.sql('DELETE FROM bootstrap_tokens').run();
  }
}
