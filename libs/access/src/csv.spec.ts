import fc from 'fast-check';
import { DomainError } from '@gatehouse/contracts';
import { parseCsv } from './csv';

/**
 * The parser as it was (a cell grown a character at a time), kept as the
 * reference: parseCsv takes runs of characters as slices and must read every
 * text the same way.
 */
const reference = (text: string) => {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else cell += ch;
    i += 1;
  }
  if (quoted) throw new DomainError('invalid', 'import.csv', `line ${rowLine}: a quoted field is not closed`);
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
};

const outcome = (run: () => unknown) => {
  try {
    return { rows: run() };
  } catch (error) {
    return { error: error instanceof DomainError ? error.message : error };
  }
};

/** Texts of what matters to CSV (quotes, also in mid-field, separators, CR, LF) and long plain runs. */
const csvText = fc
  .array(
    fc.constantFrom(
      'a',
      'bc',
      'Person Müller-Łukasiewicz',
      '"',
      '""',
      ',',
      '\n',
      '\r',
      '\r\n',
      ' ',
      'é',
      '😀',
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

describe('parseCsv', () => {
  it('reads every text as the character-by-character parser did', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        expect(outcome(() => parseCsv(text))).toEqual(outcome(() => reference(text)));
      }),
      { numRuns: 5000 },
    );
  });

  it('takes runs as slices: quoted cells with doubled quotes, text after a closing quote, CRLF', () => {
    expect(parseCsv('id,name\r\n1,"Ann ""the"" Long-Name, Jr."x\n2,"line\none"\n,\n')).toEqual([
      { line: 1, cells: ['id', 'name'] },
      { line: 2, cells: ['1', 'Ann "the" Long-Name, Jr.x'] },
      { line: 3, cells: ['2', 'line\none'] },
      { line: 5, cells: ['', ''] },
    ]);
  });
});
