import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@gatehouse/auth';
import { type Actor, DomainError, GATEHOUSE_CONFIG } from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import { interpretJson } from '@gatehouse/logins';
import { Allow } from '../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../http/request.decorators';
import { ApiJsonBody, ZodPipe } from '../http/validation';
import { type LoginOutcome, LoginsGateway } from './logins-gateway';

/** One event or a batch; each item is judged alone, so a batch only has to be a bounded array. */
const ItemSchema = z.record(z.string(), z.unknown(), {
  error: 'an event is a JSON object (or send an array of them)',
});
const BatchSchema = (maxBatch: number) =>
  z.array(z.unknown()).min(1, 'an empty batch').max(maxBatch, `at most ${maxBatch} events in one batch`);

type ItemAnswer = LoginOutcome | { outcome: 'failed'; reason: 'not-journaled' };

@ApiTags('logins')
@Controller('api/v1/logins')
export class LoginsController {
  private readonly single = new ZodPipe(ItemSchema);
  private readonly batch: ZodPipe<ReturnType<typeof BatchSchema>>;

  constructor(
    @Inject(LoginsGateway) private readonly logins: LoginsGateway,
    @Inject(GATEHOUSE_CONFIG) config: GatehouseConfig,
  ) {
    this.batch = new ZodPipe(BatchSchema(config.logins.http.maxBatch));
  }

  // The body is JSON up to http.bodyLimitBytes (refused with 413 from its headers), at most maxBatch items.
  @Post()
  @HttpCode(200)
  @Allow('logins.ingest')
  @ApiJsonBody(z.union([ItemSchema, BatchSchema(5000)]))
  @ApiOperation({
    summary:
      'Workstation login events (Winlogbeat ECS or NXLog JSON), one object or an array; each item answers accepted, duplicate, ignored or unknown with its reason',
  })
  async ingest(
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ results: ItemAnswer[]; counts: Record<string, number> }> {
    // A login agent is a machine with a token; a person signed in does not post logins.
    if (principal.kind !== 'token')
      throw new DomainError('forbidden', 'logins.token-only', 'login events are posted with an API token');
    const items: unknown[] = Array.isArray(raw) ? this.batch.transform(raw) : [this.single.transform(raw)];
    const arrival = { via: `http:${principal.name}`, sourceAddress: actor.address ?? null, actor };
    const ctx = { zone: this.logins.zone };
    // Taken in order (duplicates within a batch are seen as such), journaled together.
    const pending = items.map((item) =>
      this.logins.take(interpretJson(item, JSON.stringify(item), ctx), arrival),
    );
    const settled = await Promise.allSettled(pending);
    const results: ItemAnswer[] = settled.map((s) =>
      s.status === 'fulfilled' ? s.value : { outcome: 'failed', reason: 'not-journaled' },
    );
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    return { results, counts };
  }

  @Get('status')
  @Allow('logins.status')
  @ApiOperation({
    summary:
      'Login ingest: counters, each listener, accounts that map to nobody, and the unreadable messages kept',
  })
  status() {
    return {
      counters: this.logins.counters(),
      listeners: this.logins.listenerStatus(),
      unmappedAccounts: this.logins.unmappedAccounts(),
      unknown: this.logins.keptUnknown(),
    };
  }
}
