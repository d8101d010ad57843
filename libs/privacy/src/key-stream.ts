import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { ErasedKeyError, type PersonKey, rawKeyOf, setStreamState, streamStateOf } from './person-key';
import { randomFromPool } from './random-pool';

const COUNTER_BYTES = 16;
const BLOCK_BYTES = 16;
/**
 * Bytes one stream covers; the next seal past it starts another stream (a new
 * random counter). Keeps offsets small integers; two streams' counter ranges
 * (random 128-bit starts, 2^28 blocks each) meet with negligible probability.
 */
export const STREAM_BYTES = 2 ** 32;
/** The keystream's key is derived from the person's key, never the key itself: GCM keeps that one. */
const STREAM_KEY_INFO = 'gatehouse.journal.keystream.v3';

/**
 * Keystream made ahead, per person: a journal entry takes its bytes from the
 * block and XORs them in with a loop, where `cipher.update` per entry made a
 * buffer of its own (memory outside the heap, which every collection tracks
 * and frees) and cost a call into the library. A few entries' worth, so 4096
 * cached keys hold at most 4 MiB of it.
 */
const BLOCK_AHEAD = 1024;
/** What a block is made from: keystream XOR zeros (never written to). */
const ZEROS = Buffer.alloc(BLOCK_AHEAD);

/**
 * A person's journal keystream in this process: AES-256-CTR under a key
 * derived from the person's data key, from a random counter, one cipher kept
 * for the stream's life. Why: a journal entry sealed with its own AES-GCM
 * cipher object paid about 6 µs for making the object, against under 1 µs
 * for XORing the same bytes with a stream already open, and the sealed
 * journal's append rate is the figure. A stream is never rewound:
 * bytes taken for a seal that was never committed, or skipped at the end of a
 * block, are wasted, never reused, and a restart (or a key dropped from the
 * keyring's cache) starts a new stream.
 */
class KeyStream {
  cipher: ReturnType<typeof createCipheriv> | null = null;
  /** The stream's first counter block, base64url, as entries name it. */
  counter = '';
  /** Keystream made ahead: stream bytes [blockOffset, blockOffset + block.length). */
  block: Buffer = Buffer.alloc(0);
  blockOffset = 0;
  /** The next unused byte of the stream. */
  offset = 0;
  constructor(readonly key: Buffer) {}
  wipe(): void {
    this.key.fill(0);
    this.block.fill(0);
    this.cipher = null;
  }
}

const streamOf = (key: PersonKey): KeyStream => {
  const held = streamStateOf(key);
  if (held instanceof KeyStream) return held;
  const raw = rawKeyOf(key);
  if (!raw) throw new ErasedKeyError(key.personId);
  // Memory of its own (not the shared pool), so wiping it wipes nothing else and nothing else keeps it.
  const derived = Buffer.allocUnsafeSlow(32);
  const made = Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), STREAM_KEY_INFO, 32));
  made.copy(derived);
  made.fill(0);
  const stream = new KeyStream(derived);
  setStreamState(key, stream);
  return stream;
};

/** Where bytes were sealed: the stream's first counter block (base64url) and the offset in it. */
export interface StreamPosition {
  counter: string;
  offset: number;
}

/**
 * `n` bytes of the person's keystream, never handed out before: they are
 * `block[at, at + n)`, which the caller uses at once (the block is the
 * stream's, refilled later) and wipes once used, and `position` says where
 * they are in the stream. A caller that needs secret random bytes besides (a
 * journal entry's salts) takes them from here too: keystream nobody else ever
 * sees, and disclosing them discloses no other bytes of it.
 */
export const takeKeystream = (
  key: PersonKey,
  n: number,
  /** Bytes a stream covers: STREAM_BYTES, smaller only in a test of the change of streams. */
  limit = STREAM_BYTES,
): { block: Buffer; at: number } & StreamPosition => {
  const stream = streamOf(key);
  if (n > limit) throw new RangeError('too many bytes for one keystream');
  const ahead = Math.max(BLOCK_AHEAD, n);
  if (stream.cipher === null || stream.offset + n > stream.blockOffset + stream.block.length) {
    // What is left of the block is skipped: the cipher is already past it.
    stream.block.fill(0);
    const next = stream.blockOffset + stream.block.length;
    if (stream.cipher === null || next + ahead > limit) {
      const counter = randomFromPool(COUNTER_BYTES);
      stream.cipher = createCipheriv('aes-256-ctr', stream.key, counter);
      stream.counter = counter.toString('base64url');
      stream.blockOffset = 0;
    } else stream.blockOffset = next;
    stream.block = stream.cipher.update(ahead === BLOCK_AHEAD ? ZEROS : Buffer.alloc(ahead));
    stream.offset = stream.blockOffset;
  }
  const offset = stream.offset;
  stream.offset += n;
  return { block: stream.block, at: offset - stream.blockOffset, counter: stream.counter, offset };
};

/** Adds `blocks` to a 128-bit big-endian counter, in place (wrapping as OpenSSL's CTR does). */
const advance = (counter: Buffer, blocks: number): void => {
  let carry = blocks;
  for (let i = COUNTER_BYTES - 1; i >= 0 && carry > 0; i--) {
    const sum = counter[i]! + (carry % 256);
    counter[i] = sum % 256;
    carry = Math.floor(carry / 256) + (sum >= 256 ? 1 : 0);
  }
};

/**
 * `bytes` XOR the person's keystream at `position`: the sealed bytes back.
 * Null when the position cannot be one this library wrote. An altered
 * position or ciphertext gives other bytes, not an error: a keystream proves
 * nothing, so the caller checks what it opened (the journal, against the
 * entry's signed commitments).
 */
export const openStreamed = (key: PersonKey, position: StreamPosition, bytes: Buffer): Buffer | null => {
  const counter = Buffer.from(position.counter, 'base64url');
  const { offset } = position;
  if (counter.length !== COUNTER_BYTES || !Number.isSafeInteger(offset) || offset < 0) return null;
  if (offset + bytes.length > STREAM_BYTES) return null;
  advance(counter, Math.floor(offset / BLOCK_BYTES));
  const skip = offset % BLOCK_BYTES;
  const decipher = createDecipheriv('aes-256-ctr', streamOf(key).key, counter);
  const input = skip === 0 ? bytes : Buffer.concat([Buffer.alloc(skip), bytes]);
  const out = decipher.update(input);
  // The keystream before the position is another entry's: not left lying in the buffer handed back.
  out.fill(0, 0, skip);
  return out.subarray(skip);
};
