import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type Alarm, AlarmsService, instructionsFor, PRIORITIES } from '@gatehouse/alarms';
import { Operators, type Principal, seesAlarm, visibleCategories } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import { type Actor, DomainError, GATEHOUSE_CONFIG, plainText } from '@gatehouse/contracts';
import { eventInWords, Journal, JournalReader, siteTime } from '@gatehouse/journal';
import { Allow } from '../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, zod } from '../http/validation';
import { LoginsGateway } from '../logins/logins-gateway';
import { actorDisplayName, operatorName } from './operator-names';
import type { AlarmHistoryView, AlarmQueue, AlarmView, BulkAcknowledged } from './views';

/** What a guard writes on an alarm (README, "Free text written by operators"). */
const text = plainText({ max: 1000, multiline: true }).describe(
  "Sealed under the person's key on an alarm about a person; in clear on any other, so name no person there",
);
const Comment = z.strictObject({ comment: text.optional() });
const Note = z.strictObject({ text });
const Assign = z.strictObject({ owner: plainText({ max: 64 }).nullable() });
const Resolve = z.strictObject({ comment: text, falseAlarm: z.boolean().default(false) });
const Escalate = z.strictObject({
  reason: text,
  from: z
    .enum(PRIORITIES)
    .optional()
    .describe(
      'The priority the guard saw: refused (alarm.changed-meanwhile) if it is no longer so, so a repeated request escalates once',
    ),
});
const ListQuery = z.strictObject({ history: z.coerce.number().int().min(0).max(500).default(0) });
const MAX_BULK = 100;
const BulkAcknowledge = z.strictObject({
  ids: z
    .array(z.string().max(64))
    .min(1)
    .max(MAX_BULK)
    .refine((ids) => new Set(ids).size === ids.length, 'each alarm once'),
  // Optional, as one alarm's comment is: acknowledging says "I have seen it", not why.
  reason: text.optional(),
});
/** The most changes an alarm's history lists (its repeats are counted on it, not journaled apart). */
const MAX_HISTORY = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const alarmId = (id: string) => {
  if (!UUID.test(id)) throw new DomainError('not-found', 'alarm.not-found', 'no such alarm');
  return id;
};

@ApiTags('alarms')
@Controller('api/v1/alarms')
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly reader: JournalReader,
    private readonly journal: Journal,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly operators: Operators,
    // Where the site placed a workstation: the site file's and the console's placings, as the logins have them.
    @Inject(LoginsGateway) private readonly logins: LoginsGateway,
  ) {}

  /** An alarm with what the guard does about it (the site's text for its type, else the built-in one), its owner by name. */
  private withInstructions = (a: Alarm): AlarmView => ({
    ...a,
    instructions: instructionsFor(a.type, this.config.alarms.instructions),
    ownerName: a.owner === null ? null : operatorName(this.operators, a.owner),
    // A login alarm happened at a workstation: its zone is where, the person who.
    workstationZone: a.workstation
      ? (this.logins.workstations.placeOf(a.workstation.host, null)?.zone ?? null)
      : null,
  });

  @Get()
  @Allow('alarms.read')
  @ApiOperation({
    summary:
      'The alarm queue (open alarms, highest priority and oldest first, each with its instructions), and optionally recent ended ones',
  })
  @ApiQueryOf(ListQuery)
  list(
    @Query(zod(ListQuery)) q: z.infer<typeof ListQuery>,
    @CurrentPrincipal() principal: Principal,
  ): AlarmQueue {
    const mine = (a: Alarm) => seesAlarm(principal.roles, a.type);
    return {
      items: this.alarms.queue().filter(mine).map(this.withInstructions),
      history: q.history ? this.alarms.history(q.history).filter(mine).map(this.withInstructions) : [],
    };
  }

  /** An alarm this caller may see; one whose type alone would tell them more than their role may know is "no such alarm". */
  private visible(id: string, principal: Principal): Alarm {
    const alarm = this.alarms.get(alarmId(id));
    if (!seesAlarm(principal.roles, alarm.type))
      throw new DomainError('not-found', 'alarm.not-found', 'no such alarm');
    return alarm;
  }

  @Post('acknowledge')
  @Allow('alarms.act')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Acknowledge several alarms with one optional comment; each is journaled on its own, and each answers for itself (one already acknowledged does not stop the others)',
  })
  @ApiJsonBody(BulkAcknowledge)
  async acknowledgeMany(
    @Body(zod(BulkAcknowledge)) body: z.infer<typeof BulkAcknowledge>,
    @CurrentActor() actor: Actor,
  ): Promise<BulkAcknowledged> {
    const results: BulkAcknowledged['results'] = [];
    // One after another: each acknowledgement is its own journal entry, in the order given.
    for (const id of body.ids) {
      try {
        const alarm = await this.alarms.acknowledge(alarmId(id), actor, body.reason);
        results.push({ id, ok: true as const, alarm: this.withInstructions(alarm) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ id, ok: false as const, error: { code: error.code, message: error.message } });
      }
    }
    return { acknowledged: results.filter((r) => r.ok).length, results };
  }

  @Get(':id')
  @Allow('alarms.read')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.withInstructions(this.visible(id, principal));
  }

  @Get(':id/history')
  @Allow('alarms.read')
  @ApiOperation({
    summary:
      "An alarm's history from the journal, oldest first: raised, escalated, acknowledged, commented, resolved, with who did it and the site's time",
  })
  async history(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AlarmHistoryView> {
    const alarm = this.visible(id, principal);
    const entries = await this.reader.since(
      0,
      { subjects: [{ kind: 'alarm', id: alarm.id }], visibleCategories: visibleCategories(principal.roles) },
      MAX_HISTORY,
    );
    const zone = this.config.site.timeZone;
    return {
      alarm: this.withInstructions(alarm),
      timeZone: zone,
      // A comment on an alarm about a person is sealed under their key: opened for the reader
      // ("erased person" once they were erased).
      items: entries.map((stored) => {
        const e = this.journal.openForView(stored);
        const p = e.payload as Record<string, unknown>;
        return {
          seq: e.seq,
          time: e.time,
          siteTime: siteTime(e.time, zone),
          change: e.type,
          what: eventInWords(e.type),
          // Changes the alarm service made by itself (the timer, a closing door) name no operator.
          by: e.actor
            ? (actorDisplayName(this.operators, e.actor) ?? e.actor.name ?? e.actor.id ?? e.actor.kind)
            : null,
          automatic: e.actor === undefined,
          priority: p.priority ?? null,
          state: p.state ?? null,
          ...(p.from !== undefined ? { from: p.from } : {}),
          ...(p.to !== undefined ? { to: p.to } : {}),
          text: p.comment ?? p.reason ?? p.detail ?? null,
        };
      }),
    };
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
  @ApiJsonBody(Escalate)
  escalate(
    @Param('id') id: string,
    @Body(zod(Escalate)) body: z.infer<typeof Escalate>,
    @CurrentActor() actor: Actor,
  ) {
    return this.alarms.escalate(alarmId(id), actor, body.reason, body.from);
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
