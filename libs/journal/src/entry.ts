import { DomainError, SUBJECT_KINDS, type JournalEntry, type JournalEntryInput } from '@gatehouse/contracts';
import { canonicalJson, copyInKeyOrder } from './canonical-json';

const TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+){1,5}$/;
const SUBJECT_KIND_SET = new Set<string>(SUBJECT_KINDS);
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Rejects an input the journal must not store; a bug in a caller, never a device's fault. */
export const validateInput = (input: JournalEntryInput): void => {
  const fail = (message: string) => {
    throw new DomainError('invalid', 'journal.invalid-entry', message, { type: input.type });
  };
  if (!TYPE_PATTERN.test(input.type) || input.type.length > 100) fail(`bad entry type "${input.type}"`);
  if (!input.source || input.source.length > 200) fail('entry source must be 1-200 characters');
  for (const s of input.subjects ?? []) {
    if (!SUBJECT_KIND_SET.has(s.kind)) fail(`unknown subject kind "${s.kind}"`);
    if (typeof s.id !== 'string' || s.id.length === 0 || s.id.length > 200)
      fail('subject ids must be 1-200 characters');
  }
};

/** Builds the stored entry; only defined fields are kept, so the canonical form has no nulls for absent values. */
export const buildEntry = (input: JournalEntryInput, seq: number, time: Date): JournalEntry =>
  buildEntryAt(input, seq, time.toISOString());

/** `buildEntry` with the time already written (ISO 8601): a group commit's entries share one. */
export const buildEntryAt = (input: JournalEntryInput, seq: number, time: string): JournalEntry => {
  // Keys set in canonical (sorted) order, optional ones in their place: canonical JSON then finds every
  // key already sorted and sorts nothing, where an entry's eleven keys were sorted on every append.
  const entry = {} as JournalEntry;
  if (input.actor) entry.actor = input.actor;
  entry.payload = input.payload ?? {};
  if (input.personal) {
    // Never stored in clear: a producer's part must have gone through sealPersonal.
    if (input.personal.sealed === undefined)
      throw new DomainError(
        'invalid',
        'journal.unsealed-personal',
        `entry "${input.type}" holds unsealed personal values`,
      );
    entry.personal = {
      paths: [...input.personal.paths],
      personId: input.personal.personId,
      sealed: input.personal.sealed,
    };
  }
  entry.seq = seq;
  entry.source = input.source;
  if (input.sourceTime !== undefined) entry.sourceTime = input.sourceTime;
  if (input.sourceZone !== undefined) entry.sourceZone = input.sourceZone;
  entry.subjects = dedupeSubjects(input.subjects ?? []);
  entry.time = time;
  entry.timeSource = input.timeSource ?? 'gateway';
  entry.type = input.type;
  return entry;
};

/** The subjects once each, each a copy in key order (`{ id, kind }`: see `copyInKeyOrder`). */
const dedupeSubjects = (subjects: JournalEntryInput['subjects'] & object) => {
  // Most entries name one subject: nothing to compare, and no set to build per entry.
  if (subjects.length < 2) return subjects.map(copyInKeyOrder);
  const seen = new Set<string>();
  return subjects
    .filter((s) => {
      const key = `${s.kind}\u0000${s.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(copyInKeyOrder);
};

export const serializeEntry = (entry: JournalEntry): string => {
  const json = canonicalJson(entry);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: a short string needs no count.
  if (json.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new DomainError(
      'too-large',
      'journal.entry-too-large',
      `journal entry over ${MAX_PAYLOAD_BYTES} bytes`,
      {
        type: entry.type,
      },
    );
  }
  return json;
};
