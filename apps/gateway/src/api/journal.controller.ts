import { Readable } from 'node:stream';
import { Body, Controller, Get, Header, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  hiddenProperties,
  Operators,
  type Principal,
  type ReadableEntry,
  redactEntryFor,
  visibleCategories,
} from '@gatehouse/auth';
import { AccessService, DECISION_REASON_WORDS, ERASED_NAME, type SiteLookup } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import {
  type Actor,
  csvRecord,
  DomainError,
  GATEHOUSE_CONFIG,
  type JournalEntry,
  type JsonObject,
  type PersonalPart,
  plainText,
  SUBJECT_KINDS,
  type SubjectKind,
  timeSlicer,
} from '@gatehouse/contracts';
import {
  csvHeader,
  csvRow,
  Journal,
  JournalReader,
  jsonlLine,
  type JournalFilter,
  MAX_PAGE,
  namesOf,
  READABLE_COLUMNS,
  readableRow,
  siteTime,
} from '@gatehouse/journal';
import { Allow, Public } from '../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, listParam, zod } from '../http/validation';
import { nameRights, SiteNames } from './journal-names';
import { actorDisplayName } from './operator-names';
import type { CheckpointView, Items, JournalPageView } from './views';

const ref = z.string().min(1).max(200);
const subjectFields = Object.fromEntries(
  SUBJECT_KINDS.map((k) => [k, ref.optional().describe(`Entries about this ${k} id`)]),
) as Record<SubjectKind, z.ZodOptional<typeof ref>>;
export const filterShape = {
  from: z.string().max(40).optional().describe('ISO 8601 time, inclusive'),
  to: z.string().max(40).optional().describe('ISO 8601 time, exclusive'),
  type: listParam.optional().describe('Entry types; `door.*` matches a prefix; repeat or comma-separate'),
  q: z.string().min(1).max(200).optional().describe('Free text, case-insensitive'),
  ...subjectFields,
};
const JournalQuery = z.strictObject({
  ...filterShape,
  cursor: z.string().max(100).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});
const ExportQuery = z.strictObject({
  ...filterShape,
  disclose: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'JSON Lines only: each entry stays as signed and gains `disclosed` ({path: {value, salt}}) for the personal values your roles may see of a person not erased, so a third party checks each against the commitment at its path (README, "Disclosing a personal value")',
    ),
  format: z
    .enum(['jsonl', 'csv', 'csv-raw'])
    .default('jsonl')
    .describe(
      '`csv`: readable columns (time in the site zone, event, person, card, door, result, reason, operator); `csv-raw`: every field of the entry, its payload as JSON',
    ),
});
const NoteBody = z.strictObject({
  text: plainText({ max: 2000, multiline: true }).describe(
    "Sealed under the person's key when a person is among the subjects; otherwise in clear, so name no person in a general note",
  ),
  subjects: z
    .array(z.strictObject({ kind: z.enum(SUBJECT_KINDS), id: ref }))
    .max(20)
    .optional(),
});

/**
 * The person a note is about, whose key seals its text: at most one, since an
 * entry's personal values are sealed under one key, and a note sealed under
 * one person's key would outlive the erasure of another it names.
 */
const notePerson = (subjects: readonly { kind: string; id: string }[]): string | null => {
  const people = [...new Set(subjects.filter((s) => s.kind === 'person').map((s) => s.id))];
  if (people.length > 1)
    throw new DomainError(
      'invalid',
      'journal.note-many-people',
      `a note is about one person at most (this one names ${people.length}): write one note per person`,
    );
  return people[0] ?? null;
};

/** How many of the people a searched text names an export's entry lists by id. */
const MAX_TEXT_PEOPLE = 20;

/**
 * What an export's journal entry records of the free text it searched for
 * (`q`), which is often a person's name: the ids of the people whose names
 * hold it, and the text itself only sealed under the key of the one person it
 * names, so that person's erasure reaches it. A text that names several
 * people, or nobody still on record (it may be an erased person's former
 * name), is withheld: its length is kept, never its letters.
 */
export const exportedText = (
  text: string | undefined,
  index: SiteLookup,
): { described: JsonObject; people: string[]; personal: PersonalPart | null } => {
  if (text === undefined) return { described: {}, people: [], personal: null };
  // An erased person's record keeps no name (it reads "erased person"), and no key to seal under.
  const matched = index
    .searchCardholders({ text: text.toLowerCase(), fields: ['name'] })
    .filter((c) => c.name !== ERASED_NAME)
    .map((c) => c.id);
  const people = matched.slice(0, MAX_TEXT_PEOPLE);
  const textPeople = { people, count: matched.length };
  if (matched.length === 1)
    return {
      described: { text, textPeople },
      people,
      personal: { personId: matched[0]!, paths: ['filter.text'] },
    };
  return { described: { textWithheld: { length: [...text].length }, textPeople }, people, personal: null };
};

type FilterQuery = z.infer<typeof ExportQuery>;

export const toFilter = (query: Omit<FilterQuery, 'format'>, principal: Principal): JournalFilter => ({
  from: query.from,
  to: query.to,
  types: query.type,
  text: query.q,
  subjects: SUBJECT_KINDS.filter((k) => query[k] !== undefined).map((k) => ({ kind: k, id: query[k]! })),
  visibleCategories: visibleCategories(principal.roles),
});

/**
 * What a caller reads of each entry: its personal values opened ("erased
 * person" for an erased one; `open`, the journal's), then redacted for its
 * roles (permissions.ts, redactEntryFor); with a free-text filter, only
 * entries that still match once redacted, so that what a search finds never
 * reveals a hidden value.
 */
export const readableFor = (
  principal: Principal,
  text: string | undefined,
  open: (entry: JournalEntry) => JournalEntry,
) => {
  const needle = text?.toLowerCase();
  return (stored: JournalEntry): ReadableEntry | null => {
    const entry = open(stored);
    const seen = redactEntryFor(principal.roles, entry);
    if (seen !== stored && needle && !JSON.stringify(seen).toLowerCase().includes(needle)) return null;
    return seen;
  };
};

@ApiTags('journal')
@Controller('api/v1/journal')
export class JournalController {
  constructor(
    private readonly journal: Journal,
    private readonly reader: JournalReader,
    private readonly access: AccessService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly operators: Operators,
  ) {
    // The site's time formatter made now, at start: the first one loads time zone data (about
    // 12 ms of work, more when it is read from disk), which held the event loop at the first
    // line of the first export.
    siteTime(new Date(0).toISOString(), config.site.timeZone);
  }

  @Get()
  @Allow('journal.search')
  @ApiOperation({ summary: 'Search the journal, newest first; only the categories your roles may see' })
  @ApiQueryOf(JournalQuery)
  async search(
    @Query(zod(JournalQuery)) query: z.infer<typeof JournalQuery>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JournalPageView> {
    // nextCursor follows the rows read, so a page thinned by redaction still leads to the next one.
    const page = await this.reader.page(toFilter(query, principal), query.limit, query.cursor);
    const readable = readableFor(principal, query.q, (e) => this.journal.openForView(e));
    return { ...page, items: page.items.map(readable).filter((e) => e !== null) };
  }

  @Get('export')
  @Allow('journal.export')
  @ApiOperation({ summary: 'Stream every matching entry, oldest first, as JSON Lines or CSV' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiQueryOf(ExportQuery)
  async export(
    @Query(zod(ExportQuery)) query: FilterQuery,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res() reply: FastifyReply,
  ) {
    const { disclose: discloseParam, ...filterQuery } = query;
    const disclose = discloseParam === 'true';
    if (disclose && query.format !== 'jsonl')
      throw new DomainError(
        'invalid',
        'journal.disclose-jsonl-only',
        'disclosure keeps each entry as signed: ask for format=jsonl',
      );
    const filter = toFilter(filterQuery, principal);
    // Exports of personal data are themselves facts worth recording; the free text searched for
    // is recorded as exportedText says (often a name: never in clear).
    const { visibleCategories: _v, text, ...described } = filter;
    const searched = exportedText(text, this.access.lookup);
    await this.journal.append({
      type: 'journal.exported',
      source: 'http',
      actor,
      subjects: searched.people.map((id) => ({ kind: 'person' as const, id })),
      payload: JSON.parse(
        JSON.stringify({ format: query.format, filter: { ...described, ...searched.described }, disclose }),
      ) as JsonObject,
      ...(searched.personal ? { personal: searched.personal } : {}),
    });
    const journal = this.journal;
    const reader = this.reader;
    const csv = query.format !== 'jsonl';
    // JSON Lines leave verbatim (canonical, so their leaf hashes can be recomputed), personal
    // values sealed as signed, unless the caller's roles hide a field one of them carries; such
    // an entry is redacted and says so. The CSVs, read by people, show personal values opened.
    const hides = hiddenProperties(principal.roles).size > 0;
    const readable = readableFor(principal, query.q, (e) => journal.openForView(e));
    const asSigned = readableFor(principal, query.q, (e) => e);
    const visibleJson = (json: string): string | null => {
      if (!hides && !disclose) return json;
      const entry = JSON.parse(json) as JournalEntry;
      const seen = asSigned(entry);
      if (!seen) return null;
      const disclosed = disclose ? journal.disclosures(seen) : null;
      if (disclosed) return JSON.stringify({ ...seen, disclosed });
      return seen === entry ? json : JSON.stringify(seen);
    };
    const csvLine = (json: string): string | null => {
      const seen = readable(JSON.parse(json) as JournalEntry);
      return seen && csvRow(seen);
    };
    // Names as this caller may see them (nameRights), resolved from the in-memory index: a few
    // map reads per line, and the time formatter is kept per zone, so a line stays cheap.
    const lookup = new SiteNames(this.access.lookup, nameRights(principal.roles)).lookup();
    const timeZone = this.config.site.timeZone;
    // Operators by display name, each looked up once per export (a few operators, many lines).
    const operatorNames = new Map<string, string | undefined>();
    const operators = this.operators;
    const operatorOf = (e: JournalEntry): string | undefined => {
      const key = e.actor?.kind === 'operator' ? e.actor.name : undefined;
      if (key === undefined) return undefined;
      if (!operatorNames.has(key)) operatorNames.set(key, actorDisplayName(operators, e.actor));
      return operatorNames.get(key);
    };
    const readableLine = (json: string): string | null => {
      const seen = readable(JSON.parse(json) as JournalEntry);
      if (!seen) return null;
      const operator = operatorOf(seen);
      const row = readableRow(
        seen,
        { ...namesOf(seen, lookup), ...(operator ? { operator } : {}) },
        timeZone,
        DECISION_REASON_WORDS,
        lookup,
      );
      return csvRecord(READABLE_COLUMNS.map((column) => row[column]));
    };
    const jsonlOf = (json: string): string | null => {
      const seen = visibleJson(json);
      return seen === null ? null : `${jsonlLine(seen)}\n`;
    };
    const line = query.format === 'csv' ? readableLine : query.format === 'csv-raw' ? csvLine : jsonlOf;
    // A piece of the body per chunk read, each line made between turns of the event loop
    // (a line costs a parse, a redaction and escaping; a chunk of them would hold the loop).
    const body = Readable.from(
      (async function* () {
        if (query.format === 'csv') yield csvRecord([...READABLE_COLUMNS]);
        if (query.format === 'csv-raw') yield csvHeader();
        const pause = timeSlicer();
        for await (const chunk of reader.exportRaw(filter)) {
          let piece = '';
          for (let i = 0; i < chunk.length; i++) {
            // The clock looked at before every line: a line is tens of microseconds, but one that
            // opens an imported person's values unwraps that person's key first (eight such lines
            // held the loop 20 ms on a core on a loaded machine).
            if (pause.due()) await pause();
            piece += line(chunk[i]!) ?? '';
          }
          if (piece.length > 0) yield piece;
        }
      })(),
    );
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    void reply
      .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="gatehouse-journal-${stamp}.${csv ? 'csv' : 'jsonl'}"`,
      )
      .header('cache-control', 'no-store')
      .send(body);
  }

  @Get('verify')
  @Allow('journal.verify')
  @ApiOperation({
    summary:
      'Recompute the Merkle tree and every checkpoint; names the first entry or checkpoint that does not match',
  })
  async verify(@CurrentActor() actor: Actor) {
    const report = await this.reader.verify(new Map([[this.journal.keyId, this.journal.publicKeyPem]]));
    await this.journal.append({
      type: 'journal.verified',
      source: 'http',
      actor,
      payload: JSON.parse(
        JSON.stringify({
          ok: report.ok,
          entries: report.entries,
          checkpoints: report.checkpoints,
          firstProblem: report.firstProblem,
        }),
      ),
    });
    return report;
  }

  @Get('checkpoints')
  @Allow('journal.checkpoints')
  @ApiOperation({ summary: 'The latest signed checkpoints (tree heads), newest first' })
  checkpoints(): Promise<Items<CheckpointView>> {
    return this.reader.checkpoints(100).then((items) => ({ items }));
  }

  @Get('public-key')
  @Public()
  @Header('content-type', 'application/x-pem-file')
  @Header('content-disposition', 'attachment; filename="gatehouse-journal-public-key.pem"')
  @ApiOperation({ summary: 'The Ed25519 public key that verifies checkpoint signatures (PEM)' })
  publicKey(): string {
    return this.journal.publicKeyPem;
  }

  @Post('notes')
  @Allow('journal.note')
  @HttpCode(201)
  @ApiOperation({ summary: 'Write a note into the journal (the occurrence book of a shift)' })
  @ApiJsonBody(NoteBody)
  async note(@Body(zod(NoteBody)) body: z.infer<typeof NoteBody>, @CurrentActor() actor: Actor) {
    if (!this.journal.isOpen)
      throw new DomainError('unavailable', 'journal.closed', 'the journal is not accepting entries');
    const subjects = body.subjects ?? [];
    const about = notePerson(subjects);
    // Its key is made (or found) for a person on record only: a mistyped id is refused, not keyed.
    if (about) this.access.records.get('cardholders', about);
    const entry = await this.journal.append({
      type: 'note.added',
      source: 'http',
      actor,
      subjects,
      payload: { text: body.text },
      // A note about a person is sealed under their key (their erasure reaches it); a general
      // note stays in clear, and the console asks that it name nobody (README).
      ...(about ? { personal: { personId: about, paths: ['text'] } } : {}),
    });
    return { seq: entry.seq, time: entry.time };
  }
}
