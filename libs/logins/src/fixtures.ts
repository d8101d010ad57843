import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads a sample from libs/logins/fixtures (tests only). */
export const fixtureText = (path: string): string =>
  readFileSync(join(__dirname, '..', 'fixtures', path), 'utf8');
