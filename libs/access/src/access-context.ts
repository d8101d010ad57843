import {
  type Actor,
  type Clock,
  DomainError,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type PersonalPart,
  type SubjectRef,
} from '@gatehouse/contracts';
import type { AccessEngine } from './engine';
import type { AccessStore } from './store';

export interface JournalPort {
  append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry>;
  appendAll(inputs: readonly JournalEntryInput[], effect: () => void): JournalEntry[];
  /** Resolves once what queued during a pause (an import) is committed; see `Journal.settled`. */
  settled?(): Promise<void>;
  /** An input with its personal values sealed, for entries committed by another writer (an import's worker). */
  sealAll(inputs: readonly JournalEntryInput[]): JournalEntryInput[];
  addProjector(name: string, project: (entries: readonly JournalEntry[]) => void): void;
}

/** What the three parts of access (records, decisions, guard actions) share: one engine, one store, one journal. */
export interface AccessContext {
  readonly store: AccessStore;
  readonly journal: JournalPort;
  readonly clock: Clock;
  readonly engine: AccessEngine;
  readonly bus: GatehouseBus;
  /** An operator's user name as people know them (display name), for messages that name who did something. */
  readonly operatorName: (username: string) => string;
}

export const notFound = (what: string, id: string) =>
  new DomainError('not-found', `${what}.not-found`, `no ${what} "${id}"`, { id });
export const conflict = (code: string, message: string, details: Record<string, unknown> = {}) =>
  new DomainError('conflict', code, message, details);
export const json = (v: unknown): JsonObject => JSON.parse(JSON.stringify(v ?? {})) as JsonObject;

/** The journal entry of a change of records (what `journalChange` appends, or a group commits together). */
export const changeEntry = (
  type: string,
  actor: Actor,
  payload: unknown,
  subjects: SubjectRef[] = [],
  /** Where the payload holds a person's personal values: sealed by the journal before hashing. */
  personal?: PersonalPart,
): JournalEntryInput => ({
  type,
  source: 'access',
  actor,
  subjects,
  payload: json(payload),
  ...(personal ? { personal } : {}),
});

/** Journals a change; `effect` writes it to the store in the same transaction (journal first, never one without the other). */
export const journalChange = async (
  journal: JournalPort,
  type: string,
  actor: Actor,
  payload: unknown,
  subjects: SubjectRef[] = [],
  effect?: () => void,
  personal?: PersonalPart,
): Promise<void> => {
  await journal.append(changeEntry(type, actor, payload, subjects, personal), effect);
};

/** Refuses a change that names records which do not exist, listing (the first ten of) them. */
export const requireAll = (kind: string, ids: readonly string[], exists: (id: string) => boolean): void => {
  const missing = ids.filter((i) => !exists(i));
  if (missing.length > 0)
    throw new DomainError(
      'invalid',
      `${kind}.unknown`,
      `unknown ${kind}: ${missing.slice(0, 10).join(', ')}`,
      {
        missing,
      },
    );
};
