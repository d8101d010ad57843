import type { Db } from '@gatehouse/storage';
import type { EpochRow, StoredCheckpointRow, VerifiedRow } from './store';
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
  const [state] = await rows.all<{ epoch: number; firstSeq: number; treeSize: number; frontier: string }>(
    'SELECT epoch, first_seq AS firstSeq, tree_size AS treeSize, frontier FROM journal_state WHERE id = 1',
  );
  const epoch = state?.epoch ?? 1;
  const size = state?.treeSize ?? 0;
  const lastSeq = (state?.firstSeq ?? 1) - 1 + size;
  const epochs = await rows.all<EpochRow>('SELECT * FROM journal_epochs WHERE epoch <= ? ORDER BY epoch', [
    epoch,
  ]);
  const checkpoints = await rows.all<StoredCheckpointRow>(
    'SELECT * FROM journal_checkpoints WHERE epoch < ? OR (epoch = ? AND tree_size <= ?) ORDER BY id',
    [epoch, epoch, size],
  );
  const [subjects] = await rows.all<{ n: number }>(
    'SELECT count(*) AS n FROM journal_subjects WHERE seq <= ?',
    [lastSeq],
  );
  return verifyJournal({
    // A retired entry is its kept leaf hash, without a body.
    entries: rows.iterate<VerifiedRow>(
      `SELECT seq, time_ms, type, category, source, entry_json, leaf_hash FROM journal_entries WHERE seq <= ?
       UNION ALL
       SELECT seq, NULL, NULL, NULL, NULL, NULL, leaf_hash FROM journal_retired_leaves WHERE seq <= ?
       ORDER BY seq`,
      [lastSeq, lastSeq],
      1000,
    ),
    checkpoints,
    epochs,
    state: state
      ? {
          epoch: state.epoch,
          firstSeq: state.firstSeq,
          treeSize: state.treeSize,
          frontier: JSON.parse(state.frontier) as string[],
        }
      : undefined,
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
