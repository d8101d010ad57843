import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AlarmsService } from '@gatehouse/alarms';
import { type Actor, DomainError, plainText } from '@gatehouse/contracts';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, zod } from '../http/validation';
import type { AlarmQueue } from './views';

const text = plainText({ max: 1000, multiline: true });
const Comment = z.strictObject({ comment: text.optional() });
const Note = z.strictObject({ text });
const Assign = z.strictObject({ owner: plainText({ max: 64 }).nullable() });
const Resolve = z.strictObject({ comment: text, falseAlarm: z.boolean().default(false) });
const Reason = z.strictObject({ reason: text });
const ListQuery = z.strictObject({ history: z.coerce.number().int().min(0).max(500).default(0) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const alarmId = (id: string) => {
  if (!UUID.test(id)) throw new DomainError('not-found', 'alarm.not-found', 'no such alarm');
  return id;
};

@ApiTags('alarms')
@Controller('api/v1/alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  @Get()
  @Allow('alarms.read')
  @ApiOperation({
    summary:
      'The alarm queue (open alarms, highest priority and oldest first), and optionally recent ended ones',
  })
  @ApiQueryOf(ListQuery)
  list(@Query(zod(ListQuery)) q: z.infer<typeof ListQuery>): AlarmQueue {
    return { items: this.alarms.queue(), history: q.history ? this.alarms.history(q.history) : [] };
  }

  @Get(':id')
  @Allow('alarms.read')
  get(@Param('id') id: string) {
    return this.alarms.get(alarmId(id));
  }

  @Post(':id/acknowledge')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiJsonBody(Comment)
  acknowledge(
    @Param('id') id: string,
    @Body(zod(Comment)) body: z.infer<typeof Comment>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.acknowledge(alarmId(id), actor, body.comment);
  }

  @Post(':id/comments')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiJsonBody(Note)
  comment(
    @Param('id') id: string,
    @Body(zod(Note)) body: z.infer<typeof Note>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.comment(alarmId(id), actor, body.text);
  }

  @Post(':id/assign')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiJsonBody(Assign)
  assign(
    @Param('id') id: string,
    @Body(zod(Assign)) body: z.infer<typeof Assign>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.assign(alarmId(id), actor, body.owner);
  }

  @Post(':id/escalate')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiJsonBody(Reason)
  escalate(
    @Param('id') id: string,
    @Body(zod(Reason)) body: z.infer<typeof Reason>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.escalate(alarmId(id), actor, body.reason);
  }

  @Post(':id/resolve')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiOperation({ summary: 'End an alarm as resolved or as a false alarm; a comment says what was found' })
  @ApiJsonBody(Resolve)
  resolve(
    @Param('id') id: string,
    @Body(zod(Resolve)) body: z.infer<typeof Resolve>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.resolve(alarmId(id), actor, body.comment, body.falseAlarm);
  }
}
