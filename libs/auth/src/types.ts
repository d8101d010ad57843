import type { Actor } from '@gatehouse/contracts';
import type { Role } from './roles';

export type SessionStage = 'full' | 'totp' | 'enroll';

/** An operator as the API shows it: no hashes, no secrets. */
export interface OperatorView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  totpEnrolled: boolean;
  totpRequired: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LoginResult {
  /** Raw session id for the cookie; only the caller ever sees it. */
  sessionId: string;
  stage: SessionStage;
  csrfToken: string;
  operator: OperatorView;
}

/** Who is making a request, resolved from a session cookie or a bearer token. */
export interface Principal {
  kind: 'session' | 'token';
  /** Operator id for sessions; token id for tokens. */
  id: string;
  name: string;
  roles: Role[];
  stage: SessionStage;
  mustChangePassword: boolean;
  csrfToken?: string;
  sessionKey?: Buffer;
  pendingTotpSecret?: string | null;
  /**
   * The password was not checked moments ago (a signed-in session rather than
   * one still completing its sign-in): changing the second factor asks for it.
   */
  reauthenticate?: boolean;
  /** A session's ends (epoch ms): its absolute limit, and when it idles out unless renewed. */
  ends?: { at: number; idleAt: number };
}

export interface RequestContext {
  address: string;
  userAgent: string;
  requestId: string;
}

export interface TokenView {
  id: string;
  name: string;
  roles: Role[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const actorOf = (principal: Principal | undefined, ctx: RequestContext): Actor =>
  principal
    ? {
        kind: principal.kind === 'session' ? 'operator' : 'token',
        id: principal.id,
        name: principal.name,
        address: ctx.address,
        requestId: ctx.requestId,
      }
    : { kind: 'anonymous', address: ctx.address, requestId: ctx.requestId };
