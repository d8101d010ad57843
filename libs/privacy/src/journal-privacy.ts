import { commitWithSeed, derivedSalt, SEED_BYTES } from './commitment';
import type { KeyLookup, PrivacyKeyring } from './keyring';
import type { PersonKey } from './person-key';
import { type BytesOpening, openBytesAs, openFieldBytes, sealBytesAs } from './person-key';

/** The keys the journal's sealing needs: a keyring's, or a test's in memory. */
export type JournalKeys = { keyOf(personId: string): KeyLookup; keyForWriting(personId: string): PersonKey };

/** Format 1 (entries before format 2): `pf1.` ciphertext of {path: [salt, value]}, bound to this scope. */
const SCOPE_V1 = 'journal-entry';
/**
 * Format 2: `j2.` and the base64url of iv ‖ tag ‖ ciphertext of (salt seed ‖
 * JSON array of the values, in the order of the entry's `personal.paths`),
 * bound to its own scope, so neither format's ciphertext opens as the other.
 */
const SCOPE_V2 = 'journal-entry.v2';
const V2 = 'j2.';

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
  const list = JSON.parse(opened.plain.subarray(SEED_BYTES).toString('utf8')) as unknown;
  // The values are in the order of the signed entry's paths: another count means another entry's.
  if (!Array.isArray(list) || list.length !== paths.length || list.some((v) => typeof v !== 'string'))
    return { ok: false, reason: 'unreadable' };
  const values: Record<string, { value: string; salt: string }> = {};
  paths.forEach((path, i) => (values[path] = { value: list[i] as string, salt: derivedSalt(seed, i) }));
  return { ok: true, values };
};

/**
 * The journal's sealer and opener (libs/journal, `PersonalPrivacy`) over a
 * keyring. An entry's personal values are sealed as one AES-256-GCM
 * ciphertext under the person's key (bound to the person) with one random
 * 32-byte seed from which each value's salt is derived, and each value gets a
 * salted SHA-256 commitment in the entry's payload (format 2, README "Sealed
 * entries"). Entries sealed before (format 1, a salt per value inside the
 * ciphertext) still open.
 */
export const journalPrivacy = (keyring: JournalKeys | PrivacyKeyring) => ({
  /** The values, in the order of the entry's paths (which the entry keeps), sealed; their commitments in that order. */
  sealValues: (personId: string, _paths: readonly string[], values: readonly string[]) => {
    // A known key comes from the cache without a transaction; only a person's first value makes one.
    const found = keyring.keyOf(personId);
    const key = found.kind === 'key' ? found.key : keyring.keyForWriting(personId);
    const { seed, commitments, json } = commitWithSeed(values);
    const plain = Buffer.allocUnsafe(SEED_BYTES + Buffer.byteLength(json));
    seed.copy(plain, 0);
    plain.write(json, SEED_BYTES, 'utf8');
    const sealed = V2 + sealBytesAs(key, 'field', SCOPE_V2, plain).toString('base64url');
    plain.fill(0);
    return { sealed, commitments };
  },
  openValues: (personId: string, sealed: string, paths: readonly string[] = []): Opening => {
    const found = keyring.keyOf(personId);
    // The key is gone: erased, or its row lost (a database restored without its keys). Either way
    // nothing can open the values again, so they show as an erased person's.
    if (found.kind !== 'key') return { ok: false, reason: 'erased' };
    return sealed.startsWith(V2) ? openV2(found.key, sealed, paths) : openV1(found.key, sealed);
  },
});
