import type { Db } from '@gatehouse/storage';
import type { SubjectRef } from '@gatehouse/contracts';

/** The stored right edge of the current epoch's tree. */
export interface TreeState {
  epoch: number;
  /** Sequence number of the epoch's first entry: leaf index = seq - firstSeq. */
  firstSeq: number;
  treeSize: number;
  frontier: string[];
}

export interface EpochRow {
  epoch: number;
  first_seq: number;
  started_at: number;
  retired_at: number | null;
}

/** What the journal needs from storage; a PostgreSQL adapter implements the same. */
export interface JournalStore {
  /** Runs `fn` as one write transaction that excludes other writers (other processes too). */
  writeTransaction<T>(fn: () => T): T;
  readState(): TreeState;
  writeState(treeSize: number, frontier: string[]): void;
  insertEntry(row: StoredEntryRow, subjects: readonly SubjectRef[]): void;
  lastEntry(): StoredEntryRow | undefined;
  /** The last `journal.created`, `journal.restarted` or `journal.stopped` entry. */
  lastLifecycleEntry(): StoredEntryRow | undefined;
  /** The last checkpoint, whatever its epoch. */
  lastCheckpoint(): StoredCheckpointRow | undefined;
  insertCheckpoint(row: Omit<StoredCheckpointRow, 'id'>): number;
  epochs(): EpochRow[];
  /** Records a new epoch and makes it the current tree (empty). */
  beginEpoch(epoch: number, firstSeq: number, startedAt: number): void;
  /** Whether a migration left the journal owing a new epoch (its entries may hold clear personal values). */
  epochDue(): boolean;
  epochDone(): void;
  /**
   * Removes the entries of seqs first..last, keeping each one's leaf hash (and
   * dropping their subject rows); returns how many were removed.
   */
  retireEntries(firstSeq: number, lastSeq: number): number;
  markRetired(epoch: number, at: number): void;
  /** The last checkpoint of one epoch. */
  lastCheckpointOf(epoch: number): StoredCheckpointRow | undefined;
}

export interface StoredEntryRow {
  seq: number;
  time_ms: number;
  type: string;
  category: string;
  source: string;
  entry_json: string;
  leaf_hash: Buffer;
}

/** A row the verifier reads: a stored entry, or a retired one (its leaf hash alone, `entry_json` null). */
export type VerifiedRow = Omit<StoredEntryRow, 'entry_json'> & { entry_json: string | null };

export interface StoredCheckpointRow {
  id: number;
  /** Absent in rows read from before epochs (treated as 1). */
  epoch?: number;
  tree_size: number;
  body_json: string;
  hash: Buffer;
  signature: Buffer;
  key_id: string;
}

const EPOCH_TASK = 'journal-epoch-after-sealing';

export class SqliteJournalStore implements JournalStore {
  private readonly stmts;
  constructor(private readonly db: Db) {
    this.stmts = {
      readState: db.prepare(
        'SELECT epoch, first_seq AS firstSeq, tree_size AS treeSize, frontier FROM journal_state WHERE id = 1',
      ),
      writeState: db.prepare('UPDATE journal_state SET tree_size = ?, frontier = ? WHERE id = 1'),
      insertEntry: db.prepare(
        // Positional: binding by name costs a lookup per parameter, on every entry.
        'INSERT INTO journal_entries (seq, time_ms, type, category, source, entry_json, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertSubject: db.prepare('INSERT INTO journal_subjects (kind, ref, seq) VALUES (?, ?, ?)'),
      lastEntry: db.prepare('SELECT * FROM journal_entries ORDER BY seq DESC LIMIT 1'),
      // One index probe per type (type, seq), however long the journal.
      lastLifecycleEntry: db.prepare(
        `SELECT * FROM journal_entries WHERE seq = (SELECT max(s) FROM (
           SELECT max(seq) AS s FROM journal_entries WHERE type = 'journal.created'
           UNION ALL SELECT max(seq) FROM journal_entries WHERE type = 'journal.restarted'
           UNION ALL SELECT max(seq) FROM journal_entries WHERE type = 'journal.stopped'))`,
      ),
      lastCheckpoint: db.prepare('SELECT * FROM journal_checkpoints ORDER BY id DESC LIMIT 1'),
      lastCheckpointOf: db.prepare(
        'SELECT * FROM journal_checkpoints WHERE epoch = ? ORDER BY id DESC LIMIT 1',
      ),
      insertCheckpoint: db.prepare(
        'INSERT INTO journal_checkpoints (epoch, tree_size, body_json, hash, signature, key_id) VALUES (@epoch, @tree_size, @body_json, @hash, @signature, @key_id)',
      ),
      epochs: db.prepare('SELECT * FROM journal_epochs ORDER BY epoch'),
      insertEpoch: db.prepare('INSERT INTO journal_epochs (epoch, first_seq, started_at) VALUES (?, ?, ?)'),
      beginState: db.prepare(
        "UPDATE journal_state SET epoch = ?, first_seq = ?, tree_size = 0, frontier = '[]' WHERE id = 1",
      ),
      epochDue: db.prepare('SELECT 1 FROM upgrade_tasks WHERE task = ?').pluck(),
      epochDone: db.prepare('DELETE FROM upgrade_tasks WHERE task = ?'),
      keepLeaves: db.prepare(
        'INSERT INTO journal_retired_leaves (seq, leaf_hash) SELECT seq, leaf_hash FROM journal_entries WHERE seq BETWEEN ? AND ?',
      ),
      dropSubjects: db.prepare('DELETE FROM journal_subjects WHERE seq BETWEEN ? AND ?'),
      dropEntries: db.prepare('DELETE FROM journal_entries WHERE seq BETWEEN ? AND ?'),
      markRetired: db.prepare('UPDATE journal_epochs SET retired_at = ? WHERE epoch = ?'),
    };
  }
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
  readState(): TreeState {
    const row = this.stmts.readState.get() as Omit<TreeState, 'frontier'> & { frontier: string };
    return { ...row, frontier: JSON.parse(row.frontier) as string[] };
  }
  writeState(treeSize: number, frontier: string[]): void {
    this.stmts.writeState.run(treeSize, JSON.stringify(frontier));
  }
  insertEntry(row: StoredEntryRow, subjects: readonly SubjectRef[]): void {
    this.stmts.insertEntry.run(
      row.seq,
      row.time_ms,
      row.type,
      row.category,
      row.source,
      row.entry_json,
      row.leaf_hash,
    );
    for (const s of subjects) this.stmts.insertSubject.run(s.kind, s.id, row.seq);
  }
  lastEntry(): StoredEntryRow | undefined {
    return this.stmts.lastEntry.get() as StoredEntryRow | undefined;
  }
  lastLifecycleEntry(): StoredEntryRow | undefined {
    return this.stmts.lastLifecycleEntry.get() as StoredEntryRow | undefined;
  }
  lastCheckpoint(): StoredCheckpointRow | undefined {
    return this.stmts.lastCheckpoint.get() as StoredCheckpointRow | undefined;
  }
  lastCheckpointOf(epoch: number): StoredCheckpointRow | undefined {
    return this.stmts.lastCheckpointOf.get(epoch) as StoredCheckpointRow | undefined;
  }
  insertCheckpoint(row: Omit<StoredCheckpointRow, 'id'>): number {
    return Number(this.stmts.insertCheckpoint.run({ epoch: 1, ...row }).lastInsertRowid);
  }
  epochs(): EpochRow[] {
    return this.stmts.epochs.all() as EpochRow[];
  }
  beginEpoch(epoch: number, firstSeq: number, startedAt: number): void {
    this.stmts.insertEpoch.run(epoch, firstSeq, startedAt);
    this.stmts.beginState.run(epoch, firstSeq);
  }
  epochDue(): boolean {
    return this.stmts.epochDue.get(EPOCH_TASK) !== undefined;
  }
  epochDone(): void {
    this.stmts.epochDone.run(EPOCH_TASK);
  }
  retireEntries(firstSeq: number, lastSeq: number): number {
    // The removed bodies are overwritten with zeros, not left in the pages' free space (nor in the WAL's copies of them).
    const secure = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      this.stmts.keepLeaves.run(firstSeq, lastSeq);
      this.stmts.dropSubjects.run(firstSeq, lastSeq);
      return this.stmts.dropEntries.run(firstSeq, lastSeq).changes;
    } finally {
      this.db.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`);
    }
  }
  markRetired(epoch: number, at: number): void {
    this.stmts.markRetired.run(at, epoch);
  }
}
