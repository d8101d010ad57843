import type { FastifyReply } from 'fastify';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../http/auth.guard';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other
 * site sends it), and under TLS Secure with the __Host- prefix (no subdomain or
 * plain-HTTP page can set or read it). No Max-Age: the server enforces the
 * idle and absolute time-outs.
 */
export class SessionCookie {
  constructor(private readonly tls: boolean) {}

  set(reply: FastifyReply, sessionId: string): void {
    void reply.setCookie(this.tls ? SECURE_SESSION_COOKIE : SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.tls,
      path: '/',
    });
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.tls ? SECURE_SESSION_COOKIE : SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: this.tls,
    });
  }
}
