import { hash } from 'node:crypto';
import { copyInKeyOrder } from './canonical-json';
import {
  DomainError,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type JsonValue,
} from '@gatehouse/contracts';

/** A value disclosed with its salt: SHA-256(salt ‖ canonical JSON of value) is its commitment (hex in format 1, base64url in format 2). */
export interface Disclosed {
  value: string;
  salt: string;
}

/**
 * What the journal needs to seal an entry's personal values: the privacy
 * keyring, through `journalPrivacy`. One ciphertext per entry (all its values
 * and their salts) and one commitment per value: a single AES-GCM operation
 * per entry keeps the journal's append rate.
 */
export interface PersonalSealer {
  /**
   * Seals an entry's values, given in the order of their paths (`paths[i]`
   * holds `values[i]`); the commitments come back in that order. A list, not
   * an object keyed by path: none is made and read back per entry, and no key
   * order of the engine's (integer-like keys first) can reorder the values
   * against the paths that format 2 opens them by.
   */
  sealValues(
    personId: string,
    paths: readonly string[],
    values: readonly string[],
  ): { sealed: string; commitments: readonly string[] };
}

export type PersonalOpening =
  { ok: true; values: Record<string, Disclosed> } | { ok: false; reason: 'erased' | 'unreadable' };

export interface PersonalOpener {
  /** `paths`: the entry's `personal.paths`, in order (format 2 seals the values as a list in that order). */
  openValues(personId: string, sealed: string, paths: readonly string[]): PersonalOpening;
}

export type PersonalPrivacy = PersonalSealer & PersonalOpener;

/** How a value of an erased person shows in every view (the privacy library's ERASED_PERSON). */
export const ERASED_VALUE = 'erased person';
export const UNREADABLE_VALUE = 'unreadable';

const MAX_PATHS = 64;
const PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;
const SALT_BYTES = 32;

type Container = Record<string, JsonValue>;

/**
 * Each valid path's keys, split once: the same few paths (a cardholder's four
 * fields) come with every entry, and checking and splitting them again per
 * entry was a measurable part of sealing. A path in the table was checked
 * against PATH; one lookup gives both. Bounded like canonical JSON's key table.
 */
const splitPaths = new Map<string, readonly string[]>();
const MAX_SPLIT_PATHS = 4096;

/** The path's keys, or null when it is not a valid path. */
const checkedKeys = (path: string): readonly string[] | null => {
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    if (typeof path !== 'string' || !PATH.test(path)) return null;
    keys = path.split('.');
    if (splitPaths.size < MAX_SPLIT_PATHS) splitPaths.set(path, keys);
  }
  return keys;
};

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

/**
 * The object holding the value at `keys` (a path's) in `root`, found in one
 * walk that replaces each object on the way by a copy of its own (once:
 * `copies` holds those made; a list, as an entry's few paths share most of
 * their way), so a value can be replaced there without touching the caller's
 * payload; the rest is shared. A deep copy of the whole payload cost more per
 * entry than the sealing itself. Null when the path leads nowhere.
 */
const parentCopying = (root: Container, keys: readonly string[], copies: object[]): Container | null => {
  let node = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const child = node[keys[i]!];
    if (child === null || child === undefined || typeof child !== 'object' || Array.isArray(child))
      return null;
    let next = child as Container;
    if (!copies.includes(next)) {
      // In key order, as the journal builds its own objects: canonical JSON then writes them natively.
      next = copyInKeyOrder(next);
      copies.push(next);
      node[keys[i]!] = next;
    }
    node = next;
  }
  return node;
};

/** The commitment at a path of a stored entry, if that is what the path holds. */
const commitmentAt = (
  payload: JsonObject,
  path: string,
): { at: { parent: Container; key: string }; commitment: string } | null => {
  const at = locate(payload, path);
  const held = at?.parent[at.key];
  if (!at || held === null || typeof held !== 'object' || Array.isArray(held)) return null;
  const commitment = (held as Container).commitment;
  return typeof commitment === 'string' ? { at, commitment } : null;
};

/** How a commitment is written: hex (entries of format 1) or base64url (format 2); null when it is neither. */
const commitmentForm = (commitment: string): 'hex' | 'base64url' | null => {
  if (commitment.length === 64 && /^[0-9a-f]{64}$/.test(commitment)) return 'hex';
  if (commitment.length === 43 && /^[A-Za-z0-9_-]{43}$/.test(commitment)) return 'base64url';
  return null;
};

/**
 * Whether a disclosed value and salt are the ones committed to: the check a
 * third party runs (README, "Disclosing a personal value"), made here too so
 * a ciphertext copied from another entry of the same person never shows as
 * this entry's value.
 */
export const matchesCommitment = (value: string, salt: string, commitment: string): boolean => {
  const saltBytes = Buffer.from(salt, 'base64url');
  const form = commitmentForm(commitment);
  if (saltBytes.length !== SALT_BYTES || !form) return false;
  // One-shot hashing straight to the commitment's own text: a Hash object, or a digest as a Buffer
  // (memory of its own outside the heap), per value is what every young-generation collection has to
  // finalise or sweep (an export checks four per line; each collection took 1.5 ms per 10,000 Hash
  // objects against 0.2 ms without). A plain comparison: the commitment is public, in the signed entry.
  const canonical = Buffer.from(JSON.stringify(value), 'utf8');
  return hash('sha256', Buffer.concat([saltBytes, canonical]), form) === commitment;
};

const invalid = (message: string) => new DomainError('invalid', 'journal.invalid-entry', message);

/**
 * The input with its personal values sealed: each string at one of the paths
 * replaced by `{ commitment }` in a copy of the payload, the values and salts
 * sealed together in `personal.sealed`. A path whose value is absent or not a
 * string (a field cleared to null) seals nothing and is left out of the list,
 * so the list says exactly where commitments are. Already sealed inputs (an
 * import sealed before it went to its worker thread) pass unchanged.
 */
export const sealPersonal = (
  input: JournalEntryInput,
  sealer: PersonalSealer | undefined,
): JournalEntryInput => {
  const part = input.personal;
  if (!part || part.sealed !== undefined) return input;
  if (!sealer)
    throw invalid(`entry "${input.type}" holds personal values and this journal has no keys to seal them`);
  const paths = part.paths;
  if (paths.length > MAX_PATHS) throw invalid(`entry "${input.type}" names bad personal paths`);
  const keyLists: (readonly string[])[] = [];
  for (const path of paths) {
    const keys = checkedKeys(path);
    if (keys === null) throw invalid(`entry "${input.type}" names bad personal paths`);
    keyLists.push(keys);
  }
  const payload: Container = copyInKeyOrder(input.payload ?? {});
  const copies: object[] = [payload];
  // In the order of the paths: the sealed list and the commitments follow it.
  const kept: string[] = [];
  const values: string[] = [];
  const parents: Container[] = [];
  const names: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    // A path named twice is sealed once (its value is still the string the first time round).
    if (kept.includes(path)) continue;
    const keys = keyLists[i]!;
    const parent = parentCopying(payload, keys, copies);
    const name = keys[keys.length - 1]!;
    const value = parent?.[name];
    if (!parent || typeof value !== 'string') continue;
    kept.push(path);
    values.push(value);
    parents.push(parent);
    names.push(name);
  }
  if (parents.length === 0) {
    const { personal: _p, ...rest } = input;
    return { ...rest, payload };
  }
  const { sealed, commitments } = sealer.sealValues(part.personId, kept, values);
  for (let i = 0; i < parents.length; i++) parents[i]![names[i]!] = { commitment: commitments[i]! };
  // A spread and an override: leaving `personal` out by a rest pattern copied the input the slow way.
  return { ...input, payload, personal: { personId: part.personId, paths: kept, sealed } };
};

const openAll = (entry: JournalEntry, opener: PersonalOpener | undefined): PersonalOpening => {
  const part = entry.personal!;
  if (!opener || typeof part.sealed !== 'string') return { ok: false, reason: 'unreadable' };
  try {
    return opener.openValues(part.personId, part.sealed, part.paths);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
};

/**
 * The entry's opened values, each checked against the commitment at its path,
 * all or nothing: one value that does not match (or a path the opening does
 * not give) makes the whole entry unreadable. Why all: a ciphertext of format
 * 3 carries no tag of its own (the commitments are what authenticate it), and
 * showing the values that still matched after one was altered told whoever
 * can write the database something about the altered one (whether it still
 * parsed), so with role redaction after opening, a value one may not see could
 * be read byte by byte from the ones one may. Any alteration now gives one
 * answer. A path whose commitment is not in the entry (redacted away before
 * disclosure) is left out, not a failure.
 */
const checkedOpening = (entry: JournalEntry, opener: PersonalOpener | undefined): PersonalOpening => {
  const opening = openAll(entry, opener);
  if (!opening.ok) return opening;
  const checked: Record<string, Disclosed> = {};
  for (const path of entry.personal!.paths) {
    const found = commitmentAt(entry.payload, path);
    if (!found) continue;
    const disclosed = opening.values[path];
    if (!disclosed || !matchesCommitment(disclosed.value, disclosed.salt, found.commitment))
      return { ok: false, reason: 'unreadable' };
    checked[path] = disclosed;
  }
  return { ok: true, values: checked };
};

/**
 * The entry as a person reads it: each committed value replaced by its clear
 * value (in the shape its producer wrote), by "erased person" once the
 * person's key is gone, or by "unreadable" (every value of the entry) for a
 * ciphertext that does not open or a value that does not match its
 * commitment (see `checkedOpening`). Never throws. The
 * result is a new entry and no longer the signed original (`personal.opened`
 * says so, and the ciphertext is left out): the objects on the way to an
 * opened value are copies, the rest is shared with `entry` (neither is
 * changed afterwards); the stored JSON, whose leaf hash is what proofs
 * cover, is untouched.
 */
export const openPersonal = (entry: JournalEntry, opener: PersonalOpener | undefined): JournalEntry => {
  const part = entry.personal;
  if (!part || part.paths.length === 0) return entry;
  // Copies of the objects on the way to each opened value only (as sealing makes them), not a deep
  // copy of the payload: an export opens tens of thousands of entries in a row.
  const payload: Container = { ...entry.payload };
  const copies: object[] = [payload];
  const opening = checkedOpening(entry, opener);
  for (const path of part.paths) {
    const found = commitmentAt(entry.payload, path);
    const keys = checkedKeys(path) ?? path.split('.');
    const parent = found && parentCopying(payload, keys, copies);
    if (!found || !parent) continue;
    parent[keys[keys.length - 1]!] = opening.ok
      ? opening.values[path]!.value
      : opening.reason === 'erased'
        ? ERASED_VALUE
        : UNREADABLE_VALUE;
  }
  const { sealed: _s, ...kept } = part;
  const opened: NonNullable<JournalEntry['personal']> = { ...kept, opened: true };
  if (!opening.ok && opening.reason === 'erased') opened.erased = true;
  return { ...entry, payload, personal: opened };
};

/**
 * Evidence disclosure (issue 12, item 4): for each commitment still in the
 * entry (a redacted entry has lost those its reader may not see) of a person
 * not erased, the clear value and its salt, by path. The entry itself stays
 * as signed, so its leaf hash and proofs still check; a third party then
 * checks SHA-256(salt ‖ canonical JSON of value) against the `commitment` at
 * that path. Null when there is nothing to disclose.
 */
export const disclosuresOf = (
  entry: JournalEntry,
  opener: PersonalOpener | undefined,
): Record<string, Disclosed> | null => {
  const part = entry.personal;
  if (!part || part.paths.length === 0) return null;
  const opening = checkedOpening(entry, opener);
  if (!opening.ok) return null;
  const out: Record<string, Disclosed> = {};
  for (const [path, { value, salt }] of Object.entries(opening.values)) out[path] = { value, salt };
  return Object.keys(out).length > 0 ? out : null;
};
