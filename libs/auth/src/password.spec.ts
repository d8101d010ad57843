import { hashSecret, passwordProblems, verifySecret } from './password';
import { visibleCategories, canSeeCategory } from './roles';

describe('password policy', () => {
  const policy = { minLength: 12 };
  it('refuses short, common, patterned and personal passwords', () => {
    expect(passwordProblems('short', policy)).toContain('must be at least 12 characters');
    expect(passwordProblems('1qaz2wsx3edc', policy)).toContain('is a commonly used or breached password');
    expect(passwordProblems('Gatehouse2026!', policy)).toContain('is a commonly used or breached password');
    expect(passwordProblems('abcabcabcabc', policy)).toContain('is a repeated pattern');
    expect(passwordProblems('alice-rocks-the-desk', policy, ['alice'])).toContain(
      'must not contain your user name or display name',
    );
    expect(passwordProblems('x'.repeat(300), policy)).toContain('must be at most 256 characters');
  });
  it('accepts a long passphrase', () => {
    expect(passwordProblems('correct horse battery staple', policy, ['alice'])).toEqual([]);
  });
  it('asks for letters and digits under the PCI policy (8.3.6), and only there', () => {
    const pci = { minLength: 12, lettersAndDigits: true };
    expect(passwordProblems('correct horse battery staple', pci)).toContain(
      'must contain both letters and digits',
    );
    expect(passwordProblems('4711 8250 9934 2210', pci)).toContain('must contain both letters and digits');
    expect(passwordProblems('correct horse battery 42', pci)).toEqual([]);
    expect(passwordProblems('correct horse battery staple', policy)).toEqual([]);
  });
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashSecret('correct horse battery staple');
    expect(hash.startsWith('$argon2id$v=19$m=19456,p=1,t=2$')).toBe(true);
    await expect(verifySecret(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifySecret(hash, 'wrong')).resolves.toBe(false);
    await expect(verifySecret('not a hash', 'x')).resolves.toBe(false);
  });
});

describe('role visibility', () => {
  it('denies by default and unions over roles', () => {
    expect(visibleCategories(['admin'])).toBeUndefined();
    expect(visibleCategories(['reception'])).toEqual(['note', 'visitor']);
    expect(canSeeCategory(['reception'], 'auth')).toBe(false);
    expect(canSeeCategory(['reception', 'guard'], 'door')).toBe(true);
    expect(visibleCategories([])).toEqual([]);
  });
});
