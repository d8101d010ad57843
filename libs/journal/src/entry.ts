import { DomainError, SUBJECT_KINDS, type JournalEntry, type JournalEntryInput } from '@gatehouse/contracts';
import { canonicalJson } from './canonical-json';

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
  const entry: JournalEntry = {
    seq,
    time,
    type: input.type,
    source: input.source,
    subjects: dedupeSubjects(input.subjects ?? []),
    payload: input.payload ?? {},
    timeSource: input.timeSource ?? 'gateway',
  };
  if (input.actor) entry.actor = input.actor;
  if (input.sourceTime !== undefined) entry.sourceTime = input.sourceTime;
  if (input.sourceZone !== undefined) entry.sourceZone = input.sourceZone;
  if (input.personal) {
    // Never stored in clear: a producer's part must have gone through sealPersonal.
    if (input.personal.sealed === undefined)
      throw new DomainError(
        'invalid',
        'journal.unsealed-personal',
        `entry "${input.type}" holds unsealed personal values`,
      );
    entry.personal = {
      personId: input.personal.personId,
      paths: [...input.personal.paths],
      sealed: input.personal.sealed,
    };
  }
  return entry;
};

const dedupeSubjects = (subjects: JournalEntryInput['subjects'] & object) => {
  // Most entries name one subject: nothing to compare, and no set to build per entry.
  if (subjects.length < 2) return [...subjects];
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const key = `${s.kind}\u0000${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
