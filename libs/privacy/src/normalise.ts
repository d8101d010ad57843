/**
 * Letters that no Unicode decomposition turns into plain Latin letters but that
 * people type as such on a keyboard without them (Straße → strasse).
 */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const FOLD_PATTERN = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'gu');
/** The combining diacritical marks block (accents, umlauts, cedillas) only: marks of other scripts carry meaning. */
const LATIN_DIACRITICS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’ʼ`´]/g;
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/gu;
/** Bounds the index rows one name can add. */
export const MAX_NAME_TOKENS = 16;

/**
 * The searchable form of a name. Compatibility forms unified (NFKC: full-width
 * letters, ligatures), lower case, accents dropped so "Muller" finds "Müller"
 * (an operator at a door seldom types them; a few more candidates is the price),
 * apostrophes dropped so "OBrien" finds "O'Brien", every other non-letter
 * non-digit a separator ("Jean-Luc" is two tokens), white space collapsed.
 */
export const normaliseName = (name: string): string =>
  name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(LATIN_DIACRITICS, '')
    .replace(FOLD_PATTERN, (c) => FOLDS[c] ?? c)
    .replace(APOSTROPHES, '')
    .replace(SEPARATORS, ' ')
    .trim()
    .normalize('NFC');

/** The distinct tokens of a name (at most MAX_NAME_TOKENS): each is indexed, so any one of them finds the person. */
export const nameTokens = (name: string): string[] => {
  const normal = normaliseName(name);
  if (normal === '') return [];
  return [...new Set(normal.split(' '))].slice(0, MAX_NAME_TOKENS);
};

/**
 * The searchable form of a card number, whatever its format: separators and
 * spaces dropped, letters upper case, and leading zeros of an all-digit number
 * dropped ("000123" and "123" are one card as a reader reports it).
 */
export const normaliseCardNumber = (number: string): string => {
  const compact = number
    .normalize('NFKC')
    .replace(/[\s\-_.:]+/g, '')
    .toUpperCase();
  return /^\d+$/.test(compact) ? compact.replace(/^0+(?=\d)/, '') : compact;
};
