/**
 * How deeply JSON bodies may nest, and how many items (array elements and
 * object members, over the whole body) they may hold. No request of the API
 * nests more than a few levels or lists more than 2,000 things; the bounds
 * are generous, and they are checked before parsing because parsing is what
 * costs: JSON.parse of a 1 MB body of nested brackets blocked the event loop
 * for seconds, and one of 60,000 members for a third of a second.
 */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_ITEMS = 10_000;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c; // ,
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * What makes this JSON text too costly to parse, if anything: one linear pass
 * over the text, brackets and commas inside strings ignored. Items are counted
 * by their separating commas, so a body may hold one more than the bound per container.
 */
export const jsonShapeProblem = (
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxItems = MAX_JSON_ITEMS,
): 'too-deep' | 'too-many-items' | null => {
  let depth = 0;
  let commas = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA) {
      if (++commas > maxItems) return 'too-many-items';
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return 'too-deep';
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return null;
};
