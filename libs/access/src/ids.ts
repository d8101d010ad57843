import { randomUUID } from 'node:crypto';

/**
 * A new record id: a random UUID as one flat string. Node builds `randomUUID()`
 * by joining about twenty pieces, a chain of string objects (about 700 bytes)
 * that lives as long as the id does: in an import's plan until its commit
 * (two per row, copied by every scavenge meanwhile), then in the access index
 * for good. Lowercasing, which changes nothing in a UUID, gives the id back
 * as one flat string of 36 characters.
 */
export const newId = (): string => randomUUID().toLowerCase();
