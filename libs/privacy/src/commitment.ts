import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomFromPool } from './random-pool';
import { openAs, type PersonKey, sealAs } from './person-key';

/** Bytes of a commitment's salt. */
export const SALT_BYTES = 32;

export interface Commitment {
  /** 32 random bytes, base64url: disclosed with the value, otherwise kept sealed. */
  salt: string;
  /** SHA-256(salt ‖ canonical value), hex: what a journal entry holds and its leaf hash covers. */
  commitment: string;
}

/**
 * The canonical bytes of a committed value: its RFC 8785 canonical JSON, which
 * for a string is JSON.stringify's (the journal's canonicalJson gives the same).
 */
const canonical = (value: string): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** One-shot hashing: a Hash object per value cost more than the hashing itself. */
const digest = (salt: Buffer, value: string): Buffer =>
  hash('sha256', Buffer.concat([salt, canonical(value)]), 'buffer');

/**
 * A hiding, binding commitment to one field's value. The random salt makes it
 * hiding even for guessable values (names, departments): without the salt no
 * dictionary recovers the value, so the salt must never be stored in clear.
 */
export const commit = (value: string): Commitment => {
  const salt = randomBytes(SALT_BYTES);
  return { salt: salt.toString('base64url'), commitment: digest(salt, value).toString('hex') };
};

/**
 * Bytes to hash a salt and a value in, kept between calls: a commitment wrote
 * salt and value into a new buffer of their own (three allocations and copies
 * per value, four values per journal entry). Grown when a value needs more.
 */
let scratch = Buffer.allocUnsafe(1024);

/**
 * The first `end` bytes of `scratch`, as a view kept per length (a view made
 * per value cost a fifth of its hash) up to 1 KiB; dropped when `scratch`
 * is replaced.
 */
let views: Buffer[] = [];
let viewsOf = scratch;
const scratchView = (end: number): Buffer => {
  if (viewsOf !== scratch) {
    views = [];
    viewsOf = scratch;
  }
  if (end > 1024) return scratch.subarray(0, end);
  return (views[end] ??= scratch.subarray(0, end));
};

/**
 * Commitments to several values, their salts drawn in one call to the random
 * source: a journal entry commits to each of its personal values, and one
 * draw per entry instead of one per value is measurably cheaper. Each value's
 * canonical bytes are written after its salt in one reused buffer, and the
 * digest comes out as hex directly.
 */
export const commitAll = (values: readonly string[]): Commitment[] => {
  const salts = randomFromPool(SALT_BYTES * values.length);
  return values.map((value, i) => {
    const salt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
    const json = JSON.stringify(value);
    // At most 3 bytes of UTF-8 per UTF-16 code unit.
    const room = SALT_BYTES + json.length * 3;
    if (room > scratch.length) scratch = Buffer.allocUnsafe(Math.max(room, scratch.length * 2));
    salt.copy(scratch, 0);
    const end = SALT_BYTES + scratch.write(json, SALT_BYTES, 'utf8');
    const commitment = hash('sha256', scratch.subarray(0, end), 'hex');
    // The value's bytes do not outlive the call in the shared buffer.
    scratch.fill(0, 0, end);
    return { salt: salt.toString('base64url'), commitment };
  });
};

/** Bytes of a salt seed: one per journal entry of format 2, sealed with its values. */
export const SEED_BYTES = 32;

/** Domain label of a derived salt: SHA-256(label ‖ seed ‖ index) is never any other hash's input. */
const SALT_LABEL = Buffer.from('gatehouse.journal.salt.v2\u0000', 'utf8');
const SEED_AT = SALT_LABEL.length;
const INDEX_AT = SEED_AT + SEED_BYTES;

/** label ‖ seed ‖ index, the seed and index written in place for each salt. */
const saltInput = Buffer.alloc(INDEX_AT + 1);
SALT_LABEL.copy(saltInput, 0);

/**
 * The salt of value `index` (0-255) of an entry, as a one-byte-per-byte
 * string: written straight into the commitment's input, where a Buffer per
 * salt cost more than the hash that makes it. Salts derived from a secret seed
 * by a one-way function: disclosing one value's salt tells nothing of the
 * others' (each is a separate SHA-256 of the seed), and without the seed,
 * which exists only inside the entry's ciphertext, no salt can be recomputed.
 */
const derivedSaltLatin1 = (seed: Buffer, index: number): string => {
  if (seed.length !== SEED_BYTES || index < 0 || index > 255) throw new RangeError('bad salt seed or index');
  seed.copy(saltInput, SEED_AT);
  saltInput[INDEX_AT] = index;
  // 'binary' is latin1: one character per byte.
  const salt = hash('sha256', saltInput, 'binary');
  saltInput.fill(0, SEED_AT);
  return salt;
};

/** The salt of value `index` of an entry whose seed is `seed`, base64url: what a disclosure gives. */
export const derivedSalt = (seed: Buffer, index: number): string =>
  Buffer.from(derivedSaltLatin1(seed, index), 'latin1').toString('base64url');

/**
 * Commitments to an entry's values (format 3): value i's salt is bytes
 * [at + 32i, at + 32i + 32) of `salts` (keystream, key-stream.ts) and its commitment
 * SHA-256(salt ‖ canonical JSON of the value), base64url. `jsons` are the
 * values' canonical JSON (JSON.stringify of each string), which the sealer
 * has made for the sealed list anyway. Each value's input is written into one
 * reused buffer and wiped once, after the last.
 */
export const commitWithSalts = (salts: Buffer, at: number, jsons: readonly string[]): string[] => {
  if (at < 0 || salts.length < at + SALT_BYTES * jsons.length)
    throw new RangeError('one 32-byte salt per value');
  const commitments: string[] = [];
  let used = 0;
  for (let i = 0; i < jsons.length; i++) {
    const json = jsons[i]!;
    // At most 3 bytes of UTF-8 per UTF-16 code unit.
    const room = SALT_BYTES + json.length * 3;
    if (room > scratch.length) {
      scratch.fill(0, 0, used);
      scratch = Buffer.allocUnsafe(Math.max(room, scratch.length * 2));
      used = 0;
    }
    // 32 bytes by a loop: Buffer#copy's checks cost more than the copy at this size.
    const from = at + i * SALT_BYTES;
    for (let b = 0; b < SALT_BYTES; b++) scratch[b] = salts[from + b]!;
    const end = SALT_BYTES + scratch.write(json, SALT_BYTES, 'utf8');
    if (end > used) used = end;
    commitments.push(hash('sha256', scratchView(end), 'base64url'));
  }
  scratch.fill(0, 0, used);
  return commitments;
};

/** A commitment's 32 bytes from its hex (format 1) or base64url (format 2) form; null when it is neither. */
export const commitmentBytes = (commitment: string): Buffer | null => {
  if (commitment.length === 64 && /^[0-9a-f]{64}$/.test(commitment)) return Buffer.from(commitment, 'hex');
  if (commitment.length === 43 && /^[A-Za-z0-9_-]{43}$/.test(commitment)) {
    const bytes = Buffer.from(commitment, 'base64url');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
};

/** Whether a disclosed value and salt are the ones committed to; what a third party runs. */
export const verifyCommitment = (value: string, salt: string, commitment: string): boolean => {
  const saltBytes = Buffer.from(salt, 'base64url');
  const expected = commitmentBytes(commitment);
  if (saltBytes.length !== SALT_BYTES || !expected) return false;
  return timingSafeEqual(digest(saltBytes, value), expected);
};

export interface CommittedField {
  /** salt ‖ value sealed under the person's key: erasing the key erases the salt too. */
  sealed: string;
  commitment: string;
}

/**
 * Seals a field together with its commitment's salt, for journal entries whose
 * value a verifier may later need to check: the entry holds both, its leaf
 * hash covers both, and disclosure opens the sealed part.
 */
export const sealCommitted = (key: PersonKey, fieldName: string, value: string): CommittedField => {
  const { salt, commitment } = commit(value);
  const plain = Buffer.concat([Buffer.from(salt, 'base64url'), Buffer.from(value, 'utf8')]);
  return { sealed: sealAs(key, 'committed', fieldName, plain), commitment };
};

export type Disclosure =
  { ok: true; value: string; salt: string } | { ok: false; reason: 'erased' | 'unreadable' };

/** The value and salt to disclose, for a person whose key still exists. */
export const openCommitted = (key: PersonKey, fieldName: string, sealed: string): Disclosure => {
  const opened = openAs(key, 'committed', fieldName, sealed);
  if (!opened.ok) return opened;
  if (opened.plain.length < SALT_BYTES) return { ok: false, reason: 'unreadable' };
  return {
    ok: true,
    salt: opened.plain.subarray(0, SALT_BYTES).toString('base64url'),
    value: opened.plain.subarray(SALT_BYTES).toString('utf8'),
  };
};
