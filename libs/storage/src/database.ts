import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;
/** A prepared statement taking positional parameters. */
export type Statement = Database.Statement<unknown[]>;

export interface OpenOptions {
  path: string;
  synchronous?: 'full' | 'normal';
  readonly?: boolean;
  migrations?: readonly Migration[];
}

export class MigrationError extends Error {}

const checksum = (m: Migration): string => createHash('sha256').update(m.sql).digest('hex');

/**
 * Applies every migration newer than the database, each in its own transaction.
 * Refuses to run against a database from a newer release or one whose applied
 * migrations were edited since.
 */
export const migrate = (db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] => {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = new Map(
    (
      db.prepare('SELECT version, checksum FROM schema_migrations').all() as {
        version: number;
        checksum: string;
      }[]
    ).map((r) => [r.version, r.checksum]),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const version of applied.keys()) {
    if (!known.has(version)) {
      throw new MigrationError(
        `database has migration ${version}, unknown to this release: refusing to downgrade`,
      );
    }
  }
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const sum = checksum(m);
    const previous = applied.get(m.version);
    if (previous !== undefined) {
      if (previous !== sum)
        throw new MigrationError(`migration ${m.version} (${m.name}) was changed after it was applied`);
      continue;
    }
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
      ).run(m.version, m.name, sum, new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
};

export const openDatabase = (options: OpenOptions): Db => {
  if (!options.readonly) mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
  const db = new Database(options.path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations);
  } else {
    db.pragma('query_only = ON');
  }
  return db;
};
