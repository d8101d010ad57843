import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomFromPool } from './random-pool';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 96-bit nonce: iv ‖ tag ‖ ciphertext. The
 * additional data binds the ciphertext to where it belongs, so a value moved
 * to another person, field or key row no longer opens.
 */
export const seal = (key: Buffer, plain: Buffer, aad: Buffer): Buffer => {
  const iv = randomFromPool(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plain);
  // GCM is a stream mode: `final` gives no bytes, only the tag; written into one buffer, not concatenated twice.
  const tail = cipher.final();
  const out = Buffer.allocUnsafe(IV_BYTES + TAG_BYTES + body.length + tail.length);
  iv.copy(out, 0);
  cipher.getAuthTag().copy(out, IV_BYTES);
  body.copy(out, IV_BYTES + TAG_BYTES);
  tail.copy(out, IV_BYTES + TAG_BYTES + body.length);
  return out;
};

/** The plain bytes, or null when the key, the additional data or the bytes are not the sealed ones. */
export const open = (key: Buffer, sealed: Buffer, aad: Buffer): Buffer | null => {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES));
    // `final` checks the tag; GCM gives no bytes there, so the plain bytes are not copied again.
    const tail = decipher.final();
    return tail.length === 0 ? plain : Buffer.concat([plain, tail]);
  } catch {
    return null;
  }
};

/** Additional data as a JSON array of strings: unambiguous whatever the parts contain. */
export const aadOf = (...parts: readonly (string | number)[]): Buffer => Buffer.from(JSON.stringify(parts));
