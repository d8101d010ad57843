import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, type Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  AccessRecords,
  DoorInput,
  GroupInput,
  HolidayInput,
  LevelInput,
  ScheduleInput,
  ZoneInput,
  type DocumentTable,
} from '@gatehouse/access';
import { type Actor, DomainError, patchOf, replacementOf } from '@gatehouse/contracts';
import { Allow } from '../../http/auth.guard';
import { CurrentActor } from '../../http/request.decorators';
import { ApiJsonBody, zod } from '../../http/validation';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const checkId = (id: string, what: string): string => {
  if (!ID.test(id))
    throw new DomainError('not-found', `${what}.not-found`, `no ${what} "${id.slice(0, 64)}"`);
  return id;
};

type Saver<S extends z.ZodType> = (
  records: AccessRecords,
  input: z.output<S>,
  actor: Actor,
  mode: 'create' | 'update',
) => Promise<unknown>;

/**
 * One controller shape for the site's simple records (zones, doors, schedules,
 * holidays, levels, groups): list, get, create, replace, change, delete. Each is
 * still its own class with its own route, tag and schema in the OpenAPI document.
 * Defaults apply on create only: a replacement names every field, a change
 * names the fields it changes and keeps the others.
 */
const recordsController = <S extends z.ZodObject>(
  path: string,
  what: string,
  table: DocumentTable,
  schema: S,
  save: Saver<S>,
  remove: (records: AccessRecords, id: string, actor: Actor) => Promise<void>,
): Type<unknown> => {
  const replacement = replacementOf(schema);
  const change = patchOf(schema.omit({ id: true } as never));
  @ApiTags('access')
  @Controller(`api/v1/access/${path}`)
  class RecordsController {
    constructor(readonly records: AccessRecords) {}

    @Get()
    @Allow('site.read')
    @ApiOperation({ summary: `All ${path}` })
    list() {
      return { items: this.records.list(table) };
    }

    @Get(':id')
    @Allow('site.read')
    get(@Param('id') id: string) {
      return this.records.get(table, checkId(id, what));
    }

    @Post()
    @Allow('site.write')
    @ApiOperation({ summary: `Create a ${what}` })
    @ApiJsonBody(schema)
    create(@Body(zod(schema)) body: z.output<S>, @CurrentActor() actor: Actor) {
      return save(this.records, body, actor, 'create');
    }

    @Put(':id')
    @Allow('site.write')
    @ApiOperation({
      summary: `Replace a ${what}: every field named (the id in the path and the body must agree)`,
    })
    @ApiJsonBody(replacement)
    replace(
      @Param('id') id: string,
      @Body(zod(replacement)) body: z.output<S>,
      @CurrentActor() actor: Actor,
    ) {
      if ((body as { id: string }).id !== checkId(id, what))
        throw new DomainError('invalid', 'request.id-mismatch', 'the id in the path and in the body differ');
      return save(this.records, body, actor, 'update');
    }

    @Patch(':id')
    @Allow('site.write')
    @ApiOperation({ summary: `Change the named fields of a ${what}; the others stay as they are` })
    @ApiJsonBody(change)
    update(
      @Param('id') id: string,
      @Body(zod(change)) body: Partial<z.output<S>>,
      @CurrentActor() actor: Actor,
    ) {
      return this.records.patch(table, checkId(id, what), body as never, (record) =>
        save(this.records, record as z.output<S>, actor, 'update'),
      );
    }

    @Delete(':id')
    @Allow('site.write')
    @HttpCode(204)
    @ApiOperation({ summary: `Delete a ${what} that nothing uses any more` })
    async remove(@Param('id') id: string, @CurrentActor() actor: Actor) {
      await remove(this.records, checkId(id, what), actor);
    }
  }
  Object.defineProperty(RecordsController, 'name', {
    value: `${what[0]!.toUpperCase()}${what.slice(1)}RecordsController`,
  });
  return RecordsController;
};

export const RECORD_CONTROLLERS = [
  recordsController(
    'zones',
    'zone',
    'access_zones',
    ZoneInput,
    (r, i, actor, m) => r.saveZone(i, actor, m),
    (r, id, actor) => r.deleteZone(id, actor),
  ),
  recordsController(
    'doors',
    'door',
    'access_doors',
    DoorInput,
    (r, i, actor, m) => r.saveDoor(i, actor, m),
    (r, id, actor) => r.deleteDoor(id, actor),
  ),
  recordsController(
    'schedules',
    'schedule',
    'access_schedules',
    ScheduleInput,
    (r, i, actor, m) => r.saveSchedule(i, actor, m),
    (r, id, actor) => r.deleteSchedule(id, actor),
  ),
  recordsController(
    'holidays',
    'holiday',
    'access_holidays',
    HolidayInput,
    (r, i, actor, m) => r.saveHoliday(i, actor, m),
    (r, id, actor) => r.deleteHoliday(id, actor),
  ),
  recordsController(
    'levels',
    'level',
    'access_levels',
    LevelInput,
    (r, i, actor, m) => r.saveLevel(i, actor, m),
    (r, id, actor) => r.deleteLevel(id, actor),
  ),
  recordsController(
    'groups',
    'group',
    'access_groups',
    GroupInput,
    (r, i, actor, m) => r.saveGroup(i, actor, m),
    (r, id, actor) => r.deleteGroup(id, actor),
  ),
];
