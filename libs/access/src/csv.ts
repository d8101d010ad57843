import { DomainError } from '@gatehouse/contracts';

export interface CsvRow {
  /** 1-based line number where the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/**
 * Bytes to text: UTF-8 only (a UTF-8 byte-order mark is dropped). UTF-16 and
 * invalid UTF-8 (a file saved as Latin-1 or Windows-1252) are refused with the
 * line of the first bad byte, rather than importing mangled names.
 */
export const decodeCsv = (bytes: Buffer): string => {
  if (bytes.length > MAX_IMPORT_BYTES)
    throw new DomainError(
      'too-large',
      'import.too-large',
      `an import is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`,
    );
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new DomainError(
      'invalid',
      'import.encoding',
      'the file is UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)',
    );
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Find the first line holding an invalid sequence.
    let line = 1;
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i === body.length || body[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(start, i));
        } catch {
          throw new DomainError(
            'invalid',
            'import.encoding',
            `line ${line}: not valid UTF-8; save the file as UTF-8`,
            { line },
          );
        }
        line += 1;
        start = i + 1;
      }
    }
    throw new DomainError('invalid', 'import.encoding', 'not valid UTF-8; save the file as UTF-8');
  }
};

/** Slices this long or longer are views into the text they come from (V8 "sliced strings"). */
const SLICE_MIN = 13;

/**
 * A cell's own copy of `text.slice(from, to)`: a longer slice would keep the
 * whole file alive for as long as any of its cells lives (in the access index,
 * for good). JSON's round trip gives an independent flat string, any string.
 */
const own = (text: string, from: number, to: number): string => {
  const piece = text.slice(from, to);
  return piece.length < SLICE_MIN ? piece : (JSON.parse(JSON.stringify(piece)) as string);
};

/**
 * RFC 4180: quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF or LF.
 * A cell's characters are taken as runs of the text (a slice each), not added one by one: a
 * string grown a character at a time is a chain of a string object per character, about 900
 * bytes per row of a cardholder file, which an import keeps until its commit and every
 * scavenge meanwhile copies.
 */
export const parseCsv = (text: string): CsvRow[] => {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  /** The cell's characters before the current run (only a quoted cell has more than one run). */
  let cell = '';
  /** Where the current run of the cell's characters starts in `text`, or -1 when there is none. */
  let run = -1;
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const flush = () => {
    if (run < 0) return;
    cell += own(text, run, i);
    run = -1;
  };
  const take = () => {
    if (run < 0) run = i;
  };
  const endCell = () => {
    flush();
    cells.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        flush();
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        take();
      }
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '' && run < 0) quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      // The run ends before the line break (and before a CRLF's \r).
      flush();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else take();
    i += 1;
  }
  if (quoted)
    throw new DomainError('invalid', 'import.csv', `line ${rowLine}: a quoted field is not closed`, {
      line: rowLine,
    });
  flush();
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
};
