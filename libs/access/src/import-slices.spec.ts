import fc from 'fast-check';
import { DomainError } from '@gatehouse/contracts';
import { parseCsv } from './csv';
import { inTimedBatches, parseCsvInSlices } from './import-slices';

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

describe('inTimedBatches', () => {
  /** A step that costs `msPerItem` of work per item (busy), recording the batch sizes it was given. */
  const costly = (msPerItem: number, sizes: number[]) => (batch: readonly number[]) => {
    sizes.push(batch.length);
    const end = performance.now() + msPerItem * batch.length;
    while (performance.now() < end);
    return batch.map((n) => n * 2);
  };

  it('gives every result in order, whatever the batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 300 }), async (items) => {
        const out = await inTimedBatches(
          items,
          (b) => b.map((n) => n + 1),
          async () => undefined,
        );
        expect(out).toEqual(items.map((n) => n + 1));
      }),
    );
  });

  it('makes slow items come in small batches and cheap ones in larger ones, from the first batch of 4', async () => {
    const slow: number[] = [];
    const cheap: number[] = [];
    const items = Array.from({ length: 400 }, (_, i) => i);
    let pauses = 0;
    const pause = async () => void (pauses += 1);
    // 2 ms an item against a 4 ms budget: at most 2 an item batch after the first.
    await inTimedBatches(items.slice(0, 40), costly(2, slow), pause, 4);
    await inTimedBatches(items, costly(0.001, cheap), pause, 4);
    expect(slow[0]).toBe(4);
    expect(Math.max(...slow.slice(1))).toBeLessThanOrEqual(2);
    expect(cheap[0]).toBe(4);
    expect(Math.max(...cheap)).toBeGreaterThan(16);
    expect(pauses).toBe(slow.length + cheap.length);
  });
});
