import { hash } from 'node:crypto';

const BLOCK = 64;

/**
 * HMAC-SHA256 (RFC 2104) under one fixed key, made of two one-shot hashes:
 * H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), the padded keys computed once. The same
 * bytes as `createHmac`, without an Hmac object per message: each is a native
 * handle that every young-generation collection processes, and an import
 * digests several per person (a blind-index token, an employee number).
 */
export const hmacSha256 = (key: Buffer): ((message: string) => Buffer) => {
  const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  for (let i = 0; i < k.length; i++) {
    inner[i] ^= k[i]!;
    outer[i] ^= k[i]!;
  }
  return (message) => {
    const innerDigest = hash('sha256', Buffer.concat([inner, Buffer.from(message, 'utf8')]), 'buffer');
    return hash('sha256', Buffer.concat([outer, innerDigest]), 'buffer');
  };
};
