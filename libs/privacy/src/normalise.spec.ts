import { MAX_NAME_TOKENS, nameTokens, normaliseCardNumber, normaliseName } from './normalise';

describe('name normalisation for the blind index', () => {
  it.each([
    ['  Anna   SMITH ', 'anna smith'],
    ['Müller', 'muller'],
    ['Muller', 'muller'],
    ['François Lefèvre', 'francois lefevre'],
    ['Straße', 'strasse'],
    ['Ørsted Łukasz', 'orsted lukasz'],
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['Jean-Luc Picard', 'jean luc picard'],
    ['Smith, Anna', 'smith anna'],
    ['ＡＮＮＡ', 'anna'], // full-width letters (NFKC)
    ['İlker Işık', 'ilker isik'],
    ['Ａ\u0301na', 'ana'], // combining accent after a compatibility form
    ['Σωκράτης', 'σωκρατης'],
    ['山田 太郎', '山田 太郎'],
    ['देवी', 'देवी'], // marks of other scripts carry meaning: kept
    ['\t\n', ''],
  ])('%j → %j', (name, normal) => {
    expect(normaliseName(name)).toBe(normal);
  });

  it('yields distinct tokens, bounded', () => {
    expect(nameTokens('Anna Maria Anna Smith')).toEqual(['anna', 'maria', 'smith']);
    expect(nameTokens(' - ')).toEqual([]);
    const many = Array.from({ length: 40 }, (_, i) => `n${i}`).join(' ');
    expect(nameTokens(many)).toHaveLength(MAX_NAME_TOKENS);
  });

  it('normalises card numbers as readers report them', () => {
    expect(normaliseCardNumber('000123')).toBe('123');
    expect(normaliseCardNumber('0')).toBe('0');
    expect(normaliseCardNumber('12 34-56')).toBe('123456');
    expect(normaliseCardNumber('04a1:b2')).toBe('04A1B2');
    expect(normaliseCardNumber('  ')).toBe('');
  });
});
