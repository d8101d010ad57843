import fc from 'fast-check';
import { DomainError } from '@gatehouse/contracts';
import { parseCsv } from './csv';
import { inTimeSlices, parseCsvInSlices } from './import-slices';

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

describe('inTimeSlices', () => {
  /** A step that costs `ms` of work (busy). */
  const costly = (ms: number) => (n: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return [n * 2];
  };

  it('gives every result in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 300 }), async (items) => {
        const out = await inTimeSlices(
          items,
          (n) => [n + 1],
          async () => undefined,
        );
        expect(out).toEqual(items.map((n) => n + 1));
      }),
    );
  });

  it('ends each slice, one call of `around`, once its time is used, whatever an item costs', async () => {
    const slices: number[] = [];
    const dearPerSlice: number[] = [];
    let pauses = 0;
    const pause = async () => void (pauses += 1);
    let stepped = 0;
    let dear = 0;
    const counting = (slice: () => void) => {
      const [steppedBefore, dearBefore] = [stepped, dear];
      slice();
      slices.push(stepped - steppedBefore);
      dearPerSlice.push(dear - dearBefore);
    };
    const items = Array.from({ length: 60 }, (_, i) => i);
    // Cheap items, then dear ones (3 ms against a 4 ms budget): a slice never takes more than
    // two dear ones, however many cheap ones came before it in the same slice (counted by kind,
    // not by position: how many cheap ones fit in a slice depends on the machine).
    const step = (n: number) => (n < 40 ? costly(0.01)(n) : ((dear += 1), costly(3)(n)));
    const out = await inTimeSlices(items, (n) => ((stepped += 1), step(n)), pause, counting, 4);
    expect(out).toEqual(items.map((n) => n * 2));
    expect(pauses).toBe(slices.length);
    expect(slices.reduce((a, b) => a + b, 0)).toBe(60);
    expect(slices[0]).toBeGreaterThan(10);
    expect(Math.max(...dearPerSlice)).toBeLessThanOrEqual(2);
    expect(dearPerSlice.filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);
  });
});
