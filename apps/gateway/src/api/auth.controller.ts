import { Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import {
  BOOTSTRAP_PREFIX,
  BOOTSTRAP_TOKEN_LENGTH,
  BOOTSTRAP_TOKEN_PATTERN,
  MAX_PASSWORD_LENGTH,
  Operators,
  permissionsOf,
  visibleCategories,
  type LoginResult,
  type Principal,
  type RequestContext,
  SignIn,
} from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import { DomainError, GATEHOUSE_CONFIG, plainText } from '@gatehouse/contracts';
import { Allow, AllowDuringPasswordChange, AllowStages, Public } from '../http/auth.guard';
import { CurrentPrincipal, RequestCtx } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import { Accepts } from '../http/route-config';
import { SessionCookie } from './session-cookie';
import type {
  BootstrapAnswer,
  BootstrapState,
  EnrollmentConfirmed,
  EnrollmentStart,
  Permissions,
  SessionView,
  SignInAnswer,
} from './views';

/** What anyone may send without signing in is small: a user name and a password fit in far less. */
const PUBLIC_BODY_MAX_BYTES = 8 * 1024;

const username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'must be letters, digits and . _ @ - only');
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const LoginBody = z.strictObject({ username: z.string().min(1).max(64), password });
const SecondFactorBody = z
  .strictObject({
    code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    recoveryCode: z.string().min(8).max(20).optional(),
  })
  .refine(
    (b) => (b.code === undefined) !== (b.recoveryCode === undefined),
    'send either code or recoveryCode',
  );
/** A signed-in session proves the operator again; see SignIn.beginEnrollment. */
const EnrollmentBody = z
  .strictObject({
    currentPassword: password.optional(),
    code: z
      .string()
      .regex(/^\d{6}$/, 'must be the six digits your authenticator app shows')
      .optional(),
    recoveryCode: z.string().min(8).max(20).optional(),
  })
  .refine((b) => b.code === undefined || b.recoveryCode === undefined, 'send code or recoveryCode, not both');
const ConfirmBody = z.strictObject({
  code: z.string().regex(/^\d{6}$/, 'must be the six digits your authenticator app shows'),
});
const PasswordBody = z.strictObject({ currentPassword: password, newPassword: password });
/** Said in words when the token is not even of the right shape (a part missed when copying it, a space inside). */
export const BOOTSTRAP_TOKEN_WORDS = `must be the ${BOOTSTRAP_TOKEN_LENGTH}-character code starting with "${BOOTSTRAP_PREFIX}" that the gateway printed when it started (in its start banner); copy it whole`;
export const BootstrapBody = z.strictObject({
  token: z.string().trim().regex(BOOTSTRAP_TOKEN_PATTERN, BOOTSTRAP_TOKEN_WORDS),
  username,
  displayName: plainText({ max: 100 }),
  password,
});

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly signIn: SignIn,
    private readonly operators: Operators,
    @Inject(SessionCookie) private readonly cookie: SessionCookie,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  /** Sets the new session cookie and answers with what the console needs next. */
  private issue(reply: FastifyReply, result: LoginResult): SignInAnswer {
    this.cookie.set(reply, result.sessionId);
    return { stage: result.stage, csrfToken: result.csrfToken, operator: result.operator };
  }

  private sessionView(principal: Principal): SessionView {
    const operator = principal.kind === 'session' ? this.operators.getOperator(principal.id) : undefined;
    return {
      kind: principal.kind,
      name: principal.name,
      stage: principal.stage,
      roles: principal.roles,
      mustChangePassword: principal.mustChangePassword,
      reauthenticate: principal.reauthenticate === true,
      csrfToken: principal.csrfToken ?? null,
      visibleCategories: visibleCategories(principal.roles) ?? 'all',
      operator,
      endsAt: principal.ends ? new Date(principal.ends.at).toISOString() : null,
      idleEndsAt: principal.ends ? new Date(principal.ends.idleAt).toISOString() : null,
      site: { name: this.config.site.name, timeZone: this.config.site.timeZone },
    };
  }

  @Get('bootstrap')
  @Public()
  @ApiOperation({ summary: 'Whether the first administrator still has to be created' })
  bootstrapState(): BootstrapState {
    return this.operators.bootstrapPending()
      ? { pending: true, token: { length: BOOTSTRAP_TOKEN_LENGTH, prefix: BOOTSTRAP_PREFIX } }
      : { pending: false };
  }

  @Post('bootstrap')
  @Public()
  @Accepts(['application/json'], PUBLIC_BODY_MAX_BYTES)
  @ApiOperation({ summary: 'Create the first administrator with the one-time token printed at first start' })
  @ApiJsonBody(BootstrapBody)
  async bootstrap(
    @Body(zod(BootstrapBody)) body: z.infer<typeof BootstrapBody>,
    @RequestCtx() ctx: RequestContext,
  ): Promise<BootstrapAnswer> {
    const { token, ...operator } = body;
    return { operator: await this.operators.bootstrap(token, operator, ctx) };
  }

  @Post('login')
  @Public()
  @Accepts(['application/json'], PUBLIC_BODY_MAX_BYTES)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with user name and password; the answer says whether a second factor follows',
  })
  @ApiJsonBody(LoginBody)
  async login(
    @Body(zod(LoginBody)) body: z.infer<typeof LoginBody>,
    @RequestCtx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SignInAnswer> {
    return this.issue(reply, await this.signIn.login(body.username, body.password, ctx));
  }

  @Post('second-factor')
  @Allow('account.self')
  @AllowStages('totp')
  @AllowDuringPasswordChange()
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete sign-in with a TOTP code or a one-time recovery code' })
  @ApiJsonBody(SecondFactorBody)
  async secondFactor(
    @Body(zod(SecondFactorBody)) body: z.infer<typeof SecondFactorBody>,
    @CurrentPrincipal() principal: Principal,
    @RequestCtx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SignInAnswer> {
    return this.issue(reply, await this.signIn.verifySecondFactor(principal, body, ctx));
  }

  @Post('enrollment')
  @Allow('account.self')
  @AllowStages('enroll')
  @AllowDuringPasswordChange()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Start second-factor enrolment: a new TOTP secret and its QR code. A signed-in session sends currentPassword, and to replace an existing factor also a current code or a recovery code',
  })
  @ApiJsonBody(EnrollmentBody)
  async beginEnrollment(
    @Body(zod(EnrollmentBody)) body: z.infer<typeof EnrollmentBody>,
    @CurrentPrincipal() principal: Principal,
    @RequestCtx() ctx: RequestContext,
  ): Promise<EnrollmentStart> {
    const { secret, uri } = await this.signIn.beginEnrollment(principal, body, ctx);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1 });
    return { secret, uri, qrSvg };
  }

  @Post('enrollment/confirm')
  @Allow('account.self')
  @AllowStages('enroll')
  @AllowDuringPasswordChange()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm enrolment with a code from the authenticator; returns recovery codes once',
  })
  @ApiJsonBody(ConfirmBody)
  async confirmEnrollment(
    @Body(zod(ConfirmBody)) body: z.infer<typeof ConfirmBody>,
    @CurrentPrincipal() principal: Principal,
    @RequestCtx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnrollmentConfirmed> {
    const result = await this.signIn.confirmEnrollment(principal, body.code, ctx);
    return { ...this.issue(reply, result), recoveryCodes: result.recoveryCodes };
  }

  @Get('session')
  @Allow('account.self')
  @AllowStages('totp', 'enroll')
  @AllowDuringPasswordChange()
  @ApiOperation({ summary: 'Who is signed in, at which stage, with the CSRF token for mutations' })
  session(@CurrentPrincipal() principal: Principal): SessionView {
    return this.sessionView(principal);
  }

  @Post('session/renew')
  @Allow('account.self')
  @AllowDuringPasswordChange()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Keep this session alive while its operator is at the screen (the console calls it on keys, pointer or touch); answers the session with its new idle end',
  })
  renew(@CurrentPrincipal() principal: Principal): SessionView {
    // The request itself renewed the session (AuthGuard); not journaled: like "last seen", it is bookkeeping.
    if (principal.kind !== 'session')
      throw new DomainError('invalid', 'auth.not-a-session', 'tokens do not idle out; nothing to renew');
    return this.sessionView(principal);
  }

  @Get('permissions')
  @Allow('account.self')
  @AllowDuringPasswordChange()
  @ApiOperation({
    summary: 'What your roles may do (actions) and which cardholder fields they show (docs/permissions.md)',
  })
  permissions(@CurrentPrincipal() principal: Principal): Permissions {
    return permissionsOf(principal.roles);
  }

  @Post('password')
  @Allow('account.self')
  @AllowDuringPasswordChange()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password (ends your other sessions)' })
  @ApiJsonBody(PasswordBody)
  async changePassword(
    @Body(zod(PasswordBody)) body: z.infer<typeof PasswordBody>,
    @CurrentPrincipal() principal: Principal,
    @RequestCtx() ctx: RequestContext,
  ) {
    await this.signIn.changeOwnPassword(principal, body.currentPassword, body.newPassword, ctx);
  }

  @Post('logout')
  @Allow('account.self')
  @AllowStages('totp', 'enroll')
  @AllowDuringPasswordChange()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  async logout(
    @CurrentPrincipal() principal: Principal,
    @RequestCtx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (principal.kind !== 'session')
      throw new DomainError('invalid', 'auth.not-a-session', 'tokens are revoked, not logged out');
    await this.signIn.logout(principal, ctx);
    this.cookie.clear(reply);
  }
}
