import { createHash, randomBytes } from 'node:crypto';
import {
  commit,
  commitAll,
  commitWithSalts,
  derivedSalt,
  openCommitted,
  sealCommitted,
  verifyCommitment,
} from './commitment';
import { openField, PersonKey } from './person-key';

describe('salted commitments', () => {
  it('verifies the committed value with its salt, nothing else', () => {
    const { salt, commitment } = commit('Finance');
    expect(verifyCommitment('Finance', salt, commitment)).toBe(true);
    expect(verifyCommitment('finance', salt, commitment)).toBe(false);
    expect(verifyCommitment('Finance', commit('Finance').salt, commitment)).toBe(false);
    expect(verifyCommitment('Finance', 'short', commitment)).toBe(false);
    expect(verifyCommitment('Finance', salt, 'abcd')).toBe(false);
  });

  it('is SHA-256(salt ‖ canonical JSON of the value), checkable with any SHA-256', () => {
    const { salt, commitment } = commit('Zoë "Z" Ng');
    const expected = createHash('sha256')
      .update(Buffer.from(salt, 'base64url'))
      .update('"Zoë \\"Z\\" Ng"')
      .digest('hex');
    expect(commitment).toBe(expected);
  });

  it('hides equal values behind different salts', () => {
    expect(commit('Smith').commitment).not.toBe(commit('Smith').commitment);
  });

  it('seals value and salt together for disclosure, under the person key', () => {
    const key = PersonKey.generate('p-1');
    const { sealed, commitment } = sealCommitted(key, 'name', 'Ana Lima');
    const disclosed = openCommitted(key, 'name', sealed);
    if (!disclosed.ok) throw new Error('not opened');
    expect(disclosed.value).toBe('Ana Lima');
    expect(verifyCommitment(disclosed.value, disclosed.salt, commitment)).toBe(true);
    expect(openCommitted(key, 'department', sealed)).toEqual({ ok: false, reason: 'unreadable' });
    expect(openField(key, 'name', sealed).ok).toBe(false);
    key.destroy();
    expect(openCommitted(key, 'name', sealed)).toEqual({ ok: false, reason: 'erased' });
  });

  it('commits to several values with a salt each from one draw', () => {
    // Beside short ASCII: UTF-8 of several bytes, a quote to escape, and one longer than the reused buffer.
    const values = ['Ana Lima', 'Ana Lima', 'Radiology', 'Zoë "Ærø" 😀', `${'x'.repeat(5000)}€`, 'B'];
    const committed = commitAll(values);
    expect(new Set(committed.map((c) => c.salt)).size).toBe(values.length);
    // Equal values, different salts: the commitments do not show they are equal.
    expect(committed[0]!.commitment).not.toBe(committed[1]!.commitment);
    committed.forEach((c, i) => {
      expect(verifyCommitment(values[i]!, c.salt, c.commitment)).toBe(true);
      const independent = createHash('sha256')
        .update(Buffer.from(c.salt, 'base64url'))
        .update(JSON.stringify(values[i]))
        .digest('hex');
      expect(independent).toBe(c.commitment);
    });
    expect(commitAll([])).toEqual([]);
  });
  it('format 2: a salt is SHA-256(label ‖ seed ‖ index), so each value of an entry has its own', () => {
    const seed = randomBytes(32);
    const salts = [0, 1, 2, 255].map((i) => derivedSalt(seed, i));
    expect(new Set(salts).size).toBe(4);
    [0, 1, 2, 255].forEach((i, n) => {
      const salt = createHash('sha256')
        .update('gatehouse.journal.salt.v2\u0000')
        .update(seed)
        .update(Buffer.from([i]))
        .digest();
      expect(salt.toString('base64url')).toBe(salts[n]);
    });
    expect(derivedSalt(randomBytes(32), 0)).not.toBe(salts[0]);
    expect(() => derivedSalt(Buffer.alloc(16), 0)).toThrow(RangeError);
    expect(() => derivedSalt(seed, 256)).toThrow(RangeError);
  });
  it("format 3: commits to an entry's values with the salts given, in base64url, as any SHA-256 computes it", () => {
    const values = ['Ana Lima', 'Ana Lima', 'Zoë "Ærø" 😀', `${'x'.repeat(5000)}€`];
    const salts = randomBytes(32 * values.length);
    const commitments = commitWithSalts(
      salts,
      0,
      values.map((v) => JSON.stringify(v)),
    );
    // Equal values, different salts: the commitments do not show they are equal.
    expect(commitments[0]).not.toBe(commitments[1]);
    commitments.forEach((c, i) => {
      const salt = salts.subarray(32 * i, 32 * i + 32);
      expect(c).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(verifyCommitment(values[i]!, salt.toString('base64url'), c)).toBe(true);
      expect(createHash('sha256').update(salt).update(JSON.stringify(values[i])).digest('base64url')).toBe(c);
    });
    expect(verifyCommitment('Ana Lima', salts.subarray(32, 64).toString('base64url'), commitments[0]!)).toBe(
      false,
    );
    expect(() => commitWithSalts(randomBytes(40), 9, ['"a"'])).toThrow(RangeError);
    // Salts further in a buffer (a keystream block) are read from where they are.
    const block = Buffer.concat([randomBytes(7), salts]);
    expect(
      commitWithSalts(
        block,
        7,
        values.map((v) => JSON.stringify(v)),
      ),
    ).toEqual(commitments);
  });
  it('format 3: the same commitments whatever the lengths of the values before (its buffer reused and grown)', () => {
    const lengths = [3, 40, 3, 900, 40, 1500, 3, 70_000, 40, 3];
    for (const n of lengths) {
      const values = [`${'é'.repeat(n)}`, 'a', `${'z'.repeat(n + 1)}"`];
      const salts = randomBytes(32 * values.length);
      const commitments = commitWithSalts(
        salts,
        0,
        values.map((v) => JSON.stringify(v)),
      );
      commitments.forEach((c, i) => {
        const salt = salts.subarray(32 * i, 32 * i + 32);
        expect(createHash('sha256').update(salt).update(JSON.stringify(values[i])).digest('base64url')).toBe(
          c,
        );
      });
    }
  });
});
