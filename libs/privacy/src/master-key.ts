import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';

/** The environment variable the master key may come from instead of a file. */
export const MASTER_KEY_ENV = 'GATEHOUSE_MASTER_KEY';

export type MasterKeyProblem =
  | 'missing' // neither the file nor the variable holds one
  | 'ambiguous' // both do: which one is meant is not guessed
  | 'malformed' // not base64 or hex
  | 'wrong-length' // decodes, but not to 32 bytes
  | 'permissions' // the file is readable by others and could not be tightened
  | 'wrong-key' // no master key version of this database has its check value
  | 'missing-version'; // some data keys are wrapped by a version no given key opens

/** Why the master key cannot be used; the gateway refuses to start with it and says this. */
export class MasterKeyError extends Error {
  constructor(
    readonly problem: MasterKeyProblem,
    message: string,
  ) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** HKDF info labels: one key per purpose, none usable for another. */
export const PURPOSE = {
  wrap: 'gatehouse/privacy/key-wrap/v1',
  check: 'gatehouse/privacy/key-check/v1',
} as const;

const CHECK_MESSAGE = 'gatehouse master key check value v1';
const secrets = new WeakMap<MasterKey, Buffer>();
const derive = (ikm: Buffer, info: string): Buffer => Buffer.from(hkdfSync('sha256', ikm, '', info, 32));

/**
 * The site's master key (256 bits). It only wraps data keys; the raw bytes stay
 * in a module-private map, so neither JSON, `util.inspect` nor a spread of the
 * object shows them.
 */
export class MasterKey {
  /** HMAC of a constant under a key derived for that purpose alone: tells keys apart, reveals nothing. */
  readonly checkValue: Buffer;

  constructor(raw: Buffer) {
    if (raw.length !== 32)
      throw new MasterKeyError('wrong-length', `a master key has 32 bytes, not ${raw.length}`);
    secrets.set(this, derive(raw, PURPOSE.wrap));
    this.checkValue = createHmac('sha256', derive(raw, PURPOSE.check)).update(CHECK_MESSAGE).digest();
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  toJSON(): string {
    return '[master key]';
  }

  toString(): string {
    return '[master key]';
  }

  [inspect.custom](): string {
    return '[master key]';
  }
}

/** The key that wraps data keys (derived, never the master key itself); not exported from the library. */
export const wrappingKeyOf = (master: MasterKey): Buffer => secrets.get(master)!;

/**
 * Reads 32 bytes written as hex (64 digits) or base64 / base64url (43 or 44
 * characters; an even run of hex digits is read as hex). Anything else is refused, never guessed: Node's own decoders
 * skip characters they do not know.
 */
export const parseMasterKey = (text: string, origin: string): MasterKey => {
  const value = text.trim();
  if (value === '') throw new MasterKeyError('missing', `${origin} is empty`);
  let raw: Buffer;
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) {
    raw = Buffer.from(value, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    raw = Buffer.from(value, 'base64');
  } else {
    throw new MasterKeyError('malformed', `${origin} is neither hex nor base64`);
  }
  if (raw.length !== 32)
    throw new MasterKeyError('wrong-length', `${origin} holds ${raw.length} bytes; a master key has 32`);
  const key = new MasterKey(raw);
  // Only the derived keys stay in memory.
  raw.fill(0);
  return key;
};

export interface MasterKeySource {
  /** A file holding the key; owner-only (0600) like the gateway's other key files. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Told when a loose file mode was tightened. */
  warn?: (message: string) => void;
}

const readKeyFile = (path: string, warn: (message: string) => void): string => {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    try {
      chmodSync(path, 0o600);
    } catch (error) {
      // A read-only mount (a container secret) cannot be tightened: refuse rather than use a shared key.
      throw new MasterKeyError(
        'permissions',
        `master key file ${path} is readable by others (mode ${mode.toString(8)}) and could not be set to 0600: ${(error as Error).message}`,
      );
    }
    warn(`master key file ${path} was readable by others (mode ${mode.toString(8)}); set to 0600`);
  }
  return readFileSync(path, 'utf8');
};

/**
 * The master key from the environment variable or the file: exactly one of
 * them. It is never created here: a key the gateway made itself beside the
 * database would protect nothing, and a lost one makes every sealed field
 * unreadable, so the operator provisions (and backs up) it.
 */
export const loadMasterKey = (source: MasterKeySource): MasterKey => {
  const fromEnv = source.env?.[MASTER_KEY_ENV];
  const fileExists = source.file !== undefined && existsSync(source.file);
  if (fromEnv !== undefined && fromEnv !== '' && fileExists)
    throw new MasterKeyError(
      'ambiguous',
      `both ${MASTER_KEY_ENV} and ${source.file} hold a master key; remove one of them`,
    );
  if (fromEnv !== undefined && fromEnv !== '') return parseMasterKey(fromEnv, MASTER_KEY_ENV);
  if (source.file !== undefined && fileExists)
    return parseMasterKey(readKeyFile(source.file, source.warn ?? (() => undefined)), source.file);
  throw new MasterKeyError(
    'missing',
    `no master key: set ${MASTER_KEY_ENV} or write 32 random bytes (base64 or hex) to ${source.file ?? 'the key file'}`,
  );
};
