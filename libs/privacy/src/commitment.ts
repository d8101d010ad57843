import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomFromPool } from './random-pool';
import { openAs, type PersonKey, sealAs } from './person-key';

const SALT_BYTES = 32;

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

/** Whether a disclosed value and salt are the ones committed to; what a third party runs. */
export const verifyCommitment = (value: string, salt: string, commitment: string): boolean => {
  const saltBytes = Buffer.from(salt, 'base64url');
  const expected = Buffer.from(commitment, 'hex');
  if (saltBytes.length !== SALT_BYTES || expected.length !== 32) return false;
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
