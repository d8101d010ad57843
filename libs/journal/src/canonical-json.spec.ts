import fc from 'fast-check';
import { canonicalJson, copyInKeyOrder } from './canonical-json';

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

  it('writes values whose keys are already in order natively, with the same bytes as the definition', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Parsed back from canonical JSON, every object's keys are in order: the native writer's case.
        const inOrder: unknown = JSON.parse(reference(value));
        expect(canonicalJson(inOrder)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
    // Integer-like keys come first in an object's own order, so "10" before "9" is out of order there.
    expect(canonicalJson(JSON.parse('{"10":1,"9":2}'))).toBe('{"10":1,"9":2}');
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('leaves to the sorting writer what the native one would write otherwise', () => {
    class Named {
      constructor(readonly a: string) {}
      toJSON() {
        return 'not canonical';
      }
    }
    // A class, a Buffer, a Date: the native writer would call toJSON; canonical JSON takes own keys.
    expect(canonicalJson({ a: new Named('x') })).toBe('{"a":{"a":"x"}}');
    expect(canonicalJson({ b: Buffer.from([7]) })).toBe('{"b":{"0":7}}');
    expect(canonicalJson({ c: new Date(0) })).toBe('{"c":{}}');
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    expect(canonicalJson({ d: bare })).toBe('{"d":{"a":1}}');
    // What canonical JSON cannot hold still throws, whatever the key order.
    expect(() => canonicalJson({ a: 1, b: Number.POSITIVE_INFINITY })).toThrow();
    expect(() => canonicalJson({ a: 1, b: () => 1 })).toThrow();
    expect(() => canonicalJson({ a: [1n] })).toThrow();
  });

  it('ignores a key inherited from a polluted Object.prototype, as before', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.zzPolluted = 1;
    proto.aaPolluted = 2;
    try {
      expect(canonicalJson({ b: 1, c: { d: 2 } })).toBe('{"b":1,"c":{"d":2}}');
      expect(canonicalJson({ c: 1, b: 2 })).toBe('{"b":2,"c":1}');
    } finally {
      delete proto.zzPolluted;
      delete proto.aaPolluted;
    }
  });

  it('copies an object with its keys in order, the same value, without touching the original', () => {
    // Keys that are not array indices: an engine keeps those first, in numeric order, whatever is done.
    const named = fc.string().filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
    fc.assert(
      fc.property(fc.dictionary(named, fc.jsonValue()), (record) => {
        const before = JSON.stringify(record);
        const copy = copyInKeyOrder(record);
        expect(copy).not.toBe(record);
        expect(copy).toEqual(record);
        expect(Object.keys(copy)).toEqual(Object.keys(record).sort());
        expect(canonicalJson(copy)).toBe(canonicalJson(record));
        expect(JSON.stringify(record)).toBe(before);
      }),
      { numRuns: 300 },
    );
    const indexed = { b: 1, '10': 2, a: 3, '9': 4 };
    expect(copyInKeyOrder(indexed)).toEqual(indexed);
    expect(canonicalJson(copyInKeyOrder(indexed))).toBe('{"10":2,"9":4,"a":3,"b":1}');
  });

  it('never lets a toJSON, however hidden, or an array-like object change the bytes', () => {
    const own = { b: 1 };
    Object.defineProperty(own, 'toJSON', { value: () => 'own', enumerable: false });
    expect(canonicalJson({ a: own })).toBe('{"a":{"b":1}}');
    const list = [1, 2];
    Object.defineProperty(list, 'toJSON', { value: () => 'list', enumerable: false });
    expect(canonicalJson({ a: list })).toBe('{"a":[1,2]}');
    const arrayLike = Object.create(Array.prototype) as Record<string, unknown>;
    arrayLike.b = 1;
    arrayLike.a = 2;
    expect(canonicalJson({ x: arrayLike })).toBe('{"x":{"a":2,"b":1}}');
    for (const proto of [Object.prototype, Array.prototype]) {
      Object.defineProperty(proto, 'toJSON', {
        value: () => 'polluted',
        enumerable: false,
        configurable: true,
      });
      try {
        expect(canonicalJson({ a: [1, 'x'], b: { c: null } })).toBe('{"a":[1,"x"],"b":{"c":null}}');
        expect(canonicalJson([{ a: 1 }])).toBe('[{"a":1}]');
      } finally {
        delete (proto as { toJSON?: unknown }).toJSON;
      }
    }
  });

  it("copies an own __proto__ key as a key, never as the copy's prototype", () => {
    const parsed = JSON.parse('{"text":"t","__proto__":{"isAdmin":true}}') as Record<string, unknown>;
    const copy = copyInKeyOrder(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'text']);
    expect(canonicalJson(copy)).toBe(canonicalJson(parsed));
    expect(canonicalJson(copy)).toBe('{"__proto__":{"isAdmin":true},"text":"t"}');
  });
});
