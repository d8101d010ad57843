import { z } from 'zod';

/**
 * What every schema that takes text or times from a client shares (one helper,
 * so no route forgets a rule): text without control characters or broken
 * UTF-16, dates that exist on the calendar, and update schemas in which no
 * default fills a field the client did not name.
 */

/**
 * C0 and C1 control characters (NUL, escape, DEL…) and UTF-16 halves with no
 * partner: nothing a person types, and each breaks something downstream (C
 * strings, terminals, CSV, JSON consumers that reject lone surrogates).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

/** Text a person typed: trimmed, at most `max` characters, no control characters (line breaks only when `multiline`). */
export const plainText = (options: { min?: number; max: number; multiline?: boolean }) =>
  z
    .string()
    .trim()
    .min(options.min ?? 1)
    .max(options.max)
    .refine(
      (v) => !CONTROL.test(v) && (options.multiline || !LINE_BREAK_OR_TAB.test(v)),
      options.multiline
        ? 'no control characters (other than line breaks and tabs)'
        : 'no control characters, tabs or line breaks',
    );

/** Why a guard or operator acted: a short sentence of their own. */
export const reasonText = plainText({ max: 500 }).refine(
  (v) => v.length >= 3,
  'give a reason (at least 3 characters)',
);

/**
 * Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069): they let a name read differently from what it holds
 * ("Trojan Source", CVE-2021-42574). Stored as given (right-to-left names need
 * no explicit control; these are shown, never obeyed).
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
/** Shows each bidirectional control as a visible code ("<U+202E>") instead of letting it reorder the text around it. */
export const neutraliseBidi = (text: string): string => text.replace(BIDI_CONTROLS, codeOf);

const codeOf = (c: string) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;
const CONTROL_ANYWHERE = new RegExp(CONTROL.source, 'gu');
/** Printable ASCII, tabs and line breaks: text with nothing to show as a code (most of an export's cells). */
const NOTHING_TO_SHOW = /^[\t\n\r\x20-\x7e]*$/;
/**
 * Text for a file people open (CSV): bidirectional controls and control
 * characters (from devices, or stored before they were refused) shown as codes.
 */
export const shownAsText = (text: string): string =>
  NOTHING_TO_SHOW.test(text) ? text : neutraliseBidi(text).replace(CONTROL_ANYWHERE, codeOf);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const realDay = (y: string, m: string, d: string): boolean => {
  const month = Number(m);
  const day = Number(d);
  // Date.UTC rolls 30 February over into March: a day that exists comes back unchanged.
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() === day
  );
};

/** True for a calendar date "YYYY-MM-DD" that exists (no 30 February, nothing after it). */
export const isIsoDate = (v: string): boolean => {
  const m = DATE.exec(v);
  return m !== null && realDay(m[1]!, m[2]!, m[3]!);
};

/**
 * Epoch milliseconds of an ISO 8601 time with its zone ("2026-05-01T08:00:00Z",
 * "…+02:00"), or null for anything else: an impossible date or hour, a time
 * without a zone (its meaning would depend on the server's), trailing text.
 * (Date.parse takes "2026-02-30" as 2 March and "2026-05-01 junk" as June.)
 */
export const parseIsoInstant = (v: string): number | null => {
  const m = INSTANT.exec(v);
  if (!m || !realDay(m[1]!, m[2]!, m[3]!)) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  if (m[7] !== 'Z' && (Number(m[8]) > 23 || Number(m[9]) > 59)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
};

/** A date (midnight UTC) or a time with zone, for filters and files that take either; null for anything else. */
export const parseIsoDateOrInstant = (v: string): number | null =>
  isIsoDate(v) ? Date.parse(v) : parseIsoInstant(v);

/** A calendar date that exists, "YYYY-MM-DD". */
export const isoDate = z.string().max(10).refine(isIsoDate, 'a date that exists, YYYY-MM-DD');
/** An ISO 8601 time with zone, checked as {@link parseIsoInstant} does (the string is kept as sent). */
export const isoInstant = z
  .string()
  .max(40)
  .refine(
    (v) => parseIsoInstant(v) !== null,
    'an ISO 8601 time with zone that exists, e.g. 2026-05-01T08:00:00Z',
  );

type Unwrapped<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;
type Patch<S extends z.ZodRawShape> = { [K in keyof S]: z.ZodOptional<Unwrapped<S[K]>> };

/**
 * The update schema of a create schema: every field optional and no default
 * left, so an update changes exactly the fields it names. (`.partial()` keeps
 * the defaults: an update of one field would silently reset the others.)
 */
export const patchOf = <S extends z.ZodRawShape>(create: z.ZodObject<S>) => {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(create.shape))
    shape[key] = withoutDefault(field as z.ZodType).optional();
  return z.strictObject(shape as unknown as Patch<S>);
};

/**
 * A replacement (PUT) schema: every field must be named (nullable ones as
 * null), since a default would fill what the client left out and erase it.
 * Fields that were optional on create stay optional.
 */
export const replacementOf = <S extends z.ZodRawShape>(create: z.ZodObject<S>) => {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(create.shape)) shape[key] = withoutDefault(field as z.ZodType);
  return z.strictObject(shape as unknown as { [K in keyof S]: Unwrapped<S[K]> });
};

const withoutDefault = (field: z.ZodType): z.ZodType =>
  field instanceof z.ZodDefault ? withoutDefault(field.unwrap() as z.ZodType) : field;
