import { createHash } from 'node:crypto';
import {
  commit,
  commitAll,
  commitWithSeed,
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
  it("format 2: commits to an entry's values with salts derived from one seed, in base64url", () => {
    const values = ['Ana Lima', 'Ana Lima', 'Zoë "Ærø" 😀', `${'x'.repeat(5000)}€`];
    const { seed, commitments, json } = commitWithSeed(values);
    expect(seed).toHaveLength(32);
    expect(JSON.parse(json)).toEqual(values);
    const salts = values.map((_, i) => derivedSalt(seed, i));
    expect(new Set(salts).size).toBe(values.length);
    // Equal values, different salts: the commitments do not show they are equal.
    expect(commitments[0]).not.toBe(commitments[1]);
    commitments.forEach((c, i) => {
      expect(c).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(verifyCommitment(values[i]!, salts[i]!, c)).toBe(true);
      // The salt is SHA-256(label ‖ seed ‖ index), the commitment SHA-256(salt ‖ JSON): any SHA-256 checks both.
      const salt = createHash('sha256')
        .update('gatehouse.journal.salt.v2\u0000')
        .update(seed)
        .update(Buffer.from([i]))
        .digest();
      expect(salt.toString('base64url')).toBe(salts[i]);
      expect(createHash('sha256').update(salt).update(JSON.stringify(values[i])).digest('base64url')).toBe(c);
    });
    // Another entry's seed gives other salts.
    expect(derivedSalt(commitWithSeed(['Ana Lima']).seed, 0)).not.toBe(salts[0]);
    expect(verifyCommitment('Ana Lima', salts[1]!, commitments[0]!)).toBe(false);
    expect(() => derivedSalt(Buffer.alloc(16), 0)).toThrow(RangeError);
    expect(() => derivedSalt(seed, 256)).toThrow(RangeError);
  });
  it('format 2: the same commitments whatever the lengths of the values before (its buffer reused and grown)', () => {
    const lengths = [3, 40, 3, 900, 40, 1500, 3, 70_000, 40, 3];
    for (const n of lengths) {
      const values = [`${'é'.repeat(n)}`, 'a', `${'z'.repeat(n + 1)}"`];
      const { seed, commitments } = commitWithSeed(values);
      commitments.forEach((c, i) => {
        const salt = Buffer.from(derivedSalt(seed, i), 'base64url');
        expect(createHash('sha256').update(salt).update(JSON.stringify(values[i])).digest('base64url')).toBe(
          c,
        );
      });
    }
  });
});
