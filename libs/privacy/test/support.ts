import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '@gatehouse/storage';

/** A fresh folder and a real SQLite database in it, opened as the gateway opens its own. */
export const freshDatabase = (prefix: string): { dir: string; path: string; db: Db } => {
  const dir = mkdtempSync(join(tmpdir(), `gh-privacy-${prefix}-`));
  const path = join(dir, 'gatehouse.db');
  return { dir, path, db: openDatabase({ path, synchronous: 'normal' }) };
};

export const reopen = (path: string): Db => openDatabase({ path, synchronous: 'normal' });

/** Every row of the privacy tables, to prove a refused start changed nothing. */
export const privacyTables = (db: Db): unknown[] =>
  [
    'privacy_master_keys',
    'privacy_site_keys',
    'privacy_person_keys',
    'privacy_erasures',
    'privacy_blind_index',
  ].map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all());
