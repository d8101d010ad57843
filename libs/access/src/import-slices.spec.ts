import fc from 'fast-check';
import { DomainError } from '@gatehouse/contracts';
import { parseCsv } from './csv';
import { parseCsvInSlices } from './import-slices';

/** Texts made of the characters that matter to CSV: quotes (also in mid-field), separators, CR, LF, CRLF. */
const csvText = fc
  .array(fc.constantFrom('a', 'bc', '"', '""', ',', '\n', '\r', '\r\n', ' ', 'é'), { maxLength: 200 })
  .map((parts) => parts.join(''));

const outcome = async (run: () => unknown) => {
  try {
    return { rows: await run() };
  } catch (error) {
    return { error: error instanceof DomainError ? [error.code, error.message, error.details] : error };
  }
};

describe('parseCsvInSlices', () => {
  it('gives the same rows, line numbers and errors as one parseCsv call, wherever the segments end', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, fc.integer({ min: 1, max: 40 }), async (text, segment) => {
        const whole = await outcome(() => parseCsv(text));
        const sliced = await outcome(() => parseCsvInSlices(text, segment));
        expect(sliced).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('numbers the lines of a later segment from the start of the file', async () => {
    const text = 'a,b\n"x\ny",2\nc,3\r\nd,"4\r\n';
    const rows = await outcome(() => parseCsvInSlices(text, 4));
    expect(rows).toEqual({
      error: ['import.csv', 'line 5: a quoted field is not closed', { line: 5 }],
    });
    expect(await parseCsvInSlices('a,b\n"x\ny",2\nc,3\r\n', 4)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\ny', '2'] },
      { line: 4, cells: ['c', '3'] },
    ]);
  });
});
