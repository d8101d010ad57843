/**
 * `"key":` for each object key seen, so the same few hundred keys that every
 * entry repeats are quoted once, not on every entry. Bounded: a payload keyed
 * by ids (a map of doors) stops adding once the table is full.
 */
const keyPrefixes = new Map<string, string>();
const MAX_KEY_PREFIXES = 4096;

const keyPrefix = (k: string): string => {
  let prefix = keyPrefixes.get(k);
  if (prefix === undefined) {
    prefix = `${JSON.stringify(k)}:`;
    if (keyPrefixes.size < MAX_KEY_PREFIXES) keyPrefixes.set(k, prefix);
  }
  return prefix;
};

/**
 * The keys in UTF-16 code unit order, as JCS asks (the default sort's and
 * `<`'s order); most come sorted already. A few keys out of order (a
 * producer's fields in its own order) are put in place by insertion, which for
 * the handful of keys an object has is several times cheaper than `sort`.
 */
const sortedKeys = (record: Record<string, unknown>): string[] => {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! <= keys[i]!) continue;
    if (keys.length > 16) return keys.sort();
    for (let j = i; j < keys.length; j++) {
      const key = keys[j]!;
      let k = j - 1;
      while (k >= 0 && keys[k]! > key) {
        keys[k + 1] = keys[k]!;
        k--;
      }
      keys[k + 1] = key;
    }
    return keys;
  }
  return keys;
};

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16
 * code units, no insignificant white space, ECMAScript number formatting. The
 * same fact always yields the same bytes, so its hash is stable across
 * processes, versions and the offline verifier.
 *
 * A value `JSON.stringify` already writes canonically (see `inOrder`) is
 * written by it: one flat string, where the loops below made a piece per key
 * and value (5 KB of short-lived strings for a sealed cardholder entry, which
 * every append paid again in collections). Anything else goes through loops
 * appending to one string, each part again by the faster way where it can.
 */
export const canonicalJson = (value: unknown): string =>
  inOrder(value) ? JSON.stringify(value) : canonicalJsonSorting(value);

/**
 * Whether `JSON.stringify(value)` writes exactly its canonical JSON: every
 * object a plain one (no class, so no `toJSON`) whose keys come already in
 * order, every leaf a string, a finite number, a boolean or null (undefined
 * is left out, or written null in a list, by both alike). `JSON.stringify`
 * writes an object's keys in the order for-in gives for its own keys, and
 * strings and numbers as canonical JSON does (which uses it for them).
 * Allocates nothing: for-in on a plain object walks its cached keys. A key
 * inherited from a polluted `Object.prototype` comes after the own ones and
 * can only make the check fail, never pass an own key out of order. An
 * accessor property is read here and again by the writer: journal payloads
 * are data, and one whose getter answers differently each time is not.
 */
const inOrder = (value: unknown): boolean => {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      // `JSON.stringify` would call a `toJSON` (own, inherited or not enumerable: a polluted
      // prototype's too), which canonical JSON never does.
      if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
      const proto: unknown = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item !== undefined && !inOrder(item)) return false;
        }
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      let previous = '';
      let first = true;
      for (const key in record) {
        if (!first && previous > key) return false;
        first = false;
        previous = key;
        const v = record[key];
        if (v !== undefined && !inOrder(v)) return false;
      }
      return true;
    }
    default:
      return false;
  }
};

/** Canonical JSON by loops, sorting each object's keys. */
const canonicalJsonSorting = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out += canonicalJson(item === undefined ? null : item);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = sortedKeys(record);
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += keyPrefix(k);
        out += canonicalJson(v);
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
};

/**
 * A shallow copy of a plain object with its keys in canonical order, so
 * that canonical JSON hands it to the native writer (see `inOrder`) instead
 * of sorting it piece by piece. A producer's object is usually in its own
 * order (a cardholder's name before its department, a subject's kind before
 * its id); JSON keeps no order, so the copy is the same value.
 */
export const copyInKeyOrder = <T extends object>(record: T): T => {
  let previous = '';
  let first = true;
  let sorted = true;
  for (const key in record) {
    if (!first && previous > key) {
      sorted = false;
      break;
    }
    first = false;
    previous = key;
  }
  if (sorted) return { ...record };
  const keys = sortedKeys(record as Record<string, unknown>) as (keyof T & string)[];
  const copy = {} as T;
  for (const key of keys) {
    // An own `__proto__` (JSON.parse makes one) is a key like any other: assigning it would set the
    // copy's prototype instead, and lose the key.
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: record[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = record[key];
  }
  return copy;
};
