import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * OSDP secure channel cryptography (INTEROP.md section 1, SIA OSDP 2.2
 * section 7 and Annex E): AES-128 session keys from the base key and the CP's
 * random, the cryptograms of the handshake, the chained MAC and the data
 * encryption. Pure functions and one small state holder, no I/O.
 */

/** The well-known install key SCBK-D: only for a PD that has no key of its own yet. */
export const SCBK_D = Uint8Array.from(Buffer.from('303132333435363738393a3b3c3d3e3f', 'hex'));

export const SCS = {
  CHLNG: 0x11,
  CCRYPT: 0x12,
  SCRYPT: 0x13,
  RMAC_I: 0x14,
  CMD_MAC: 0x15,
  REPLY_MAC: 0x16,
  CMD_MAC_ENC: 0x17,
  REPLY_MAC_ENC: 0x18,
} as const;

export interface SessionKeys {
  enc: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
}

/**
 * One ECB cipher per key, reused: without padding, ECB's update() encrypts each
 * whole block on its own, and making a cipher costs more than the block (a
 * secure poll and its reply take four blocks; readers are polled ten times a second).
 */
const ciphers = new WeakMap<Uint8Array, ReturnType<typeof createCipheriv>>();
const ecb = (key: Uint8Array, block: Uint8Array): Uint8Array => {
  let c = ciphers.get(key);
  if (!c) {
    c = createCipheriv('aes-128-ecb', key, null);
    c.setAutoPadding(false);
    ciphers.set(key, c);
  }
  return Uint8Array.from(c.update(block));
};

const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((v, i) => v ^ b[i]!);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

const derive = (scbk: Uint8Array, kind: number, rndA: Uint8Array) => {
  const block = new Uint8Array(16);
  block[0] = 0x01;
  block[1] = kind;
  block.set(rndA.subarray(0, 6), 2);
  return ecb(scbk, block);
};

export const sessionKeys = (scbk: Uint8Array, rndA: Uint8Array): SessionKeys => {
  if (scbk.length !== 16) throw new RangeError('a secure channel base key is 16 bytes');
  return { enc: derive(scbk, 0x82, rndA), mac1: derive(scbk, 0x01, rndA), mac2: derive(scbk, 0x02, rndA) };
};

/** The PD's proof (in CCRYPT): E(S-ENC, rndA || rndB). */
export const clientCryptogram = (k: SessionKeys, rndA: Uint8Array, rndB: Uint8Array) =>
  ecb(k.enc, concat(rndA, rndB));

/** The CP's proof (in SCRYPT): E(S-ENC, rndB || rndA). */
export const serverCryptogram = (k: SessionKeys, rndA: Uint8Array, rndB: Uint8Array) =>
  ecb(k.enc, concat(rndB, rndA));

/** The first R-MAC, which seeds the MAC chain: E(S-MAC2, E(S-MAC1, server cryptogram)). */
export const initialRmac = (k: SessionKeys, server: Uint8Array) => ecb(k.mac2, ecb(k.mac1, server));

/**
 * The chained MAC: CBC over the message with S-MAC1 for every block but the
 * last, S-MAC2 for the last; `80 00..` pads only a message that is not a whole
 * number of blocks. The IV is the last MAC of the other direction.
 */
export const computeMac = (k: SessionKeys, iv: Uint8Array, message: Uint8Array): Uint8Array => {
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const padded = new Uint8Array(blocks * 16);
  padded.set(message);
  if (message.length % 16 !== 0 || message.length === 0) padded[message.length] = 0x80;
  let chain = iv;
  for (let i = 0; i < blocks; i++) {
    const block = xor(padded.subarray(i * 16, i * 16 + 16), chain);
    chain = ecb(i === blocks - 1 ? k.mac2 : k.mac1, block);
  }
  return chain;
};

const not = (b: Uint8Array) => b.map((v) => ~v & 0xff);

/** Data is always padded with 80 then zeros and encrypted AES-CBC with S-ENC; the IV is NOT of the other side's last MAC. */
export const encryptData = (k: SessionKeys, otherMac: Uint8Array, data: Uint8Array): Uint8Array => {
  const padded = new Uint8Array(Math.floor(data.length / 16) * 16 + 16);
  padded.set(data);
  padded[data.length] = 0x80;
  const c = createCipheriv('aes-128-cbc', k.enc, not(otherMac));
  c.setAutoPadding(false);
  return Uint8Array.from(Buffer.concat([c.update(padded), c.final()]));
};

/** The inverse of encryptData, or null when the length or the padding is wrong. */
export const decryptData = (k: SessionKeys, otherMac: Uint8Array, data: Uint8Array): Uint8Array | null => {
  if (data.length === 0 || data.length % 16 !== 0) return null;
  const d = createDecipheriv('aes-128-cbc', k.enc, not(otherMac));
  d.setAutoPadding(false);
  const plain = Uint8Array.from(Buffer.concat([d.update(data), d.final()]));
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0 || plain[end] !== 0x80 || plain.length - end > 16) return null;
  return plain.subarray(0, end);
};

/** Constant-time comparison of MACs and cryptograms. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
};
