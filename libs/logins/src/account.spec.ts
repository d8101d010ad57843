import { normaliseAccount } from './account';

describe('normaliseAccount', () => {
  it.each([
    ['CORP\\Alice', undefined, 'corp\\alice', 'alice', 'corp'],
    ['alice@Corp.Example.com', undefined, 'corp.example.com\\alice', 'alice', 'corp.example.com'],
    ['ALICE', 'CORP', 'corp\\alice', 'alice', 'corp'],
    ['alice', null, 'alice', 'alice', null],
    ['alice', '-', 'alice', 'alice', null],
    [
      'first.last@corp@example.com',
      undefined,
      'example.com\\first.last@corp',
      'first.last@corp',
      'example.com',
    ],
  ])('%s (domain %s) is %s', (name, domain, key, user, dom) => {
    const account = normaliseAccount(name, domain);
    expect(account).toMatchObject({ key, user, domain: dom });
  });

  it('keeps the name as received for display', () => {
    expect(normaliseAccount('CORP\\Alice')?.name).toBe('CORP\\Alice');
    expect(normaliseAccount('Alice', 'CORP')?.name).toBe('CORP\\Alice');
  });

  it('compares case-insensitively: every spelling of one account has one key', () => {
    const keys = new Set(
      ['CORP\\alice', 'corp\\ALICE', 'Corp\\Alice'].map((name) => normaliseAccount(name)?.key),
    );
    expect([...keys]).toEqual(['corp\\alice']);
  });

  it.each([[''], ['-'], ['   '], [null], [undefined], ['CORP\\'], ['two words'], ['a/b']])(
    'refuses %p',
    (name) => {
      expect(normaliseAccount(name)).toBeNull();
    },
  );
});
