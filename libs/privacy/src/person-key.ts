import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { aadOf, open, seal } from './aead';

const FIELD_PREFIX = 'pf1.';
let readRaw: (key: PersonKey) => Buffer | null;
/** What a key holds of its journal keystream (key-stream.ts): wiped when the key is destroyed. */
export interface StreamState {
  wipe(): void;
}
let readStream: (key: PersonKey) => StreamState | null;
let writeStream: (key: PersonKey, stream: StreamState) => void;
let dropStream: (key: PersonKey) => void;

/** A copy in memory of its own (outside the shared pool), for bytes kept as long as a key is. */
const ownCopy = (bytes: Buffer): Buffer => {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
};

/**
 * One person's AES-256-GCM data key, in the clear only inside this process.
 * The bytes live in a private field (`#raw`), never in a property: JSON, logs,
 * `util.inspect`, a spread or a structured clone carry the person id alone.
 * Once destroyed (the person erased) it refuses to seal or open anything.
 * (Not a module-wide WeakMap, as before: one table of every key ever made,
 * whose growth rehashed it on the event loop, 27 ms on a core while an import
 * made 10,000 keys, and whose weak entries every collection had to trace.)
 */
export class PersonKey {
  #raw: Buffer | null;
  /**
   * The additional data this key last sealed or opened with, and its (kind, name): the journal
   * seals every entry of a person under the same one, and making its JSON and bytes again cost
   * more than a tenth of an entry's AES-GCM. Not secret (person id, kind, name).
   */
  #aadKind: SealKind | null = null;
  #aadName = '';
  #aad: Buffer | null = null;
  /**
   * The journal's keystream under this key (key-stream.ts), made on first use:
   * dropped with the key, so an erased person's stream dies with the key.
   */
  #stream: StreamState | null = null;

  constructor(
    readonly personId: string,
    raw: Buffer,
  ) {
    if (raw.length !== 32) throw new Error('a person key has 32 bytes');
    // Memory of its own, not a slice of Node's shared 8 KiB pool: a key kept for hours (the gateway
    // keeps a whole site's) would keep its pool block alive, up to 8 KiB a key.
    this.#raw = ownCopy(raw);
  }

  static {
    // The one way in from outside the class, kept in this module (see `rawKeyOf`).
    readRaw = (key) => key.#raw;
    readStream = (key) => (key.#raw === null ? null : key.#stream);
    writeStream = (key, stream) => {
      if (key.#raw !== null) key.#stream = stream;
    };
    dropStream = (key) => {
      key.#stream?.wipe();
      key.#stream = null;
    };
  }

  static generate(personId: string): PersonKey {
    return new PersonKey(personId, randomBytes(32));
  }

  get destroyed(): boolean {
    return this.#raw === null;
  }

  /** The additional data binding a ciphertext to this person, kind and name (see `sealedAad`). */
  aadOf(kind: SealKind, name: string): Buffer {
    if (this.#aad === null || this.#aadKind !== kind || this.#aadName !== name) {
      this.#aad = ownCopy(sealedAad(this.personId, kind, name));
      this.#aadKind = kind;
      this.#aadName = name;
    }
    return this.#aad;
  }

  /** Overwrites the bytes and forgets them. */
  destroy(): void {
    this.#raw?.fill(0);
    this.#raw = null;
    this.#stream?.wipe();
    this.#stream = null;
  }

  toJSON(): { personId: string; key: string } {
    return { personId: this.personId, key: '[hidden]' };
  }

  toString(): string {
    return `[person key of ${this.personId}]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The raw bytes, for wrapping under the master key; not exported from the library. */
export const rawKeyOf = (key: PersonKey): Buffer | null => readRaw(key);

/** The key's journal keystream state (key-stream.ts); not exported from the library. */
export const streamStateOf = (key: PersonKey): StreamState | null => readStream(key);
export const setStreamState = (key: PersonKey, stream: StreamState): void => writeStream(key, stream);
/**
 * Wipes and forgets the key's keystream (its derived key, the block made
 * ahead) without destroying the key: for a key the keyring lets go of, which
 * may still be held a moment longer; a later use starts a new stream.
 */
export const dropStreamOf = (key: PersonKey): void => dropStream(key);

export class ErasedKeyError extends Error {
  constructor(readonly personId: string) {
    super(`the data key of person ${personId} was destroyed`);
    this.name = 'ErasedKeyError';
  }
}

export type FieldOpening = { ok: true; value: string } | { ok: false; reason: 'erased' | 'unreadable' };

/** What a ciphertext holds; part of its additional data, so none opens as another. */
export type SealKind = 'field' | 'committed' | 'envelope';
export type BytesOpening = { ok: true; plain: Buffer } | { ok: false; reason: 'erased' | 'unreadable' };

const sealedAad = (personId: string, kind: SealKind, name: string) =>
  aadOf('gatehouse.sealed.v1', personId, kind, name);

/** iv ‖ tag ‖ ciphertext of `plain` under the person's key, bound to (person, kind, name), as bytes. */
export const sealBytesAs = (key: PersonKey, kind: SealKind, name: string, plain: Buffer): Buffer => {
  const raw = rawKeyOf(key);
  if (!raw) throw new ErasedKeyError(key.personId);
  return seal(raw, plain, key.aadOf(kind, name));
};

export const openBytesAs = (key: PersonKey, kind: SealKind, name: string, sealed: Buffer): BytesOpening => {
  const raw = rawKeyOf(key);
  if (!raw) return { ok: false, reason: 'erased' };
  const plain = open(raw, sealed, key.aadOf(kind, name));
  return plain ? { ok: true, plain } : { ok: false, reason: 'unreadable' };
};

export const sealAs = (key: PersonKey, kind: SealKind, name: string, plain: Buffer): string =>
  FIELD_PREFIX + sealBytesAs(key, kind, name, plain).toString('base64url');

export const openAs = (key: PersonKey, kind: SealKind, name: string, sealed: string): BytesOpening => {
  if (!rawKeyOf(key)) return { ok: false, reason: 'erased' };
  if (!sealed.startsWith(FIELD_PREFIX)) return { ok: false, reason: 'unreadable' };
  return openBytesAs(key, kind, name, Buffer.from(sealed.slice(FIELD_PREFIX.length), 'base64url'));
};

/** A personal field that is bytes (a photo). */
export const sealFieldBytes = (key: PersonKey, fieldName: string, plain: Buffer): string =>
  sealAs(key, 'field', fieldName, plain);

export const openFieldBytes = (key: PersonKey, fieldName: string, sealed: string): BytesOpening =>
  openAs(key, 'field', fieldName, sealed);

/**
 * Encrypts one personal field under the person's key, bound to (person id,
 * field name): the result, copied into another person's record or another
 * field, does not open. Each call uses a fresh nonce, so equal values give
 * unequal ciphertexts.
 */
export const sealField = (key: PersonKey, fieldName: string, value: string): string =>
  sealFieldBytes(key, fieldName, Buffer.from(value, 'utf8'));

/** The clear value, or why not: the key was destroyed, or the ciphertext is not this person's field. */
export const openField = (key: PersonKey, fieldName: string, sealed: string): FieldOpening => {
  const opened = openFieldBytes(key, fieldName, sealed);
  return opened.ok ? { ok: true, value: opened.plain.toString('utf8') } : opened;
};

export type PersonalFields = Record<string, string | null>;
export type FieldsOpening =
  { ok: true; fields: PersonalFields } | { ok: false; reason: 'erased' | 'unreadable' };

/**
 * Seals several personal fields of one record as one ciphertext bound to
 * (person id, scope): one AES-GCM operation per record write instead of one
 * per field, for stored records (which are read and written whole). Journal
 * entries, which name the fields that changed, seal each field on its own.
 */
export const sealFields = (key: PersonKey, scope: string, fields: PersonalFields): string =>
  sealAs(key, 'envelope', scope, Buffer.from(JSON.stringify(fields), 'utf8'));

export const openFields = (key: PersonKey, scope: string, sealed: string): FieldsOpening => {
  const opened = openAs(key, 'envelope', scope, sealed);
  if (!opened.ok) return opened;
  const fields = JSON.parse(opened.plain.toString('utf8')) as unknown;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    return { ok: false, reason: 'unreadable' };
  return { ok: true, fields: fields as PersonalFields };
};
