import type { Db } from '@gatehouse/storage';
import type { StoredCheckpointRow, StoredEntryRow } from './store';
import { verifyJournal, type VerifyReport } from './verifier';

type Params = readonly (string | number)[];

/**
 * The reads verification needs: one worker of the gateway's read pool, or one
 * connection (the CLI). Each read must see at least what the one before it saw.
 */
export interface JournalRows {
  all<T>(sql: string, params?: Params): Promise<T[]>;
  iterate<T>(sql: string, params?: Params, chunk?: number): AsyncIterable<T[]>;
}

/**
 * Verifies the journal as stored, bounded by the tree size that the stored
 * state names. Entries, checkpoints and the subject index are append-only and
 * committed with the state in one transaction, so every later read of them,
 * cut at that size, sees exactly the tree the state describes, however many
 * entries a writer adds meanwhile. (Reading them unbounded, or before the
 * state, reports a tree that grew between two reads as tampered.)
 * One implementation for the HTTP verifier and the CLI.
 */
export const verifyStoredJournal = async (
  rows: JournalRows,
  publicKeys: ReadonlyMap<string, string>,
): Promise<VerifyReport> => {
  const [state] = await rows.all<{ treeSize: number; frontier: string }>(
    'SELECT tree_size AS treeSize, frontier FROM journal_state WHERE id = 1',
  );
  const size = state?.treeSize ?? 0;
  const checkpoints = await rows.all<StoredCheckpointRow>(
    'SELECT * FROM journal_checkpoints WHERE tree_size <= ? ORDER BY id',
    [size],
  );
  const [subjects] = await rows.all<{ n: number }>(
    'SELECT count(*) AS n FROM journal_subjects WHERE seq <= ?',
    [size],
  );
  return verifyJournal({
    entries: rows.iterate<StoredEntryRow>(
      'SELECT * FROM journal_entries WHERE seq <= ? ORDER BY seq',
      [size],
      1000,
    ),
    checkpoints,
    state: state ? { treeSize: state.treeSize, frontier: JSON.parse(state.frontier) as string[] } : undefined,
    subjectRows: subjects?.n ?? 0,
    publicKeys,
  });
};

/**
 * Verifies through one connection inside one read transaction: a single
 * snapshot of the database, whatever the gateway commits meanwhile (WAL).
 */
export const verifyDatabase = async (
  db: Db,
  publicKeys: ReadonlyMap<string, string>,
): Promise<VerifyReport> => {
  const rows: JournalRows = {
    all: <T>(sql: string, params: Params = []) => Promise.resolve(db.prepare(sql).all(...params) as T[]),
    async *iterate<T>(sql: string, params: Params = [], chunk = 1000) {
      let batch: T[] = [];
      for (const row of db.prepare(sql).iterate(...params) as IterableIterator<T>) {
        batch.push(row);
        if (batch.length === chunk) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
  db.exec('BEGIN');
  try {
    return await verifyStoredJournal(rows, publicKeys);
  } finally {
    db.exec('COMMIT');
  }
};
