import type { JsonObject } from './json';

/** Things an entry can be about; the journal indexes each for search. */
export const SUBJECT_KINDS = [
  'person',
  'credential',
  'door',
  'zone',
  'workstation',
  'visitor',
  'alarm',
  'operator',
  'reader',
  'device',
  'incident',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface SubjectRef {
  kind: SubjectKind;
  id: string;
}

/** How the entry's `sourceTime` was learned (ARCHITECTURE.md, "Time"). */
export type TimeSource = 'gateway' | 'device' | 'device-assumed-zone' | 'client';

/** Who caused an entry: an operator (console or API token), the CLI, or the system itself. */
export interface Actor {
  kind: 'operator' | 'token' | 'cli' | 'system' | 'anonymous';
  id?: string;
  name?: string;
  /** Network address the request came from. */
  address?: string;
  requestId?: string;
}

/**
 * Where an entry holds a person's personal values (issue 12): before the leaf
 * is hashed, the string values at `paths` (dotted, inside the payload) are
 * sealed together under the person's data key, with a salt each (format 1),
 * the seed each one's salt derives from (format 2) or under the person's
 * keystream, which gives the salts too (format 3, README "Sealed entry
 * formats"), and each is replaced by `{ commitment }` (SHA-256 of its salt and
 * canonical value), so the leaf covers ciphertext and salted commitments,
 * never a clear value. The journal seals a producer's part and puts the
 * ciphertext in `sealed`; an input that arrives unsealed at a journal that
 * cannot seal is refused, never stored in clear.
 */
export interface PersonalPart {
  personId: string;
  paths: string[];
  /** Set by the journal: the values at `paths` with their salts (or the salts' seed), sealed under the person's key. */
  sealed?: string;
}

/** What a personal value's place in a stored entry holds: SHA-256(salt ‖ canonical value), hex. */
export interface SealedValue {
  commitment: string;
}

export interface JournalEntryInput {
  /** Dotted lower-case type; its first segment is the category roles are filtered by. */
  type: string;
  /** Component or device that reported the fact, e.g. `gateway`, `http`, `reader:lobby-in`. */
  source: string;
  subjects?: SubjectRef[];
  payload?: JsonObject;
  actor?: Actor;
  /** The source's own time as it sent it (verbatim) and its zone, when it had one. */
  sourceTime?: string;
  sourceZone?: string;
  timeSource?: TimeSource;
  personal?: PersonalPart;
}

/** An entry as stored: the canonical JSON of this object is the Merkle leaf. */
export interface JournalEntry {
  seq: number;
  /** Gateway UTC time the entry was committed, ISO 8601 with milliseconds. */
  time: string;
  type: string;
  source: string;
  subjects: SubjectRef[];
  payload: JsonObject;
  actor?: Actor;
  sourceTime?: string;
  sourceZone?: string;
  timeSource: TimeSource;
  /** Whose sealed values the payload holds, and where; absent when it holds none. */
  personal?: {
    personId: string;
    paths: string[];
    /** The values at `paths` with their salts (or the salts' seed), sealed under the person's key (absent in a view). */
    sealed?: string;
    /** Only in a view: the values at `paths` are opened, so this is not the signed original. */
    opened?: true;
    /** Only in a view: the person was erased, their values show as "erased person". */
    erased?: true;
  };
}

export const entryCategory = (type: string): string => type.split('.', 1)[0] ?? type;

/** What a library needs of the journal to record a fact: the append, resolved once committed. */
export interface Journaling {
  append(input: JournalEntryInput): Promise<unknown>;
}
