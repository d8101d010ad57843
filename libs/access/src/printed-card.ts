import { CREDENTIAL_FORMATS, type Credential } from './model';

const stripZeros = (digits: string) => digits.replace(/^0+(?=\d)/, '');

/** A format's name before the number, as the console prints a card ("H10301 21:10102"). */
const FORMAT_PREFIX = new RegExp(`^(${CREDENTIAL_FORMATS.join('|')})\\s+(\\S.*)$`, 'i');

/** Whether a text is a card number with its format first ("H10301 21:10102"), as the console prints cards. */
export const isPrintedWithFormat = (text: string): boolean => {
  const named = FORMAT_PREFIX.exec(text.trim());
  return named !== null && /\d/.test(named[2]!);
};

/**
 * Whether a credential is the card whose number someone reads off a badge.
 * Badges print the card number, often with the facility code before it
 * ("345", "00345", "12-345", "12 345", "12:345"); raw readings are printed
 * in hex. With `prefix` a number still being typed matches the cards it
 * could become (for suggestions). A PIN-only credential's number is a code
 * typed on a keypad, never printed: it never matches.
 */
export const printedCardMatches = (
  credential: Pick<Credential, 'format' | 'number'>,
  printed: string,
  prefix = false,
): boolean => {
  let typed = printed.trim().toLowerCase();
  if (typed === '' || credential.format === 'pin-only') return false;
  // Copied from the console or a report with its format first: that format's cards only.
  const named = FORMAT_PREFIX.exec(typed);
  if (named) {
    if (named[1] !== credential.format.toLowerCase()) return false;
    typed = named[2]!.trim();
  }
  const same = (stored: string, given: string) => (prefix ? stored.startsWith(given) : stored === given);
  if (credential.format === 'raw') {
    const hex = typed.replace(/[\s:-]/g, '');
    const stored = credential.number.toLowerCase();
    return (
      /^[0-9a-f]+$/.test(hex) && (same(stored.split(':')[1] ?? '', hex) || same(stored.replace(':', ''), hex))
    );
  }
  const [facility, card] = credential.number.includes(':')
    ? (credential.number.split(':') as [string, string])
    : [null, credential.number];
  if (/^\d+$/.test(typed)) return same(card, stripZeros(typed));
  const pair = /^(\d+)\s*[:/ -]\s*(\d*)$/.exec(typed);
  if (!pair || facility === null || stripZeros(pair[1]!) !== facility) return false;
  if (pair[2] === '') return prefix;
  return same(card, stripZeros(pair[2]!));
};
