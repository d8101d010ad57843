import fc from 'fast-check';
import { CARD_FORMATS, checkCardNumber, encode, interpret, toBits } from './card-formats';

describe('Wiegand card formats', () => {
  it('decodes a hand-computed H10301 vector (facility 1, card 1)', () => {
    // Even parity over bits 1-12 (one 1 in the facility code) is 1; odd parity over 13-24 (one 1) is 0.
    const bits = toBits('10000000100000000000000010');
    expect(interpret(bits)[0]).toEqual({
      format: 'H10301',
      facility: 1,
      card: 1,
      number: '1:1',
      parityOk: true,
    });
    expect(encode('H10301', 1, 1).join('')).toBe('10000000100000000000000010');
  });

  it('reads bits from bytes with a bit count, and reports a raw interpretation', () => {
    const bits = toBits({ bytes: Uint8Array.from([0x80, 0x80, 0x00, 0x80]), count: 26 });
    expect(bits.join('')).toBe('10000000100000000000000010');
    expect(interpret(bits).at(-1)).toEqual({
      format: 'raw',
      facility: null,
      card: 0,
      number: '26:80800080',
      parityOk: true,
    });
    expect(() => toBits('10x1')).toThrow(RangeError);
  });

  it('round-trips every format and catches any single flipped bit (fast-check)', () => {
    for (const f of CARD_FORMATS) {
      const maxFacility = f.facility ? 2 ** f.facility[1] - 1 : 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: maxFacility }),
          fc.integer({ min: 0, max: Math.min(2 ** f.card[1] - 1, Number.MAX_SAFE_INTEGER) }),
          fc.nat(),
          (facility, card, flip) => {
            const bits = encode(f.name, f.facility ? facility : null, card);
            const mine = interpret(bits).find((i) => i.format === f.name)!;
            expect(mine).toMatchObject({ facility: f.facility ? facility : null, card, parityOk: true });
            const broken = [...bits];
            broken[flip % bits.length] = 1 - broken[flip % bits.length]!;
            expect(interpret(broken).find((i) => i.format === f.name)!.parityOk).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('reports only formats of the right length, and never throws on any bit string', () => {
    expect(interpret(encode('H10306', 12345, 54321)).map((i) => i.format)).toEqual(['H10306', 'raw']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 80 }), (bits) => {
        expect(interpret(bits).at(-1)!.format).toBe('raw');
      }),
    );
  });
});

describe('credential numbers checked against their format', () => {
  it('accepts exactly the numbers a reader can produce, canonical as the reader writes them (fast-check)', () => {
    for (const f of CARD_FORMATS) {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 1 }), { minLength: f.bits, maxLength: f.bits }),
          (bits) => {
            const read = interpret(bits);
            const asRead = read.find((i) => i.format === f.name)!;
            // With leading zeros, as a person may type it: still the reader's number.
            const typed = f.facility ? `0${asRead.facility}:00${asRead.card}` : `0${asRead.card}`;
            expect(checkCardNumber(f.name, typed)).toEqual({ ok: true, number: asRead.number });
            const raw = read.at(-1)!;
            expect(checkCardNumber('raw', raw.number.toUpperCase())).toEqual({
              ok: true,
              number: raw.number,
            });
          },
        ),
        { numRuns: 50 },
      );
    }
  });

  it('refuses a number out of its field, or with a missing or extra facility code, naming the field and range', () => {
    expect(checkCardNumber('H10301', 'abc')).toMatchObject({ ok: false, field: 'number' });
    expect(checkCardNumber('H10301', '12345')).toEqual({
      ok: false,
      field: 'number',
      message: 'H10301 numbers are "facility:card", e.g. "12:345"',
    });
    expect(checkCardNumber('H10301', '256:1')).toEqual({
      ok: false,
      field: 'facility code',
      message: 'H10301 facility code is a whole number from 0 to 255 (8 bits)',
    });
    expect(checkCardNumber('H10301', '12:65536')).toMatchObject({
      field: 'card number',
      message: 'H10301 card number is a whole number from 0 to 65535 (16 bits)',
    });
    expect(checkCardNumber('H10301', '12:-3')).toMatchObject({ field: 'card number' });
    expect(checkCardNumber('H10301', '12:3.5')).toMatchObject({ field: 'card number' });
    expect(checkCardNumber('H10302', '12:345')).toMatchObject({
      field: 'number',
      message: 'H10302 has no facility code: give the card number alone',
    });
    expect(checkCardNumber('H10302', String(2 ** 35))).toMatchObject({ field: 'card number' });
    expect(checkCardNumber('C1000-35', '4096:1')).toMatchObject({
      message: 'C1000-35 facility code is a whole number from 0 to 4095 (12 bits)',
    });
    expect(checkCardNumber('raw', '26:864383')).toMatchObject({ field: 'hex' });
    expect(checkCardNumber('raw', '26:864383c1')).toMatchObject({ field: 'hex' }); // a bit after the 26th
    expect(checkCardNumber('raw', '0:')).toMatchObject({ ok: false });
    expect(checkCardNumber('raw', '864383c0')).toMatchObject({ field: 'number' });
  });
});
