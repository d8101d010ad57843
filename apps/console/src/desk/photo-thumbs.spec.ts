import { initialsOf } from './photo-thumbs';

describe("a person's initials where the desk has no photo", () => {
  it('takes the first and last name, any script, and skips what is not a letter', () => {
    expect(initialsOf('Ann Archer')).toBe('AA');
    expect(initialsOf('Ada de Vries')).toBe('AV');
    expect(initialsOf('Cher')).toBe('C');
    expect(initialsOf('élodie (temp) Ünal')).toBe('ÉÜ');
    expect(initialsOf('  ')).toBe('');
  });
});
