import { commitWithSalts, derivedSalt, SALT_BYTES, SEED_BYTES } from './commitment';
import { openStreamed, takeKeystream } from './key-stream';
import type { KeyLookup, PrivacyKeyring } from './keyring';
import type { PersonKey } from './person-key';
import { type BytesOpening, openBytesAs, openFieldBytes } from './person-key';

/** The keys the journal's sealing needs: a keyring's, or a test's in memory. */
export type JournalKeys = { keyOf(personId: string): KeyLookup; keyForWriting(personId: string): PersonKey };

/** Format 1 (the first entries sealed): `pf1.` ciphertext of {path: [salt, value]}, bound to this scope. */
const SCOPE_V1 = 'journal-entry';
/**
 * Format 2: `j2.` and the base64url of iv ‖ tag ‖ ciphertext of (salt seed ‖
 * JSON array of the values, in the order of the entry's `personal.paths`),
 * bound to its own scope, so neither format's ciphertext opens as the other.
 */
const SCOPE_V2 = 'journal-entry.v2';
const V2 = 'j2.';
/**
 * Format 3: `j3.<counter>.<offset>.<ciphertext>`, the person's journal
 * keystream (key-stream.ts) at that position XORed with 32 zero bytes per
 * value and the JSON list of the values: the first 32·n bytes out are the
 * values' salts (never stored), the rest is stored. README "Sealed entry
 * formats".
 */
const V3 = 'j3.';
const POSITION = /^j3\.([A-Za-z0-9_-]{22})\.(0|[1-9][0-9]{0,9})\.([A-Za-z0-9_-]*)$/;

type Opening =
  | { ok: true; values: Record<string, { value: string; salt: string }> }
  | { ok: false; reason: 'erased' | 'unreadable' };

const openV1 = (key: PersonKey, sealed: string): Opening => {
  const opened = openFieldBytes(key, SCOPE_V1, sealed);
  if (!opened.ok) return opened;
  const inside = JSON.parse(opened.plain.toString('utf8')) as Record<string, [string, string]>;
  const values: Record<string, { value: string; salt: string }> = {};
  for (const [path, [salt, value]] of Object.entries(inside)) values[path] = { value, salt };
  return { ok: true, values };
};

const openV2 = (key: PersonKey, sealed: string, paths: readonly string[]): Opening => {
  const opened: BytesOpening = openBytesAs(
    key,
    'field',
    SCOPE_V2,
    Buffer.from(sealed.slice(V2.length), 'base64url'),
  );
  if (!opened.ok) return opened;
  if (opened.plain.length < SEED_BYTES) return { ok: false, reason: 'unreadable' };
  const seed = opened.plain.subarray(0, SEED_BYTES);
  return valuesOf(parsed(opened.plain.subarray(SEED_BYTES).toString('utf8')), paths, (i) =>
    derivedSalt(seed, i),
  );
};

/**
 * Where an entry's list is written and sealed, kept between entries and wiped
 * after each: a buffer of its own per entry was memory outside the heap that
 * every collection had to track and free. Grown when a list needs more.
 */
let plainScratch = Buffer.alloc(4096);
const plainBuffer = (bytes: number): Buffer => {
  if (bytes > plainScratch.length) plainScratch = Buffer.alloc(Math.max(bytes, plainScratch.length * 2));
  return plainScratch;
};

const unreadable: Opening = { ok: false, reason: 'unreadable' };

/** The opened list, if it is one string per path, with each value's salt. */
const valuesOf = (list: unknown, paths: readonly string[], saltOf: (i: number) => string): Opening => {
  // The values are in the order of the signed entry's paths: another count means another entry's.
  if (!Array.isArray(list) || list.length !== paths.length || list.some((v) => typeof v !== 'string'))
    return unreadable;
  const values: Record<string, { value: string; salt: string }> = {};
  paths.forEach((path, i) => (values[path] = { value: list[i] as string, salt: saltOf(i) }));
  return { ok: true, values };
};

const parsed = (json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
};

/**
 * Opens a format-3 entry. The keystream proves nothing by itself: an altered
 * ciphertext or position opens to other bytes. What proves the values is
 * their commitments in the signed entry, which every reader checks
 * (libs/journal, personal.ts) before it shows or discloses a value.
 */
const openV3 = (key: PersonKey, sealed: string, paths: readonly string[]): Opening => {
  const found = POSITION.exec(sealed);
  if (!found) return unreadable;
  const saltBytes = SALT_BYTES * paths.length;
  const body = Buffer.from(found[3]!, 'base64url');
  const input = Buffer.alloc(saltBytes + body.length);
  body.copy(input, saltBytes);
  // The key destroyed between the lookup and here (erased meanwhile): erased, as the lookup would say.
  if (key.destroyed) return { ok: false, reason: 'erased' };
  const out = openStreamed(key, { counter: found[1]!, offset: Number(found[2]) }, input);
  if (!out) return unreadable;
  const opening = valuesOf(parsed(out.subarray(saltBytes).toString('utf8')), paths, (i) =>
    out.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES).toString('base64url'),
  );
  out.fill(0);
  return opening;
};

/**
 * The journal's sealer and opener (libs/journal, `PersonalPrivacy`) over a
 * keyring. An entry's personal values are sealed under the person's key with
 * its journal keystream, which also gives each value a secret salt, and each
 * value gets a salted SHA-256 commitment in the entry's payload (format 3,
 * README "Sealed entry formats"). Entries sealed before (formats 1 and 2,
 * AES-GCM) still open.
 */
export const journalPrivacy = (keyring: JournalKeys | PrivacyKeyring) => ({
  /** The values, in the order of the entry's paths (which the entry keeps), sealed; their commitments in that order. */
  sealValues: (personId: string, _paths: readonly string[], values: readonly string[]) => {
    // A known key comes from the cache without a transaction; only a person's first value makes one.
    const found = keyring.keyOf(personId);
    const key = found.kind === 'key' ? found.key : keyring.keyForWriting(personId);
    const jsons: string[] = [];
    let list = '[';
    for (const value of values) {
      const json = JSON.stringify(value);
      list += jsons.length === 0 ? json : `,${json}`;
      jsons.push(json);
    }
    list += ']';
    const saltBytes = SALT_BYTES * values.length;
    const plain = plainBuffer(list.length * 3);
    const length = plain.write(list, 0, 'utf8');
    // Salts first, then the list's bytes: one take of keystream for both.
    const { block, at, counter, offset } = takeKeystream(key, saltBytes + length);
    const commitments = commitWithSalts(block, at, jsons);
    const from = at + saltBytes;
    for (let i = 0; i < length; i++) plain[i] = plain[i]! ^ block[from + i]!;
    const sealed = `${V3}${counter}.${offset}.${plain.toString('base64url', 0, length)}`;
    plain.fill(0, 0, length);
    block.fill(0, at, from + length);
    return { sealed, commitments };
  },
  openValues: (personId: string, sealed: string, paths: readonly string[] = []): Opening => {
    const found = keyring.keyOf(personId);
    // The key is gone: erased, or its row lost (a database restored without its keys). Either way
    // nothing can open the values again, so they show as an erased person's.
    if (found.kind !== 'key') return { ok: false, reason: 'erased' };
    if (sealed.startsWith(V3)) return openV3(found.key, sealed, paths);
    return sealed.startsWith(V2) ? openV2(found.key, sealed, paths) : openV1(found.key, sealed);
  },
});
