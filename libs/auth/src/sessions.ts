import { type AuthContext, TOUCH_EVERY_MS } from './auth-context';
import { randomToken, sha256 } from './secrets';
import { rolesOf, type OperatorRow, type SessionRow } from './store';
import type { LoginResult, Principal, RequestContext, SessionStage } from './types';

/** A session still waiting for its second factor lives this long. */
const PENDING_SESSION_MS = 5 * 60_000;

/** A new session's row (written by the caller's change) and the raw values only the client gets. */
export const newSession = (
  ctx: AuthContext,
  operatorId: string,
  stage: SessionStage,
  request: RequestContext,
  now: number,
) => {
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
      stage === 'full' ? now + ctx.settings.sessionAbsoluteHours * 3_600_000 : now + PENDING_SESSION_MS,
    address: request.address.slice(0, 100),
    user_agent: request.userAgent.slice(0, 300),
    pending_totp_secret: null,
  };
  return { sessionId, csrfToken, row };
};

export const principalOf = (row: OperatorRow, stage: SessionStage, session?: SessionRow): Principal => ({
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
});

/** The session behind a cookie value, or null when unknown, idle too long or past its absolute end. */
/**
 * The session behind a cookie value, or null when unknown, idle too long or past its absolute end.
 * `renew` false: a request the console makes by itself (a re-read after a live event) keeps the
 * session without renewing it, so only a person at the screen keeps it alive.
 */
export const resolveSession = (ctx: AuthContext, rawId: string, renew = true): Principal | null => {
  const { store, settings } = ctx;
  if (!/^[A-Za-z0-9_-]{43}$/.test(rawId)) return null;
  const key = sha256(rawId);
  const session = store.sessionByHash(key);
  if (!session) return null;
  const now = ctx.now();
  const idleMs = session.stage === 'full' ? settings.sessionIdleMinutes * 60_000 : PENDING_SESSION_MS;
  if (session.expires_at <= now || now - session.last_seen_at > idleMs) {
    store.deleteSession(key);
    return null;
  }
  const row = store.operatorById(session.operator_id);
  if (!row || row.disabled === 1) {
    store.deleteSession(key);
    return null;
  }
  const touched = renew && now - session.last_seen_at >= TOUCH_EVERY_MS;
  if (touched) ctx.touch(`session:${key.toString('hex')}`, () => store.touchSession(key, now));
  // A role that now requires a second factor (a new role, a stricter profile) applies to running sessions too.
  const stage =
    session.stage === 'full' && row.totp_secret === null && ctx.totpRequired(rolesOf(row))
      ? 'enroll'
      : session.stage;
  const ends = { at: session.expires_at, idleAt: (touched ? now : session.last_seen_at) + idleMs };
  return { ...principalOf(row, stage, session), ends };
};

/** Replaces a session by a full one under a new id (no session fixation across a privilege change). */
export const rotateSession = (
  ctx: AuthContext,
  principal: Principal,
  request: RequestContext,
  now: number,
) => {
  const next = newSession(ctx, principal.id, 'full', request, now);
  const write = () => {
    ctx.store.deleteSession(principal.sessionKey!);
    ctx.store.insertSession(next.row);
  };
  const result = (): LoginResult => ({
    sessionId: next.sessionId,
    csrfToken: next.csrfToken,
    stage: 'full',
    operator: ctx.view(ctx.operator(principal.id)),
  });
  return { write, result };
};
