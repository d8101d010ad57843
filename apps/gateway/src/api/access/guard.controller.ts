import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AccessDecisions,
  DECISION_REASON_WORDS,
  DOOR_MODES,
  type DoorState,
  GuardActions,
  type PresenceRow,
} from '@gatehouse/access';
import { Operators } from '@gatehouse/auth';
import { type Actor, DomainError, isoInstant, parseIsoInstant, reasonText } from '@gatehouse/contracts';
import { Allow } from '../../http/auth.guard';
import { CurrentActor } from '../../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, zod } from '../../http/validation';
import type {
  DoorStates,
  Items,
  SimulatedDecision,
  SiteOverrideView,
  UnlockAccepted,
  WhoCanOpen,
} from '../views';
import { operatorName } from '../operator-names';
import { checkId } from './records.controller';

/** A door's reason is the site's record, kept in clear (README, "Free text written by operators"). */
const doorReason = reasonText.describe("Why: journaled in clear as the site's record, so name no person");
const Reason = z.strictObject({ reason: doorReason });
const ModeBody = z.strictObject({
  mode: z
    .enum(['locked', 'card-only', 'card-and-pin', 'unlocked'])
    .nullable()
    .describe('null returns the door to its normal mode'),
  until: isoInstant
    .nullable()
    .default(null)
    .describe('ISO time when the mode ends by itself; null: until changed'),
  reason: doorReason,
});
const LockdownBody = z.strictObject({
  kind: z.enum(['lockdown', 'emergency']).default('lockdown'),
  doors: z.union([z.literal('all'), z.array(z.string().max(64)).min(1).max(2000)]).default('all'),
  reason: doorReason,
});
const ForgiveBody = z.strictObject({
  cardholderId: z.string().max(64).nullable().describe('null forgives everyone'),
  reason: reasonText.describe(
    "Why: sealed under the person's key when one is named; in clear when forgiving everyone, so name no person then",
  ),
});
const SimulateBody = z.strictObject({
  readerId: z.string().min(1).max(64),
  format: z.string().min(1).max(20),
  number: z.string().min(1).max(64),
  at: isoInstant.optional(),
  pin: z.enum(['ok', 'wrong', 'duress']).optional(),
});
const AtQuery = z.strictObject({ at: isoInstant.optional() });
const at = (v?: string | null): number | null => {
  if (!v) return null;
  const ms = parseIsoInstant(v);
  if (ms === null)
    throw new DomainError('invalid', 'request.bad-time', `"${v.slice(0, 40)}" is not an ISO 8601 time`);
  return ms;
};

@ApiTags('guard')
@Controller('api/v1/access')
export class GuardController {
  constructor(
    private readonly guard: GuardActions,
    private readonly decisions: AccessDecisions,
    private readonly operators: Operators,
  ) {}

  @Get('door-states')
  @Allow('site.read')
  @ApiOperation({ summary: 'Every door with its mode now (normal, scheduled, or set by a guard)' })
  doorStates(): DoorStates {
    // Who set a door's mode, by the name they are shown by (the lockdown banner says who started it).
    const items = this.guard.doorStates().map((s) => ({
      ...s,
      manual: s.manual && { ...s.manual, byName: operatorName(this.operators, s.manual.by) },
    }));
    return { items, modes: DOOR_MODES };
  }

  @Get('site-override')
  @Allow('site.override')
  @ApiOperation({
    summary:
      'The lockdown or emergency release in force, if any: who started it, when, why, how many doors (every signed-in role)',
  })
  siteOverride(): SiteOverrideView {
    const states = this.guard.doorStates();
    const held = states.filter((s) => s.manual?.mode === 'lockdown' || s.manual?.mode === 'emergency');
    // The earliest door's start names it (a lockdown of all doors starts them together).
    const first = held.map((s) => s.manual!).sort((a, b) => (a.since ?? 0) - (b.since ?? 0))[0];
    return {
      override:
        first === undefined
          ? null
          : {
              kind: first.mode as 'lockdown' | 'emergency',
              byName: operatorName(this.operators, first.by),
              reason: first.reason,
              since: first.since ?? null,
              doors: held.length,
            },
      doorCount: states.length,
    };
  }

  @Post('doors/:id/unlock')
  @Allow('doors.control')
  @HttpCode(202)
  @ApiOperation({ summary: 'Unlock a door once for its unlock time (remote unlock); a reason is required' })
  @ApiJsonBody(Reason)
  async unlock(
    @Param('id') id: string,
    @Body(zod(Reason)) body: z.infer<typeof Reason>,
    @CurrentActor() actor: Actor,
  ): Promise<UnlockAccepted> {
    await this.guard.unlockMomentarily(checkId(id, 'door'), body.reason, actor);
    return { doorId: id, accepted: true };
  }

  @Post('doors/:id/mode')
  @Allow('doors.control')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set a door's mode (locked, card-only, card-and-PIN, unlocked) until a time or until changed",
  })
  @ApiJsonBody(ModeBody)
  async mode(
    @Param('id') id: string,
    @Body(zod(ModeBody)) body: z.infer<typeof ModeBody>,
    @CurrentActor() actor: Actor,
  ) {
    await this.guard.setDoorMode(checkId(id, 'door'), body.mode, at(body.until), body.reason, actor);
    return this.guard.doorStates().find((s) => s.doorId === id);
  }

  @Post('lockdown')
  @Allow('doors.control')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lockdown (privileged credentials only) or emergency release (all open), of all doors or some',
  })
  @ApiJsonBody(LockdownBody)
  async lockdown(
    @Body(zod(LockdownBody)) body: z.infer<typeof LockdownBody>,
    @CurrentActor() actor: Actor,
  ): Promise<Items<DoorState>> {
    await this.guard.lockdown(body.kind, body.doors, body.reason, actor);
    return { items: this.guard.doorStates() };
  }

  @Post('lockdown/release')
  @Allow('doors.control')
  @HttpCode(200)
  @ApiJsonBody(Reason)
  async release(
    @Body(zod(Reason)) body: z.infer<typeof Reason>,
    @CurrentActor() actor: Actor,
  ): Promise<Items<DoorState>> {
    await this.guard.releaseLockdown(body.reason, actor);
    return { items: this.guard.doorStates() };
  }

  @Post('anti-passback/forgive')
  @Allow('doors.control')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forget where a person (or everyone) is believed to be, so anti-passback starts afresh',
  })
  @ApiJsonBody(ForgiveBody)
  async forgive(@Body(zod(ForgiveBody)) body: z.infer<typeof ForgiveBody>, @CurrentActor() actor: Actor) {
    return {
      forgiven: await this.guard.forgive(
        body.cardholderId ? checkId(body.cardholderId, 'cardholder') : null,
        body.reason,
        actor,
      ),
    };
  }

  @Get('presence')
  @Allow('presence.read')
  @ApiOperation({ summary: 'Where each person is believed to be, learned from grants, and since when' })
  presence(): Items<PresenceRow> {
    return { items: this.guard.presenceList() };
  }

  @Get('doors/:id/who-can-open')
  @Allow('site.read')
  @ApiOperation({ summary: 'Who can open this door at a time (now by default), from the decision index' })
  @ApiQueryOf(AtQuery)
  whoCanOpen(@Param('id') id: string, @Query(zod(AtQuery)) query: z.infer<typeof AtQuery>): WhoCanOpen {
    return this.guard.whoCanOpen(checkId(id, 'door'), at(query.at) ?? undefined);
  }

  @Post('simulate')
  @Allow('access.simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What the engine would decide for a credential at a reader (changes nothing, opens nothing)',
  })
  @ApiJsonBody(SimulateBody)
  simulate(@Body(zod(SimulateBody)) body: z.infer<typeof SimulateBody>): SimulatedDecision {
    const decision = this.decisions.simulate(
      body.readerId,
      body.format,
      body.number,
      at(body.at) ?? undefined,
      body.pin,
    );
    return { ...decision, reasonWords: DECISION_REASON_WORDS[decision.reason] };
  }
}
