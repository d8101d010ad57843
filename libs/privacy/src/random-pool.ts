import { randomBytes } from 'node:crypto';

const POOL_BYTES = 16 * 1024;

let pool = Buffer.alloc(0);
let used = 0;

/**
 * `n` bytes from the system's CSPRNG, drawn in blocks: one call to the random
 * source costs about as much as sealing a small value, and the journal draws
 * a nonce and salts for every entry. Each byte is handed out once: a used-up
 * block is replaced by a new buffer, never refilled in place, so bytes already
 * handed out (views of the old block) never change.
 */
export const randomFromPool = (n: number): Buffer => {
  if (n > POOL_BYTES / 4) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const out = pool.subarray(used, used + n);
  used += n;
  return out;
};
