/**
 * The gateway's limits on an operator's names (auth.controller.ts and
 * operators.controller.ts: the same rules), said beside the fields before
 * sending, and held by the inputs, rather than refused after.
 */
export const USERNAME_LIMITS = {
  maxLength: 64,
  // The browser reads a pattern with the v flag: the dash is escaped inside the class.
  pattern: '[A-Za-z0-9._@\\-]+',
  words: 'Up to 64 letters, digits and . _ @ - (no spaces).',
} as const;
export const DISPLAY_NAME_LIMITS = {
  maxLength: 100,
  words: 'Up to 100 characters, as colleagues know them.',
} as const;
