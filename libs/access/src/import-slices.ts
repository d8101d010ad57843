import { DomainError, SLICE_MS, timeSlicer } from '@gatehouse/contracts';
import { type CsvRow, parseCsv } from './csv';

/** Small enough that one segment is well within a slice of the event loop. */
const SEGMENT_CHARS = 8 * 1024;

/**
 * `parseCsv` over a large text in segments, yielding to the event loop between
 * them every few milliseconds (`timeSlicer`): the same rows and line numbers as
 * one call, without holding the loop for the whole file. The
 * scan follows `parseCsv`'s own states (a quote opens a field only at its
 * start) so that a segment ends only where a record ends.
 */
export const parseCsvInSlices = async (text: string, segmentChars = SEGMENT_CHARS): Promise<CsvRow[]> => {
  const rows: CsvRow[] = [];
  for await (const segment of csvSegments(text, timeSlicer(), segmentChars))
    for (const row of segment) rows.push(row);
  return rows;
};

/**
 * The rows of a large text a segment at a time, `pause` awaited before each
 * segment after the first (the caller's slicer: its work on a segment counts in
 * the same budget). A caller that handles each segment's rows before asking
 * for the next lets them go while they are young, instead of holding every row
 * of the file through many collections (an import's GC pauses grow with what
 * survives). A syntax error is thrown where its segment is reached, with the
 * line number of the whole text.
 */
export async function* csvSegments(
  text: string,
  pause: () => Promise<void>,
  segmentChars = SEGMENT_CHARS,
): AsyncGenerator<CsvRow[]> {
  let start = 0;
  let line = 0;
  let quoted = false;
  let cellEmpty = true;
  let i = 0;
  while (start < text.length) {
    if (start > 0) await pause();
    // Scan on from `i` to the first record end past the segment's size, counting lines as parseCsv does.
    let lines = 0;
    let end = text.length;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (quoted) {
        if (c === 34 && text.charCodeAt(i + 1) !== 34) {
          quoted = false;
          continue;
        }
        if (c === 34) i++;
        else if (c === 10) lines++;
        cellEmpty = false;
        continue;
      }
      if (c === 34 && cellEmpty) quoted = true;
      else if (c === 44) cellEmpty = true;
      else if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        lines++;
        cellEmpty = true;
        if (i + 1 - start >= segmentChars) {
          end = ++i;
          break;
        }
      } else cellEmpty = false;
    }
    const rows = parseSegment(text.slice(start, end), line);
    line += lines;
    start = end;
    yield rows;
  }
}

/** One segment, its line numbers (and those of its errors) counted from the whole text's start. */
const parseSegment = (segment: string, linesBefore: number): CsvRow[] => {
  try {
    return parseCsv(segment).map((row) => ({ line: row.line + linesBefore, cells: row.cells }));
  } catch (error) {
    const line = (error as DomainError).details?.line;
    if (!(error instanceof DomainError) || typeof line !== 'number' || linesBefore === 0) throw error;
    const at = line + linesBefore;
    throw new DomainError(error.kind, error.code, error.message.replace(`line ${line}`, `line ${at}`), {
      ...error.details,
      line: at,
    });
  }
};

/**
 * `step` over `items` a slice at a time: `pause` awaited, then items one by
 * one until the slice's time (`budgetMs`) is used, all inside one call of
 * `around` (a write transaction, say: one commit a slice, not one an item).
 * For work whose cost per item is not known ahead and varies (sealing for a
 * person whose key is cached or must be unwrapped or made; a machine under
 * load): batches of a fixed count, or sized from the last batch's cost, held
 * the event loop 20-30 ms on a core when the cost rose.
 */
export const inTimeSlices = async <T, R>(
  items: readonly T[],
  step: (item: T) => readonly R[],
  pause: () => Promise<void>,
  around: (slice: () => void) => void = (slice) => slice(),
  budgetMs = SLICE_MS,
): Promise<R[]> => {
  const out: R[] = [];
  for (let i = 0; i < items.length;) {
    await pause();
    const started = performance.now();
    around(() => {
      do for (const r of step(items[i++]!)) out.push(r);
      while (i < items.length && performance.now() - started < budgetMs);
    });
  }
  return out;
};
