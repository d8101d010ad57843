import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { verifyCommitment } from './commitment';
import { journalPrivacy } from './journal-privacy';
import { STREAM_BYTES, takeKeystream } from './key-stream';
import { ErasedKeyError, PersonKey } from './person-key';

/** The journal's sealer over keys held in memory (the keyring's lookups without its table). */
const privacyOver = (keys: Map<string, PersonKey>) =>
  journalPrivacy({
    keyOf: (id) => {
      const key = keys.get(id);
      return key && !key.destroyed ? { kind: 'key', key } : { kind: 'unknown' };
    },
    keyForWriting: (id) => keys.get(id)!,
  });

const pathsOf = (n: number) => Array.from({ length: n }, (_, i) => `changes.f${i}.to`);

interface Position {
  counter: string;
  offset: number;
  body: string;
}
const positionOf = (sealed: string): Position => {
  const [, counter, offset, body] = sealed.split('.');
  return { counter: counter!, offset: Number(offset), body: body! };
};

describe("format 3: journal entries sealed with the person's keystream", () => {
  it('opens every entry of a long run back, values and salts, across blocks and entries larger than a block', () => {
    const keys = new Map([['p-1', PersonKey.generate('p-1')]]);
    const privacy = privacyOver(keys);
    const runs = [
      ['Ann Example', 'E0001', 'Customer Operations', 'CORP\\ann'],
      ['Zoë "Ærø" 😀'],
      [`${'x'.repeat(3000)}€`, 'short'],
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    ];
    let end = 0;
    let counter = '';
    for (let i = 0; i < 200; i++) {
      const values = runs[i % runs.length]!;
      const paths = pathsOf(values.length);
      const { sealed, commitments } = privacy.sealValues('p-1', paths, values);
      const position = positionOf(sealed);
      expect(sealed).toMatch(/^j3\.[A-Za-z0-9_-]{22}\.(0|[1-9]\d*)\.[A-Za-z0-9_-]+$/);
      // One stream for the run; each entry's bytes after the last one's: keystream is never used twice.
      if (i === 0) counter = position.counter;
      expect(position.counter).toBe(counter);
      expect(position.offset).toBeGreaterThanOrEqual(end);
      end = position.offset + 32 * values.length + Buffer.from(position.body, 'base64url').length;
      const opened = privacy.openValues('p-1', sealed, paths);
      if (!opened.ok) throw new Error('did not open');
      paths.forEach((path, n) => {
        expect(opened.values[path]!.value).toBe(values[n]);
        expect(verifyCommitment(values[n]!, opened.values[path]!.salt, commitments[n]!)).toBe(true);
      });
      expect(new Set(Object.values(opened.values).map((v) => v.salt)).size).toBe(values.length);
    }
  });

  it('is AES-256-CTR under HKDF-SHA256 of the person key, as the README describes: salts first, then the list', () => {
    const raw = randomBytes(32);
    const key = new PersonKey('p-2', raw);
    const privacy = privacyOver(new Map([['p-2', key]]));
    privacy.sealValues('p-2', ['a'], ['warming the stream up, so the next offset is not 0']);
    const values = ['Bea Example', 'Ops'];
    const { sealed, commitments } = privacy.sealValues('p-2', pathsOf(2), values);
    const { counter, offset, body } = positionOf(sealed);
    expect(offset).toBeGreaterThan(0);
    // Written out independently: the stream key, the counter moved on by whole blocks, the rest skipped.
    const streamKey = Buffer.from(
      hkdfSync('sha256', raw, Buffer.alloc(0), 'gatehouse.journal.keystream.v3', 32),
    );
    const start = Buffer.from(counter, 'base64url');
    let carry = BigInt(Math.floor(offset / 16));
    for (let i = 15; i >= 0; i--) {
      const sum = BigInt(start[i]!) + (carry & 0xffn);
      start[i] = Number(sum & 0xffn);
      carry = (carry >> 8n) + (sum >> 8n);
    }
    const decipher = createDecipheriv('aes-256-ctr', streamKey, start);
    const ciphertext = Buffer.from(body, 'base64url');
    const out = decipher.update(Buffer.concat([Buffer.alloc((offset % 16) + 64), ciphertext]));
    const salts = out.subarray(offset % 16, (offset % 16) + 64);
    expect(JSON.parse(out.subarray((offset % 16) + 64).toString('utf8'))).toEqual(values);
    values.forEach((value, i) =>
      expect(
        verifyCommitment(value, salts.subarray(32 * i, 32 * i + 32).toString('base64url'), commitments[i]!),
      ).toBe(true),
    );
  });

  it('a new key object (a restart, a key dropped from the cache) starts a new stream; entries of both open', () => {
    const raw = randomBytes(32);
    const first = new PersonKey('p-3', raw);
    const keys = new Map([['p-3', first]]);
    const privacy = privacyOver(keys);
    const before = privacy.sealValues('p-3', ['a'], ['before']);
    keys.set('p-3', new PersonKey('p-3', raw));
    const after = privacy.sealValues('p-3', ['a'], ['after']);
    expect(positionOf(after.sealed).counter).not.toBe(positionOf(before.sealed).counter);
    expect(privacy.openValues('p-3', before.sealed, ['a'])).toMatchObject({
      ok: true,
      values: { a: { value: 'before' } },
    });
    expect(privacy.openValues('p-3', after.sealed, ['a'])).toMatchObject({
      ok: true,
      values: { a: { value: 'after' } },
    });
  });

  it("never opens to another person's values, nor to the committed values once altered", () => {
    const keys = new Map([
      ['p-4', PersonKey.generate('p-4')],
      ['p-5', PersonKey.generate('p-5')],
    ]);
    const privacy = privacyOver(keys);
    const values = ['Cai Example', 'Finance'];
    const paths = pathsOf(2);
    const { sealed, commitments } = privacy.sealValues('p-4', paths, values);
    const { counter, offset, body } = positionOf(sealed);
    const flipped = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    const otherCounter = randomBytes(16).toString('base64url');
    const altered = [
      { id: 'p-5', sealed },
      { id: 'p-4', sealed: `j3.${counter}.${offset + 1}.${body}` },
      { id: 'p-4', sealed: `j3.${otherCounter}.${offset}.${body}` },
      { id: 'p-4', sealed: `j3.${counter}.${offset}.${flipped}` },
    ];
    for (const { id, sealed: text } of altered) {
      const opened = privacyOver(keys).openValues(id, text, paths);
      // A keystream proves nothing: what opens is checked against the commitments, and never matches.
      if (opened.ok)
        paths.forEach((path, i) =>
          expect(
            verifyCommitment(opened.values[path]!.value, opened.values[path]!.salt, commitments[i]!),
          ).toBe(false),
        );
    }
    // What cannot be a position this library wrote is unreadable, not an error.
    for (const text of [
      `j3.${counter}.0${offset}.${body}`,
      `j3.${counter}.-1.${body}`,
      `j3.${counter}.${STREAM_BYTES}.${body}`,
      `j3.${counter.slice(1)}.${offset}.${body}`,
      `j3.${counter}.${offset}`,
      'j3.',
    ])
      expect(privacy.openValues('p-4', text, paths)).toEqual({ ok: false, reason: 'unreadable' });
    // A list of another length than the paths is another entry's.
    expect(privacy.openValues('p-4', sealed, pathsOf(3))).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('dies with the key: destroying it wipes the keystream made ahead, and nothing seals under it any more', () => {
    const key = PersonKey.generate('p-6');
    const taken = takeKeystream(key, 64);
    expect(taken.block.subarray(taken.at + 64).some((b) => b !== 0)).toBe(true);
    key.destroy();
    expect(taken.block.every((b) => b === 0)).toBe(true);
    expect(() => takeKeystream(key, 64)).toThrow(ErasedKeyError);
  });

  it('starts a new stream before one would pass its limit: every byte handed out lies inside its stream', () => {
    const key = PersonKey.generate('p-7');
    const limit = 4096;
    const counters = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = [40, 700, 1500, 3000][i % 4]!;
      const taken = takeKeystream(key, n, limit);
      expect(taken.offset + n).toBeLessThanOrEqual(limit);
      expect(taken.at + n).toBeLessThanOrEqual(taken.block.length);
      counters.add(taken.counter);
    }
    expect(counters.size).toBeGreaterThan(10);
    expect(() => takeKeystream(key, limit + 1, limit)).toThrow(RangeError);
  });
});
