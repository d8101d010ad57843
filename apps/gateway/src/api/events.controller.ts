import { type BeforeApplicationShutdown, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canSeeCategory, may, redactEntryFor, visibleCategories, type Principal } from '@gatehouse/auth';
import {
  EVENT_BUS,
  GatehouseBus,
  type JournalEntry,
  entryCategory,
  GATEHOUSE_CONFIG,
  timeSlicer,
} from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import { Journal, JournalReader } from '@gatehouse/journal';
import { Allow, AuthGuard } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { zod } from '../http/validation';
import { Metrics } from '../metrics';

const StreamQuery = z.strictObject({ lastEventId: z.coerce.number().int().min(0).optional() });
const HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off rather than buffered without bound; it reconnects and resumes. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
let nextClient = 1;
/** Entries that change a door's mode: whoever may see the lockdown banner is told to read it again. */
const MODE_CHANGE = /^door\.(mode|lockdown|emergency)/;
/** Entries after which a session or token may have ended (a sign-out, a disabled operator, a revoked token). */
const MAY_END_SESSIONS = /^(auth|operator|token)\./;

@ApiTags('events')
@Controller('api/v1/events')
export class EventsController implements BeforeApplicationShutdown {
  /** Every open stream's close: a stopping gateway ends them, so the consoles know at once. */
  private readonly open = new Set<() => void>();

  constructor(
    @Inject(EVENT_BUS) private readonly bus: GatehouseBus,
    private readonly journal: Journal,
    private readonly reader: JournalReader,
    private readonly guard: AuthGuard,
    private readonly metrics: Metrics,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  /**
   * Before the HTTP server closes: a live stream never ends by itself, so the
   * server would wait for it until the stop's deadline, and every console
   * would look live meanwhile. Ended now, each console shows the gateway gone.
   */
  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }

  @Get()
  @Allow('events.stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Live journal entries as Server-Sent Events (id = sequence number), filtered by role; resumes after Last-Event-ID',
  })
  async stream(
    @Query(zod(StreamQuery)) query: z.infer<typeof StreamQuery>,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const header = req.headers['last-event-id'];
    const lastEventId =
      typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : query.lastEventId;
    const owner = `sse-${nextClient++}`;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(req.id),
    });
    raw.write('retry: 3000\n\n');
    let closed = false;
    let lastSent = lastEventId ?? 0;
    let replaying = lastEventId !== undefined;
    const held: JournalEntry[] = [];
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      this.bus.off('journal.committed', owner);
      clearInterval(heartbeat);
      this.metrics.sseClients.dec();
      raw.end();
    };
    /** The entry's event as this client may read it; empty when it is not for this client, or already sent. */
    const eventOf = (entry: JournalEntry): string => {
      if (closed || entry.seq <= lastSent || !canSeeCategory(principal.roles, entryCategory(entry.type)))
        return '';
      lastSent = entry.seq;
      return `id: ${entry.seq}\nevent: entry\ndata: ${JSON.stringify(redactEntryFor(principal.roles, this.journal.openForView(entry)))}\n\n`;
    };
    const write = (events: string) => {
      if (closed || events.length === 0) return;
      raw.write(events);
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        raw.write('event: overflow\ndata: {}\n\n');
        close();
      }
    };
    const send = (entry: JournalEntry) => write(eventOf(entry));
    // Entries go out in the order committed, a slice of the event loop at a time: an import's
    // thousands of entries arrive together, and each costs a redaction and a JSON text. They
    // wait in the batches they were committed in, and a batch sent is let go at once (kept
    // until the whole queue was sent, an import's entries all lived through many collections).
    const queued: (readonly JournalEntry[])[] = [];
    let draining = false;
    const drain = async () => {
      draining = true;
      const pause = timeSlicer();
      // A look at the clock after every entry (tens of nanoseconds): an entry with personal values
      // is opened under its person's key (a key unwrapped for each new person of an import), so a
      // fixed count of them held the loop 20 ms on a loaded machine.
      // A slice's events leave in one write, before it yields (an import's 20,001 entries were as
      // many chunks of the response, each framed and queued on the socket: about 4.5 us of the
      // event loop's CPU per event more); whatever else this stream writes meanwhile comes after
      // them, as it did.
      let events = '';
      for (let batch = queued.shift(); batch && !closed; batch = queued.shift())
        for (let i = 0; i < batch.length && !closed; i++) {
          events += eventOf(batch[i]!);
          if (pause.due()) {
            write(events);
            events = '';
            await pause();
          }
        }
      write(events);
      queued.length = 0;
      draining = false;
    };
    // The session or token can end while the stream is open: checked with each heartbeat, and at
    // once after an entry that may have ended it (a sign-out in another tab ends this stream now).
    const endIfSignedOut = (): boolean => {
      let still: Principal | undefined;
      try {
        still = this.guard.authenticate(req);
      } catch {
        still = undefined;
      }
      if (still && still.stage === 'full') return false;
      raw.write('event: end\ndata: {"reason":"session ended"}\n\n');
      close();
      return true;
    };
    this.metrics.sseClients.inc();
    // Login entries hold account names, which not every reader of sessions may see (a guard's
    // categories leave them out): whoever may read the sessions is told they changed, no more,
    // once per committed batch that holds a login, and reads them again (GET /api/v1/sessions).
    const watchesSessions = may(principal.roles, 'sessions.read');
    // A lockdown is for every signed-in role to see, though not every role may read door entries:
    // each is told the site's override may have changed, no more (GET /api/v1/access/site-override).
    const watchesOverride = may(principal.roles, 'site.override');
    this.bus.on('journal.committed', owner, (entries) => {
      if (closed) return;
      if (entries.some((e) => MAY_END_SESSIONS.test(e.type)) && endIfSignedOut()) return;
      if (watchesSessions && entries.some((e) => e.type.startsWith('login.')))
        raw.write('event: sessions\ndata: {}\n\n');
      if (watchesOverride && entries.some((e) => MODE_CHANGE.test(e.type)))
        raw.write('event: override\ndata: {}\n\n');
      if (replaying) held.push(...entries);
      else {
        queued.push(entries);
        if (!draining) void drain();
      }
    });
    const heartbeat = setInterval(() => {
      if (!endIfSignedOut()) raw.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();
    req.raw.on('close', close);
    this.open.add(close);

    if (lastEventId !== undefined) {
      const limit = this.config.events.replayLimit;
      try {
        const missed = await this.reader.since(
          lastEventId,
          { visibleCategories: visibleCategories(principal.roles) },
          limit + 1,
        );
        if (missed.length > limit) {
          // Too much to replay: say so; the console then reloads from the journal search.
          raw.write(`event: gap\ndata: ${JSON.stringify({ after: lastEventId, replayLimit: limit })}\n\n`);
          lastSent = Math.max(lastSent, ...held.map((e) => e.seq - 1), lastEventId);
        } else {
          missed.forEach(send);
        }
      } finally {
        replaying = false;
        held.splice(0).forEach(send);
      }
    }
  }
}
