import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Logger,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@gatehouse/contracts';
import {
  type Action,
  ApiTokens,
  ROLES,
  rolesFor,
  sameSecret,
  type Principal,
  type RequestContext,
  type Role,
  type SessionStage,
  SignIn,
} from '@gatehouse/auth';
import { Journal } from '@gatehouse/journal';
import { routeConfig } from './route-config';
import type { BackgroundHeader } from '../api/views';

/** Sent by the console on the requests it makes by itself (views.ts, BackgroundHeader). */
export const BACKGROUND_HEADER: BackgroundHeader = 'x-gatehouse-background';

/**
 * Whether a request renews its session: not what the console asks by itself (re-reads after
 * live events, marked by the header), nor the live stream (connecting or its heartbeat's
 * check), or a wall screen nobody watches would never time out.
 */
const renews = (req: FastifyRequest): boolean =>
  req.headers[BACKGROUND_HEADER] === undefined &&
  !String(req.headers.accept ?? '').includes('text/event-stream');

const ROLES_KEY = 'gatehouse:roles';
const PUBLIC_KEY = 'gatehouse:public';
const STAGES_KEY = 'gatehouse:stages';
const PASSWORD_CHANGE_KEY = 'gatehouse:password-change';

export const ACTION_KEY = 'gatehouse:action';

/**
 * Who may call an endpoint: the roles of an action in the permission matrix
 * (libs/auth/src/permissions.ts). An endpoint with neither this nor @Public is
 * refused to everyone. The route's Fastify config carries it too, so callers
 * who are not signed in are refused before their body is read.
 */
export const Allow = (action: Action) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, rolesFor(action)),
    SetMetadata(ACTION_KEY, action),
    routeConfig({ access: 'signed-in', action }),
  );
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), routeConfig({ access: 'public' }));
/**
 * A bare role list, outside the matrix. Kept so that code written against it still compiles;
 * routes.spec.ts fails for any endpoint that uses it instead of @Allow.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const AnyRole = () => SetMetadata(ROLES_KEY, ROLES);
/** Session stages allowed besides a completed sign-in (for the second-factor steps). */
export const AllowStages = (...stages: SessionStage[]) => SetMetadata(STAGES_KEY, stages);
/** Reachable while the operator must still change a password set by someone else. */
export const AllowDuringPasswordChange = () => SetMetadata(PASSWORD_CHANGE_KEY, true);

export const SESSION_COOKIE = 'gh_session';
export const SECURE_SESSION_COOKIE = '__Host-gh_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The credentials were checked (principal is then the caller, or undefined for none). */
    authenticated?: boolean;
    ctx?: RequestContext;
  }
}

export const contextOf = (req: FastifyRequest): RequestContext =>
  (req.ctx ??= {
    address: req.ip,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
    requestId: String(req.id),
  });

/**
 * Deny by default: authenticates from a bearer token or the session cookie,
 * checks CSRF on cookie-authenticated mutations, the session's stage, a pending
 * forced password change and the endpoint's declared roles. Refusals of signed-in
 * callers are journaled.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');
  constructor(
    private readonly reflector: Reflector,
    private readonly signIn: SignIn,
    private readonly tokens: ApiTokens,
    private readonly journal: Journal,
  ) {}

  authenticate(req: FastifyRequest): Principal | undefined {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer (\S+)$/i.exec(header);
      const principal = match ? this.tokens.resolveToken(match[1]!) : null;
      if (!principal)
        throw new DomainError(
          'unauthenticated',
          'auth.invalid-token',
          'the API token is invalid, expired or revoked',
        );
      return principal;
    }
    const cookies = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies ?? {};
    const raw = cookies[SECURE_SESSION_COOKIE] ?? cookies[SESSION_COOKIE];
    return raw ? (this.signIn.resolveSession(raw, renews(req)) ?? undefined) : undefined;
  }

  /** The caller, resolved once per request: the body gate may already have done it before the body was read. */
  principalOf(req: FastifyRequest): Principal | undefined {
    if (req.authenticated) return req.principal;
    req.principal = this.authenticate(req);
    req.authenticated = true;
    return req.principal;
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const ctx = contextOf(req);
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
    let principal: Principal | undefined;
    try {
      principal = this.principalOf(req);
    } catch (error) {
      if (!isPublic) throw error;
    }
    req.principal = principal;
    if (isPublic) return true;
    if (!principal)
      throw new DomainError('unauthenticated', 'auth.required', 'sign in first (session expired or missing)');

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) {
      this.logger.error(`endpoint ${req.method} ${req.routeOptions.url} declares no roles: refused`);
      throw new DomainError('forbidden', 'auth.forbidden', 'this endpoint is not open to anyone');
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        this.deny(principal, ctx, req, 'csrf');
        throw new DomainError(
          'forbidden',
          'auth.csrf',
          'missing or wrong CSRF token (send the X-CSRF-Token header from /auth/session)',
        );
      }
    }
    const stages = this.reflector.getAllAndOverride<SessionStage[] | undefined>(STAGES_KEY, targets) ?? [];
    if (principal.stage !== 'full' && !stages.includes(principal.stage)) {
      throw new DomainError(
        'forbidden',
        principal.stage === 'totp' ? 'auth.second-factor-required' : 'auth.enrollment-required',
        principal.stage === 'totp'
          ? 'enter your second-factor code first'
          : 'set up your second factor first',
      );
    }
    if (
      principal.mustChangePassword &&
      this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_KEY, targets) !== true
    ) {
      throw new DomainError(
        'forbidden',
        'auth.password-change-required',
        'change the password you were given first',
      );
    }
    if (!principal.roles.some((r) => roles.includes(r))) throw this.forbidden(principal, req, roles);
    return true;
  }

  /** The refusal of a caller whose roles do not allow the endpoint, journaled. */
  forbidden(principal: Principal, req: FastifyRequest, roles: readonly Role[]): DomainError {
    this.deny(principal, contextOf(req), req, 'role');
    return new DomainError('forbidden', 'auth.forbidden', 'your role does not allow this', { needs: roles });
  }

  private deny(principal: Principal, ctx: RequestContext, req: FastifyRequest, reason: string): void {
    void this.journal
      .append({
        type: 'auth.access-denied',
        source: 'http',
        actor: {
          kind: principal.kind === 'session' ? 'operator' : 'token',
          id: principal.id,
          name: principal.name,
          address: ctx.address,
          requestId: ctx.requestId,
        },
        payload: { method: req.method, route: String(req.routeOptions.url ?? req.url).slice(0, 200), reason },
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not journal a refusal'));
  }
}
