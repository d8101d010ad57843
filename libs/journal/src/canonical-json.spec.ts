import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

/** The definition, written plainly (sorted keys, JSON.stringify for every leaf): what the fast form must equal. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
};

describe('canonicalJson', () => {
  it('sorts keys, drops undefined, keeps no white space', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1.5, y: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":{"y":0,"z":1.5}}',
    );
  });

  it('sorts by UTF-16 code units as RFC 8785 asks', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4 })).toBe(
      '{"\\r":2,"1":4,"€":1,"😀":3}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ f: () => 1 })).toThrow();
  });

  it('gives the bytes of the plain definition, keys sorted or not, numeric-looking or not, however many', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
    expect(canonicalJson({ '10': 1, '9': 2, b: 3, a: 4 })).toBe('{"10":1,"9":2,"a":4,"b":3}');
    // More distinct keys than the quoted-key table keeps: the rest are quoted each time, the same bytes.
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k\u00e9"${i}`, i]));
    expect(canonicalJson(wide)).toBe(reference(wide));
    expect(canonicalJson(wide)).toBe(reference(wide));
  });

  it('is stable: parsing and re-serialising gives the same bytes, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalJson(value);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
    );
  });
});
