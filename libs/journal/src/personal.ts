import {
  DomainError,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type JsonValue,
  type SealedValue,
} from '@gatehouse/contracts';

/** What the journal needs to seal a personal value: the privacy keyring, through `journalPrivacy`. */
export interface PersonalSealer {
  seal(personId: string, path: string, value: string): SealedValue;
}

/** A sealed value opened: the value and its salt, or why not (erased key, not this person's ciphertext). */
export type PersonalOpening =
  { ok: true; value: string; salt: string } | { ok: false; reason: 'erased' | 'unreadable' };

export interface PersonalOpener {
  open(personId: string, path: string, sealed: string): PersonalOpening;
}

export type PersonalPrivacy = PersonalSealer & PersonalOpener;

/** How a value of an erased person shows in every view (the privacy library's ERASED_PERSON). */
export const ERASED_VALUE = 'erased person';
export const UNREADABLE_VALUE = 'unreadable';

const MAX_PATHS = 64;
const PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

type Container = Record<string, JsonValue>;

/** The object holding the value at `path`, and its key; null when the path leads nowhere. */
const locate = (payload: JsonObject, path: string): { parent: Container; key: string } | null => {
  const keys = path.split('.');
  let node: JsonValue = payload;
  for (const k of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return null;
    node = (node as Container)[k] ?? null;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return null;
  return { parent: node as Container, key: keys.at(-1)! };
};

const isSealedValue = (v: JsonValue | undefined): v is JsonObject & SealedValue =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as Container).sealed === 'string' &&
  typeof (v as Container).commitment === 'string';

const invalid = (message: string) => new DomainError('invalid', 'journal.invalid-entry', message);

/**
 * The input with its personal values sealed: each string at one of the paths
 * replaced by `{ sealed, commitment }` in a copy of the payload. A path
 * whose value is absent or not a string (a field cleared to null) seals
 * nothing and is left out of the entry's list, so the list says exactly where
 * ciphertext is. Already sealed inputs (an import sealed before it went to
 * its worker thread) pass unchanged.
 */
export const sealPersonal = (
  input: JournalEntryInput,
  sealer: PersonalSealer | undefined,
): JournalEntryInput => {
  const part = input.personal;
  if (!part || part.sealed) return input;
  if (!sealer)
    throw invalid(`entry "${input.type}" holds personal values and this journal has no keys to seal them`);
  if (part.paths.length > MAX_PATHS || part.paths.some((p) => !PATH.test(p)))
    throw invalid(`entry "${input.type}" names bad personal paths`);
  const payload = structuredClone(input.payload ?? {});
  const paths: string[] = [];
  for (const path of new Set(part.paths)) {
    const at = locate(payload, path);
    const value = at?.parent[at.key];
    if (!at || typeof value !== 'string') continue;
    at.parent[at.key] = { ...sealer.seal(part.personId, path, value) };
    paths.push(path);
  }
  const { personal: _p, ...rest } = input;
  return paths.length === 0
    ? { ...rest, payload }
    : { ...rest, payload, personal: { personId: part.personId, paths, sealed: true } };
};

/**
 * The entry as a person reads it: each sealed value replaced by its clear
 * value (in the shape its producer wrote), by "erased person" once the
 * person's key is gone, or by "unreadable" for a ciphertext that does not
 * open. Never throws: an entry whose key is gone or whose ciphertext was
 * altered still shows. The result is a copy and is no longer the signed
 * original (`personal.opened` says so); the stored JSON, whose leaf hash is
 * what proofs cover, is untouched.
 */
export const openPersonal = (entry: JournalEntry, opener: PersonalOpener | undefined): JournalEntry => {
  const part = entry.personal;
  if (!part || part.paths.length === 0) return entry;
  const payload = structuredClone(entry.payload);
  let erased = false;
  for (const path of part.paths) {
    const at = locate(payload, path);
    const held = at?.parent[at.key];
    if (!at || !isSealedValue(held)) continue;
    const opening = openOne(opener, part.personId, path, held.sealed);
    if (!opening.ok) erased ||= opening.reason === 'erased';
    at.parent[at.key] = opening.ok
      ? opening.value
      : opening.reason === 'erased'
        ? ERASED_VALUE
        : UNREADABLE_VALUE;
  }
  const opened: NonNullable<JournalEntry['personal']> = { ...part, opened: true };
  if (erased) opened.erased = true;
  return { ...entry, payload, personal: opened };
};

/** A disclosed value: with the salt, a third party checks it against the commitment at its path. */
export interface Disclosed {
  value: string;
  salt: string;
}

/**
 * Evidence disclosure (issue 12, item 4): for each sealed value still in the
 * entry (a redacted entry has lost the ones its reader may not see) whose
 * person is not erased, the clear value and its salt, by path. The entry
 * itself stays as signed, so its leaf hash and proofs still check; a third
 * party then checks SHA-256(salt ‖ canonical JSON of value) against the
 * `commitment` at that path. Null when there is nothing to disclose.
 */
export const disclosuresOf = (
  entry: JournalEntry,
  opener: PersonalOpener | undefined,
): Record<string, Disclosed> | null => {
  const part = entry.personal;
  if (!part) return null;
  const out: Record<string, Disclosed> = {};
  for (const path of part.paths) {
    const at = locate(entry.payload, path);
    const held = at?.parent[at.key];
    if (!at || !isSealedValue(held)) continue;
    const opening = openOne(opener, part.personId, path, held.sealed);
    if (opening.ok) out[path] = { value: opening.value, salt: opening.salt };
  }
  return Object.keys(out).length > 0 ? out : null;
};

const openOne = (
  opener: PersonalOpener | undefined,
  personId: string,
  path: string,
  sealed: string,
): PersonalOpening =>
  opener ? safeOpen(opener, personId, path, sealed) : { ok: false, reason: 'unreadable' };

const safeOpen = (
  opener: PersonalOpener,
  personId: string,
  path: string,
  sealed: string,
): PersonalOpening => {
  try {
    return opener.open(personId, path, sealed);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
};
