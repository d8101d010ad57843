import type { Db } from '@gatehouse/storage';
import { type MasterKey, MasterKeyError } from './master-key';
import { readMasterVersions, versionOf } from './master-versions';
import { unwrapKey, type WrapSubject, wrapKey } from './wrap';

export interface RotationOptions {
  /** Keys rewrapped per transaction: bounds how long other writers wait. */
  batchSize?: number;
  now?: () => number;
  /** Told after each committed batch (progress for the operator). */
  onBatch?: (progress: { rewrapped: number; remaining: number }) => void;
}

export interface RotationReport {
  fromVersion: number;
  toVersion: number;
  /** Keys rewrapped by this call (a resumed rotation counts only its own). */
  rewrapped: number;
  /** True when the rotation was already complete before this call. */
  alreadyDone: boolean;
}

interface KeyRow {
  id: string;
  wrapped: Buffer;
}

/**
 * Records the rotation from `from` to `to`, or finds the one under way: the new
 * key's check value becomes version n+1 in state 'next' before any key moves.
 */
const startOrResume = (
  db: Db,
  from: MasterKey,
  to: MasterKey,
  now: () => number,
): { fromVersion: number; toVersion: number; done: boolean } =>
  db
    .transaction(() => {
      const rows = readMasterVersions(db);
      const old = versionOf(rows, from);
      const target = versionOf(rows, to);
      if (from.checkValue.equals(to.checkValue))
        throw new MasterKeyError('wrong-key', 'the new master key is the current one');
      if (old?.state === 'retired' && target?.state === 'current')
        return { fromVersion: old.version, toVersion: target.version, done: true };
      if (old?.state !== 'current')
        throw new MasterKeyError('wrong-key', 'the master key to rotate from is not the current one');
      const next = rows.find((r) => r.state === 'next');
      if (next && next !== target)
        throw new MasterKeyError(
          'wrong-key',
          `a rotation to another master key (version ${next.version}) is under way; resume it with that key`,
        );
      if (target && target.state !== 'next')
        throw new MasterKeyError(
          'wrong-key',
          `the new master key is version ${target.version}, already used`,
        );
      if (target) return { fromVersion: old.version, toVersion: target.version, done: false };
      const version = Math.max(...rows.map((r) => r.version)) + 1;
      db.prepare(
        "INSERT INTO privacy_master_keys (version, check_value, state, created_at) VALUES (?, ?, 'next', ?)",
      ).run(version, to.checkValue, now());
      return { fromVersion: old.version, toVersion: version, done: false };
    })
    .immediate();

/**
 * Rewraps every data key (and site key) from the current master key to a new
 * one, in batches, each its own transaction, each row recording its version.
 * Killed at any point, the database stays consistent (every row opens with one
 * of the two keys, and a keyring given both reads all of it); running it again
 * with the same two keys resumes where it stopped. The last step retires the
 * old version, after which only the new key opens the database.
 */
export const rotateMasterKey = (
  db: Db,
  from: MasterKey,
  to: MasterKey,
  options: RotationOptions = {},
): RotationReport => {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 500;
  const { fromVersion, toVersion, done } = startOrResume(db, from, to, now);
  if (done) return { fromVersion, toVersion, rewrapped: 0, alreadyDone: true };

  const rewrap = (subject: WrapSubject, wrapped: Buffer): Buffer => {
    const raw = unwrapKey(from, fromVersion, subject, wrapped);
    if (!raw) throw new Error(`a wrapped key (${JSON.stringify(subject)}) does not unwrap: altered or moved`);
    const again = wrapKey(to, toVersion, subject, raw);
    raw.fill(0);
    return again;
  };

  db.transaction(() => {
    const sites = db
      .prepare('SELECT purpose AS id, wrapped FROM privacy_site_keys WHERE key_version = ?')
      .all(fromVersion) as KeyRow[];
    const update = db.prepare('UPDATE privacy_site_keys SET wrapped = ?, key_version = ? WHERE purpose = ?');
    for (const row of sites)
      update.run(rewrap({ kind: 'site', purpose: row.id }, row.wrapped), toVersion, row.id);
  }).immediate();

  const batch = db.prepare(
    'SELECT person_id AS id, wrapped FROM privacy_person_keys WHERE key_version = ? LIMIT ?',
  );
  const update = db.prepare(
    'UPDATE privacy_person_keys SET wrapped = ?, key_version = ? WHERE person_id = ?',
  );
  const remaining = db.prepare('SELECT count(*) FROM privacy_person_keys WHERE key_version = ?').pluck();
  let rewrapped = 0;
  for (;;) {
    const moved = db
      .transaction(() => {
        const rows = batch.all(fromVersion, batchSize) as KeyRow[];
        for (const row of rows)
          update.run(rewrap({ kind: 'person', id: row.id }, row.wrapped), toVersion, row.id);
        return rows.length;
      })
      .immediate();
    if (moved === 0) break;
    rewrapped += moved;
    options.onBatch?.({ rewrapped, remaining: remaining.get(fromVersion) as number });
  }

  db.transaction(() => {
    // A key written under the old version meanwhile (another process without the new key) stops the retirement.
    const left =
      (remaining.get(fromVersion) as number) +
      (db
        .prepare('SELECT count(*) FROM privacy_site_keys WHERE key_version = ?')
        .pluck()
        .get(fromVersion) as number);
    if (left > 0)
      throw new Error(`${left} keys are still wrapped by version ${fromVersion}; run the rotation again`);
    db.prepare("UPDATE privacy_master_keys SET state = 'retired', retired_at = ? WHERE version = ?").run(
      now(),
      fromVersion,
    );
    db.prepare("UPDATE privacy_master_keys SET state = 'current' WHERE version = ?").run(toVersion);
  }).immediate();
  return { fromVersion, toVersion, rewrapped, alreadyDone: false };
};
