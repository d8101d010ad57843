import { csvCell, csvRecord } from './csv';

describe('the CSV writer', () => {
  it('writes plain values as they are and nothing as an empty cell', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes a cell holding a quote, comma or line break, doubling its quotes (RFC 4180)', () => {
    expect(csvCell('Smith, John')).toBe('"Smith, John"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
  });

  it('shows bidirectional and control characters as codes instead of obeying them', () => {
    const cell = csvCell('abc\u202Efed\u0000');
    expect(cell.includes('\u202E')).toBe(false);
    expect(cell.includes('\u0000')).toBe(false);
    expect(cell.startsWith('abc')).toBe(true);
  });

  it('writes a record as its cells, comma-separated, ending in CRLF', () => {
    expect(csvRecord(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
    expect(csvRecord([])).toBe('\r\n');
  });
});
