import type { Db } from '@gatehouse/storage';
import { type MasterKey, MasterKeyError } from './master-key';

export interface MasterVersionRow {
  version: number;
  check_value: Buffer;
  state: 'current' | 'next' | 'retired';
}

export const readMasterVersions = (db: Db): MasterVersionRow[] =>
  db
    .prepare('SELECT version, check_value, state FROM privacy_master_keys ORDER BY version')
    .all() as MasterVersionRow[];

export const versionOf = (rows: readonly MasterVersionRow[], key: MasterKey): MasterVersionRow | undefined =>
  rows.find((r) => r.check_value.equals(key.checkValue));

/** Every master key version that wraps a stored key: each must be at hand to read them all. */
export const versionsInUse = (db: Db): number[] =>
  db
    .prepare(
      `SELECT key_version FROM privacy_person_keys GROUP BY key_version
       UNION SELECT key_version FROM privacy_site_keys`,
    )
    .pluck()
    .all() as number[];

/**
 * Matches the given master keys to this database's versions by check value,
 * reading only: a key no version knows, or one a rotation retired, is refused
 * before anything is written.
 */
export const matchMasterKeys = (db: Db, keys: readonly MasterKey[]): Map<number, MasterKey> => {
  const rows = readMasterVersions(db);
  const matched = new Map<number, MasterKey>();
  for (const key of keys) {
    const row = versionOf(rows, key);
    if (!row)
      throw new MasterKeyError(
        'wrong-key',
        'the master key given is not one this database was sealed with (no master key version has its check value)',
      );
    if (row.state === 'retired')
      throw new MasterKeyError(
        'wrong-key',
        `the master key given is version ${row.version}, retired by a rotation; give the current one`,
      );
    matched.set(row.version, key);
  }
  return matched;
};
