import { DomainError } from '@gatehouse/contracts';
import { checkedPatch } from './directory-gateway';

describe("the directory's values for a cardholder", () => {
  it('passes what an operator could have typed', () => {
    expect(checkedPatch({ name: ' Ann Archer ', department: 'Security', levelIds: ['staff'] })).toEqual({
      name: 'Ann Archer',
      department: 'Security',
      levelIds: ['staff'],
    });
  });

  it('refuses a name too long or with control characters, naming the field and not the value', () => {
    const long = 'x'.repeat(500);
    for (const name of [long, 'Ann\u0000Archer', 'Ann\nArcher']) {
      let refused: unknown;
      try {
        checkedPatch({ name });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).message).toMatch(
        /^the directory's name for this person cannot be stored/,
      );
      expect((refused as DomainError).message).not.toContain('Ann');
      expect((refused as DomainError).message).not.toContain(long);
    }
  });
});
