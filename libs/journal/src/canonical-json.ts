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

/** The keys in UTF-16 code unit order, as JCS asks (the default sort's and `<`'s order); most come sorted already. */
const sortedKeys = (record: Record<string, unknown>): string[] => {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
};

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16
 * code units, no insignificant white space, ECMAScript number formatting. The
 * same fact always yields the same bytes, so its hash is stable across
 * processes, versions and the offline verifier.
 *
 * Written as loops appending to one string (no filtered, mapped and joined
 * arrays per object): every journal entry goes through here once, and the
 * array-building form was the largest single cost of an append.
 */
export const canonicalJson = (value: unknown): string => {
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
