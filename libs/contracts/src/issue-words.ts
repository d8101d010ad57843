import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no (true or false)',
  array: 'a list',
  object: 'a group of fields',
  date: 'a date',
};

const FORMAT_WORDS: Record<string, string> = {
  datetime: 'a date and time (ISO 8601, e.g. 2026-05-01T08:00:00Z)',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (HH:MM)',
  email: 'an e-mail address',
  url: 'a web address',
  uuid: 'an id in UUID form',
  regex: 'in the form this field takes',
};

const plural = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`;

/** "at least 3 characters", "at most 6 items", "at least 1": a bound in the unit of what was sent. */
const bound = (origin: string, n: number | bigint): string => {
  if (origin === 'date') return new Date(Number(n)).toISOString();
  if (origin === 'string') return plural(n, 'character');
  if (origin === 'array' || origin === 'set') return plural(n, 'item');
  return String(n);
};

/**
 * A request's refused field in words (issue 11, item 9: errors in words, not
 * validation paths), as a predicate the console puts after the field's name:
 * "must be at least 12 characters", "is required", "must be one of: entry,
 * exit". Given to zod as the error map of a parse: a schema's own message
 * (".regex(…, 'six digits')") still wins, so a field with something better to
 * say says it there.
 */
export const issueInWords = (issue: Issue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const origin = String(issue.origin);
      if (issue.exact) return `must be exactly ${bound(origin, issue.minimum)}`;
      if (origin === 'string' && Number(issue.minimum) === 1) return 'is required';
      if ((origin === 'array' || origin === 'set') && Number(issue.minimum) === 1)
        return 'needs at least one item';
      const exclusive = issue.inclusive === false;
      return `must be ${exclusive ? 'more than' : 'at least'} ${bound(origin, issue.minimum)}`;
    }
    case 'too_big': {
      const origin = String(issue.origin);
      if (issue.exact) return `must be exactly ${bound(origin, issue.maximum)}`;
      const exclusive = issue.inclusive === false;
      return `must be ${exclusive ? 'less than' : 'at most'} ${bound(origin, issue.maximum)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${typeof issue.values[0] === 'string' ? `"${issue.values[0]}"` : String(issue.values[0])}`
        : `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_format':
      return `must be ${FORMAT_WORDS[issue.format] ?? `in the form of ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'is not in any form this field takes';
    case 'invalid_key':
    case 'invalid_element':
      return 'holds an entry that is not valid';
    default:
      return undefined;
  }
};
