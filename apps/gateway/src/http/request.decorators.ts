import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorOf, type Principal } from '@gatehouse/auth';
import type { Actor } from '@gatehouse/contracts';
import { contextOf } from './auth.guard';

/** The authenticated caller (the guard has run; undefined only on public endpoints). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined => {
    return ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  },
);

/** Address, user agent and request id of the call. */
export const RequestCtx = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  contextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** Who to write into the journal for this request. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return actorOf(req.principal, contextOf(req));
});
