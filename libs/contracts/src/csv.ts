import { shownAsText } from './input';

/** What a CSV cell may hold; nothing (null, undefined) is an empty cell. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * One CSV cell (RFC 4180: quoted when it holds a quote, comma or line break).
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading apostrophe: exports are opened in spreadsheets, and their text comes
 * partly from devices and visitors. Bidirectional controls and control
 * characters are shown as codes, never obeyed (a name must not read as
 * something else; a NUL must not cut a line).
 */
export const csvCell = (value: CsvValue): string => {
  if (value === null || value === undefined) return '';
  const shown = shownAsText(String(value));
  const safe = /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One CSV record with its CRLF (RFC 4180): every export of the gateway writes its lines with this. */
export const csvRecord = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;
