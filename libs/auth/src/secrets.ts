import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/**
 * Session ids, API token secrets and the bootstrap token carry 256 random bits:
 * a plain SHA-256 is enough to store them (unlike passwords, they cannot be
 * guessed), and lets the lookup use an index instead of a slow hash per row.
 */
export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

export const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Ten one-time recovery codes of 10 characters (about 49 bits each), grouped for reading aloud. */
export const newRecoveryCodes = (count = 10): string[] =>
  Array.from({ length: count }, () => {
    const raw = [...randomBytes(10)].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });

export const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/\s+/g, '');
