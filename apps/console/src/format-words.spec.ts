import { FORMAT_WORDS, FORMATS } from './access-api';

describe('card formats in words', () => {
  it('says every format the console offers as people know it, never the bare code', () => {
    expect(FORMATS.map((f) => FORMAT_WORDS[f])).toEqual([
      '26-bit H10301',
      '34-bit H10306',
      '37-bit H10302',
      '35-bit Corporate 1000',
      '48-bit Corporate 1000',
      'Raw bits (any length)',
      'PIN only (no card)',
    ]);
    for (const f of FORMATS) expect(FORMAT_WORDS[f]).not.toBe(f);
  });
});
