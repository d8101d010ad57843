import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessService, DECISION_REASON_WORDS, isPrintedWithFormat } from '@gatehouse/access';
import { Operators, type Principal } from '@gatehouse/auth';
import { DomainError, GATEHOUSE_CONFIG, type SubjectRef } from '@gatehouse/contracts';
import type { GatehouseConfig } from '@gatehouse/config';
import {
  Journal,
  JournalReader,
  leafHash,
  MAX_GROUP_SUBJECTS,
  MAX_PAGE,
  entryLine,
  namesOf,
  readableRow,
  serializeEntry,
  siteTime,
} from '@gatehouse/journal';
import { Allow } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { ApiQueryOf, zod } from '../http/validation';
import { filterShape, readableFor, toFilter } from './journal.controller';
import { nameRights, SiteNames } from './journal-names';
import { actorDisplayName } from './operator-names';
import type { JournalSearchView, JournalSuggestions, NamedEntryView, TextNameMatch } from './views';

const typed = z.string().trim().min(1).max(100);
const SearchQuery = z.strictObject({
  ...filterShape,
  personName: typed.optional().describe('Entries about anyone whose name holds this text (any case)'),
  doorName: typed.optional().describe('Entries about any door whose name holds this text, or whose id it is'),
  card: typed
    .optional()
    .describe('Entries about the card with this number as printed on the badge ("345", "12-345", hex)'),
  cursor: z.string().max(100).optional().describe('nextCursor of the previous page'),
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Entries after this sequence number, oldest first (the console names what the live stream brought, and fills a gap after a reconnection)',
    ),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});
const SuggestQuery = z.strictObject({
  q: typed.describe('What has been typed so far: part of a name or of a printed card number'),
  limit: z.coerce.number().int().min(1).max(20).default(5).describe('At most this many of each kind'),
});

/** How many of each kind of match a search answer lists (the search itself uses them all). */
const SHOWN_MATCHES = 20;

const refused = (what: string) =>
  new DomainError('forbidden', 'journal.search-forbidden', `your role may not search the journal by ${what}`);

/**
 * The journal searched the way people ask (issue 11, item 7): by a person's
 * name, a door's name, a card number as printed; answers carry names and the
 * site's time beside each entry. Redaction is the plain search's
 * (permissions.ts): names come only from what the caller's roles may see.
 */
@ApiTags('journal')
@Controller('api/v1/journal')
export class JournalSearchController {
  constructor(
    private readonly journal: Journal,
    private readonly reader: JournalReader,
    private readonly access: AccessService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly operators: Operators,
  ) {}

  private namesFor(principal: Principal): SiteNames {
    return new SiteNames(this.access.lookup, nameRights(principal.roles));
  }

  @Get('search')
  @Allow('journal.search')
  @ApiOperation({
    summary:
      "Search the journal by a person's name, a door's name or a card number as printed, newest first; each entry with its names and the site's time",
  })
  @ApiQueryOf(SearchQuery)
  async search(
    @Query(zod(SearchQuery)) asked: z.infer<typeof SearchQuery>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JournalSearchView> {
    const names = this.namesFor(principal);
    const { rights } = names;
    // A card copied as the console prints it ("H10301 21:10102"): no entry's text holds the format
    // and the number together, so as free text it found nothing; it is searched as that card.
    const query =
      asked.q !== undefined && asked.card === undefined && rights.cards && isPrintedWithFormat(asked.q)
        ? { ...asked, card: asked.q.trim(), q: undefined }
        : asked;
    if (query.after !== undefined && query.cursor !== undefined)
      throw new DomainError(
        'invalid',
        'journal.after-and-cursor',
        'ask either for entries after a sequence number or for the next page, not both',
      );
    const people = query.personName === undefined ? undefined : names.people(query.personName);
    const doors = query.doorName === undefined ? undefined : names.doors(query.doorName);
    const cards = query.card === undefined ? undefined : names.cards(query.card);
    // Free text never matches a name (sealed in the journal) nor a door's events (they hold its id): who
    // and what it names is said beside the results.
    const firstPage = query.cursor === undefined && query.after === undefined;
    const text = query.q?.trim();
    // One list for what the text names: people, then doors (a role sees only the kinds it may), each
    // kind cut to what is shown so a common text's many people do not hide the door it names.
    const textPeople = text && firstPage ? names.people(text) : [];
    const textDoors = text && firstPage ? names.doors(text) : [];
    const textNames: TextNameMatch[] = [
      ...textPeople.slice(0, SHOWN_MATCHES).map((p) => ({ kind: 'person' as const, ...p })),
      ...textDoors.slice(0, SHOWN_MATCHES).map((d) => ({ kind: 'door' as const, ...d })),
    ];
    if (people && !rights.people) throw refused("a person's name");
    if (doors && !rights.doors) throw refused("a door's name");
    if (cards && !rights.cards) throw refused('card number');
    const groups: SubjectRef[][] = [];
    if (people) groups.push(people.map((p) => ({ kind: 'person', id: p.id })));
    if (doors) groups.push(doors.map((d) => ({ kind: 'door', id: d.id })));
    if (cards) groups.push(cards.map((c) => ({ kind: 'credential', id: c.id })));
    for (const g of groups) {
      if (g.length > MAX_GROUP_SUBJECTS)
        throw new DomainError(
          'invalid',
          'journal.too-many-matches',
          `"${g[0]!.kind}" matches ${g.length} records: type more of the name or number`,
        );
    }
    const filter = { ...toFilter(query, principal), anyOf: groups };
    const page =
      query.after === undefined
        ? await this.reader.page(filter, query.limit, query.cursor)
        : { items: await this.reader.since(query.after, filter, query.limit), nextCursor: null };
    const readable = readableFor(principal, query.q, (e) => this.journal.openForView(e));
    const lookup = names.lookup();
    const zone = this.config.site.timeZone;
    const items: NamedEntryView[] = [];
    for (const entry of page.items) {
      const seen = readable(entry);
      if (!seen) continue;
      const operator = actorDisplayName(this.operators, seen.actor);
      const entryNames = { ...namesOf(seen, lookup), ...(operator ? { operator } : {}) };
      const row = readableRow(seen, entryNames, zone, DECISION_REASON_WORDS, lookup);
      items.push({
        ...seen,
        names: entryNames,
        siteTime: siteTime(seen.time, zone),
        row,
        line: entryLine(seen, entryNames, row),
        // The stored entry's hash (personal values in it are commitments and ciphertext), but not for a
        // redacted entry: with the rest of it known, the hash would let a hidden card number be guessed.
        ...(seen.redacted === undefined ? { leafHash: leafHash(serializeEntry(entry)).toString('hex') } : {}),
      });
    }
    return {
      items,
      nextCursor: page.nextCursor,
      timeZone: zone,
      // What the typed names and numbers were taken to mean, so the console can say "Ann Archer, Ann Bell".
      matched: {
        ...(people ? { people: people.slice(0, SHOWN_MATCHES), peopleCount: people.length } : {}),
        ...(doors ? { doors: doors.slice(0, SHOWN_MATCHES), doorCount: doors.length } : {}),
        ...(cards ? { cards: cards.slice(0, SHOWN_MATCHES), cardCount: cards.length } : {}),
        ...(textNames.length > 0 ? { textNames, textNamesCount: textPeople.length + textDoors.length } : {}),
      },
    };
  }

  @Get('suggest')
  @Allow('journal.search')
  @ApiOperation({
    summary:
      'Suggestions while typing a journal search: people, doors and cards matching the text, only those your roles may see',
  })
  @ApiQueryOf(SuggestQuery)
  suggest(
    @Query(zod(SuggestQuery)) query: z.infer<typeof SuggestQuery>,
    @CurrentPrincipal() principal: Principal,
  ): JournalSuggestions {
    const names = this.namesFor(principal);
    const digits = /\d/.test(query.q);
    return {
      people: names.people(query.q).slice(0, query.limit),
      doors: names.doors(query.q).slice(0, query.limit),
      // Names hold no digits worth matching as cards, and a card search over every credential is not free.
      cards: digits ? names.cards(query.q, true).slice(0, query.limit) : [],
    };
  }
}
