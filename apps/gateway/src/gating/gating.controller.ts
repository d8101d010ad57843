import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@gatehouse/auth';
import { type Actor, DomainError, plainText } from '@gatehouse/contracts';
import { Allow } from '../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../http/request.decorators';
import { ApiJsonBody, ZodPipe } from '../http/validation';
import { type GatingReply, GatingService } from './gating-service';

// The shared rule for client text: no control characters, trimmed, bounded. These values end up
// in the journal and in operators' views.
const printable = (max: number) => plainText({ max });

const QuestionSchema = z.strictObject({
  account: printable(256).describe('The account logging in (PAM_USER, or DOMAIN\\user)'),
  host: printable(253).optional().describe("The workstation's own name; must be the token's workstation"),
  service: printable(64).optional().describe('PAM_SERVICE (login, sshd, gdm-password) or the logon kind'),
  rhost: printable(253).optional().describe('Where the login comes from (PAM_RHOST)'),
  nonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, - or _')
    .describe(
      'New for every question (96 random bits or more); echoed, and refused as replayed when seen again',
    ),
  time: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .describe(
      "When the client asked, Unix seconds: further than gating.replayWindowSeconds from the gateway's clock, refused as stale",
    ),
});

@ApiTags('gating')
@Controller('api/v1/gating')
export class GatingController {
  private readonly question = new ZodPipe(QuestionSchema);

  constructor(@Inject(GatingService) private readonly gating: GatingService) {}

  @Post('decide')
  @HttpCode(200)
  @Allow('gating.decide')
  @ApiJsonBody(QuestionSchema)
  @ApiOperation({
    summary:
      "A workstation asks whether a login on itself may go ahead: allow, deny or step-up with a reason code (never the person's whereabouts), and what to do when the gateway cannot be reached",
  })
  async decide(
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<GatingReply> {
    // The role is for tokens only; the check stays so that a person could never ask even if given it.
    if (principal.kind !== 'token')
      throw new DomainError('forbidden', 'gating.token-only', 'a workstation asks with its own API token');
    const who = { tokenId: principal.id, tokenName: principal.name, actor };
    // The bucket before the question is validated: malformed questions count against a flood too.
    await this.gating.admit(who);
    return this.gating.decide(this.question.transform(raw), who);
  }

  @Get('status')
  @Allow('gating.status')
  @ApiOperation({ summary: 'Login gating: whether it is on, and questions answered by reason' })
  status() {
    return { enabled: this.gating.enabled, counters: this.gating.counters() };
  }
}
