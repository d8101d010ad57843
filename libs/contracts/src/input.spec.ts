import fc from 'fast-check';
import { z } from 'zod';
import {
  isIsoDate,
  neutraliseBidi,
  parseIsoDateOrInstant,
  parseIsoInstant,
  patchOf,
  plainText,
  replacementOf,
  shownAsText,
} from './input';

describe('dates and times from clients', () => {
  it('refuses days that do not exist and anything after the date', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-05-01 junk',
    ])
      expect(isIsoDate(bad)).toBe(false);
    expect(parseIsoInstant('2026-05-01T08:00:00Z')).toBe(Date.UTC(2026, 4, 1, 8));
    expect(parseIsoInstant('2026-05-01T08:00:00.250+02:00')).toBe(Date.UTC(2026, 4, 1, 6, 0, 0, 250));
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-05-01T24:00:00Z',
      '2026-05-01T08:60:00Z',
      '2026-05-01T08:00:00', // no zone: it would mean the server's
      '2026-05-01T08:00:00Zjunk',
      '2026-05-01 junk',
      '2026-05-01T08:00:00+24:00',
    ])
      expect(parseIsoInstant(bad)).toBeNull();
    expect(parseIsoDateOrInstant('2026-05-01')).toBe(Date.UTC(2026, 4, 1));
    expect(parseIsoDateOrInstant('2026-02-30')).toBeNull();
  });

  it('agrees with the calendar for every day of four centuries (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2300 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const exists = new Date(Date.UTC(y, m - 1, d)).getUTCMonth() === m - 1;
          expect(isIsoDate(text)).toBe(exists);
          expect(parseIsoInstant(`${text}T12:00:00Z`)).toBe(exists ? Date.UTC(y, m - 1, d, 12) : null);
        },
      ),
    );
  });
});

describe('text from clients', () => {
  const name = plainText({ max: 20 });
  const note = plainText({ max: 20, multiline: true });

  it('refuses NUL, other control characters and unpaired surrogates; keeps any real character', () => {
    for (const bad of ['a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\ud800b', 'a\udc00', 'a\nb', 'a\tb'])
      expect(name.safeParse(bad).success).toBe(false);
    expect(note.safeParse('line 1\r\nline 2\tx').success).toBe(true);
    expect(note.safeParse('a\u0000').success).toBe(false);
    expect(name.parse('  Zoë 😀 اسم  ')).toBe('Zoë 😀 اسم');
    // Bidirectional controls are stored as given, and shown as codes.
    expect(name.parse('Ann\u202eAnn')).toBe('Ann\u202eAnn');
    expect(neutraliseBidi('Invoice\u202egpj.exe\u2066x\u2069')).toBe(
      'Invoice<U+202E>gpj.exe<U+2066>x<U+2069>',
    );
    // For files people open (CSV): control characters too, whatever their source.
    expect(shownAsText('a\u0000b\u001b\u202e\nc\ud800')).toBe('a<U+0000>b<U+001B><U+202E>\nc<U+D800>');
    // DEL is the one control character among the printable ASCII; plain text comes back as it is.
    expect(shownAsText('a\u007fb')).toBe('a<U+007F>b');
    expect(shownAsText('=1+"b",\tc\r\n~')).toBe('=1+"b",\tc\r\n~');
  });
});

describe('update schemas derived from a create schema', () => {
  const Create = z.strictObject({
    id: z.string(),
    name: z.string(),
    mode: z.enum(['a', 'b']).default('a'),
    note: z.string().nullable().default(null),
    tags: z.array(z.string()).default([]),
    pin: z.string().optional(),
  });

  it('a patch holds only the fields sent: no default fills the others', () => {
    const Patch = patchOf(Create.omit({ id: true }));
    expect(Patch.parse({})).toEqual({});
    expect(Patch.parse({ mode: 'b' })).toEqual({ mode: 'b' });
    expect(Patch.parse({ note: null })).toEqual({ note: null });
    expect(Patch.safeParse({ id: 'x' }).success).toBe(false); // strict: the id is not changed by a patch
    expect(Patch.safeParse({ mode: 'c' }).success).toBe(false); // still validated as on create
  });

  it('a replacement names every field that had a default', () => {
    const Put = replacementOf(Create);
    const full = { id: 'x', name: 'n', mode: 'b', note: null, tags: [] };
    expect(Put.parse(full)).toEqual(full);
    const { mode: _drop, ...withoutMode } = full;
    expect(Put.safeParse(withoutMode).success).toBe(false);
  });
});
