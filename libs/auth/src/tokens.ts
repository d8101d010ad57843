import type { Actor } from '@gatehouse/contracts';
import { type AuthContext, checkRoles, fail, iso, TOUCH_EVERY_MS } from './auth-context';
import { randomToken, sameSecret, sha256 } from './secrets';
import { rolesOf, type TokenRow } from './store';
import type { Principal, TokenView } from './types';

const TOKEN_PREFIX = 'ghk';
const TOKEN_PATTERN = /^ghk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const tokenView = (row: TokenRow): TokenView => ({
  id: row.id,
  name: row.name,
  roles: rolesOf(row),
  createdBy: row.created_by,
  createdAt: iso(row.created_at)!,
  expiresAt: iso(row.expires_at)!,
  revokedAt: iso(row.revoked_at),
  lastUsedAt: iso(row.last_used_at),
});

/** API tokens for machines: created (the secret shown once), listed, revoked, and resolved from a bearer value. */
export class ApiTokens {
  constructor(private readonly ctx: AuthContext) {}

  async createToken(
    input: { name: string; roles: string[]; expiresInDays: number },
    actor: Actor,
  ): Promise<{ token: string; view: TokenView }> {
    const { settings } = this.ctx;
    const roles = checkRoles(input.roles);
    // A workstation's token is bound to that workstation by its name and asks one question:
    // with another role beside it, a token stolen from a desk would open more than that desk.
    if (roles.includes('workstation') && roles.length > 1)
      throw fail(
        'invalid',
        'token.workstation-alone',
        'a workstation token holds the workstation role alone',
      );
    if (input.expiresInDays < 1 || input.expiresInDays > settings.tokenMaxDays) {
      throw fail('invalid', 'token.bad-expiry', `a token lives 1 to ${settings.tokenMaxDays} days`);
    }
    const id = randomToken(9)
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, 12);
    const secret = randomToken(32);
    const now = this.ctx.now();
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
    await this.ctx.record(
      'token.created',
      actor,
      { tokenId: id, name: input.name, roles, expiresAt: iso(row.expires_at) },
      [],
      () => this.ctx.store.insertToken(row),
    );
    return { token: `${TOKEN_PREFIX}_${id}_${secret}`, view: tokenView(row) };
  }

  listTokens(): TokenView[] {
    return this.ctx.store.listTokens().map(tokenView);
  }

  revokeToken(id: string, actor: Actor): Promise<TokenView> {
    const { store } = this.ctx;
    return this.ctx.serial(async () => {
      const row = store.tokenById(id);
      if (!row) throw fail('not-found', 'token.not-found', 'no such token');
      // The machine would lose its access in the middle of its own request, with nothing to undo it.
      if (actor.kind === 'token' && actor.id === id)
        throw fail(
          'conflict',
          'token.self-revoke',
          'a token cannot revoke itself: revoke it from the console or with another token',
        );
      if (row.revoked_at === null) {
        await this.ctx.record('token.revoked', actor, { tokenId: id, name: row.name }, [], () =>
          store.revokeToken(id, this.ctx.now()),
        );
      }
      return tokenView(store.tokenById(id)!);
    });
  }

  /** The token behind a bearer value, or null when malformed, unknown, revoked or expired. */
  resolveToken(raw: string): Principal | null {
    const { store } = this.ctx;
    const match = TOKEN_PATTERN.exec(raw);
    if (!match) return null;
    const row = store.tokenById(match[1]!);
    if (!row || row.revoked_at !== null) return null;
    const now = this.ctx.now();
    if (row.expires_at <= now) return null;
    if (!sameSecret(sha256(match[2]!).toString('hex'), row.secret_hash.toString('hex'))) return null;
    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_EVERY_MS)
      this.ctx.touch(`token:${row.id}`, () => store.touchToken(row.id, now));
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
