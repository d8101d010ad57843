import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ApiTokens,
  MAX_PASSWORD_LENGTH,
  Operators,
  PERSON_ROLES,
  ROLES,
  type TokenView,
} from '@gatehouse/auth';
import { type Actor, DomainError, patchOf, plainText, reasonText } from '@gatehouse/contracts';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import type { TokenCreated } from './views';

const role = z.enum(ROLES as [string, ...string[]]);
// A login agent's role is for its API token; a person signing in never holds it.
const personRole = z.enum(PERSON_ROLES as [string, ...string[]]);
const CreateOperator = z.strictObject({
  username: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'must be letters, digits and . _ @ - only'),
  displayName: plainText({ max: 100 }),
  roles: z.array(personRole).min(1).max(6),
  password: z
    .string()
    .min(1)
    .max(MAX_PASSWORD_LENGTH)
    .describe('Initial password; the operator must change it at first sign-in'),
});
const UpdateOperator = patchOf(
  CreateOperator.pick({ displayName: true, roles: true }).extend({ disabled: z.boolean() }),
);
const ResetSecondFactor = z.strictObject({
  reason: reasonText.describe(
    "Why (lost phone, left the company): journaled in clear with the operator's user name, so name no one else",
  ),
});
const ResetPassword = z.strictObject({ password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
const CreateToken = z.strictObject({
  name: plainText({ max: 100 }),
  roles: z.array(role).min(1).max(6),
  expiresInDays: z.number().int().min(1).max(3650),
});

/** Ids are UUIDs (operators) or 12 alphanumerics (tokens); anything else cannot exist, so it is a 404 before any lookup. */
const checkId = (id: string, pattern: RegExp, what: string): string => {
  if (!pattern.test(id)) throw new DomainError('not-found', `${what}.not-found`, `no such ${what}`);
  return id;
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN_ID = /^[A-Za-z0-9]{12}$/;

@ApiTags('operators')
@Controller('api/v1/operators')
export class OperatorsController {
  constructor(private readonly operators: Operators) {}

  @Get()
  @Allow('operators.read')
  @ApiOperation({ summary: 'All operators with their roles and state' })
  list() {
    return { items: this.operators.listOperators() };
  }

  @Get(':id')
  @Allow('operators.read')
  get(@Param('id') id: string) {
    return this.operators.getOperator(checkId(id, UUID, 'operator'));
  }

  @Post()
  @Allow('operators.write')
  @ApiOperation({ summary: 'Create an operator' })
  @ApiJsonBody(CreateOperator)
  create(@Body(zod(CreateOperator)) body: z.infer<typeof CreateOperator>, @CurrentActor() actor: Actor) {
    return this.operators.createOperator(body, actor);
  }

  @Patch(':id')
  @Allow('operators.write')
  @ApiOperation({ summary: 'Change display name, roles, or disable/enable' })
  @ApiJsonBody(UpdateOperator)
  update(
    @Param('id') id: string,
    @Body(zod(UpdateOperator)) body: z.infer<typeof UpdateOperator>,
    @CurrentActor() actor: Actor,
  ) {
    return this.operators.updateOperator(checkId(id, UUID, 'operator'), body, actor);
  }

  @Post(':id/password')
  @Allow('operators.write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a temporary password (to be changed at next sign-in) and end their sessions',
  })
  @ApiJsonBody(ResetPassword)
  resetPassword(
    @Param('id') id: string,
    @Body(zod(ResetPassword)) body: z.infer<typeof ResetPassword>,
    @CurrentActor() actor: Actor,
  ) {
    return this.operators.resetPassword(checkId(id, UUID, 'operator'), body.password, actor);
  }

  @Post(':id/second-factor/reset')
  @Allow('operators.write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remove the second factor (lost phone), with the reason journaled; the operator enrols again',
  })
  @ApiJsonBody(ResetSecondFactor)
  resetSecondFactor(
    @Param('id') id: string,
    @Body(zod(ResetSecondFactor)) body: z.infer<typeof ResetSecondFactor>,
    @CurrentActor() actor: Actor,
  ) {
    return this.operators.resetSecondFactor(checkId(id, UUID, 'operator'), body.reason, actor);
  }

  @Post(':id/unlock')
  @Allow('operators.write')
  @HttpCode(200)
  unlock(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.operators.unlock(checkId(id, UUID, 'operator'), actor);
  }
}

@ApiTags('tokens')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokens) {}

  @Get()
  @Allow('operators.read')
  list(): { items: TokenView[] } {
    return { items: this.tokens.listTokens() };
  }

  @Post()
  @Allow('operators.write')
  @ApiOperation({ summary: 'Create an API token for a machine; the token is shown in this answer only' })
  @ApiJsonBody(CreateToken)
  create(
    @Body(zod(CreateToken)) body: z.infer<typeof CreateToken>,
    @CurrentActor() actor: Actor,
  ): Promise<TokenCreated> {
    return this.tokens.createToken(body, actor);
  }

  @Post(':id/revoke')
  @Allow('operators.write')
  @HttpCode(200)
  revoke(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.tokens.revokeToken(checkId(id, TOKEN_ID, 'token'), actor);
  }
}
