import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessRecords, type PersonErasure } from '@gatehouse/access';
import { type Actor, plainText } from '@gatehouse/contracts';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import { checkId } from './access/records.controller';

/** Nest's injection token for the erasure port (an interface has no runtime value). */
export const PERSON_ERASURE = Symbol('PersonErasure');

const EraseRequest = z.strictObject({
  reason: plainText({ min: 3, max: 1000, multiline: true }).describe(
    "Why (the data subject request, its reference): journaled in clear with the erasure, so never the person's name",
  ),
});

@ApiTags('privacy')
@Controller('api/v1/people')
export class PeopleController {
  constructor(
    private readonly records: AccessRecords,
    @Inject(PERSON_ERASURE) private readonly erasure: PersonErasure,
  ) {}

  @Post(':id/erase')
  @Allow('people.erase')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Erase a person for good: personal fields and photo cleared, data key destroyed, credentials revoked; every journal proof stays valid',
  })
  @ApiJsonBody(EraseRequest)
  async erase(
    @Param('id') id: string,
    @Body(zod(EraseRequest)) body: z.output<typeof EraseRequest>,
    @CurrentActor() actor: Actor,
  ) {
    const erased = await this.records.eraseCardholder(
      checkId(id, 'cardholder'),
      body.reason,
      actor,
      this.erasure,
    );
    return { id: erased.id, name: erased.name, state: erased.state, erased: true };
  }
}
