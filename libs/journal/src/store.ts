import type { Db } from '@gatehouse/storage';
import type { SubjectRef } from '@gatehouse/contracts';

/** What the journal needs from storage; a PostgreSQL adapter implements the same. */
export interface JournalStore {
  /** Runs `fn` as one write transaction that excludes other writers (other processes too). */
  writeTransaction<T>(fn: () => T): T;
  readState(): { treeSize: number; frontier: string[] };
  writeState(treeSize: number, frontier: string[]): void;
  insertEntry(row: StoredEntryRow, subjects: readonly SubjectRef[]): void;
  lastEntry(): StoredEntryRow | undefined;
  /** The last `journal.created`, `journal.restarted` or `journal.stopped` entry. */
  lastLifecycleEntry(): StoredEntryRow | undefined;
  lastCheckpoint(): StoredCheckpointRow | undefined;
  insertCheckpoint(row: Omit<StoredCheckpointRow, 'id'>): number;
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

export interface StoredCheckpointRow {
  id: number;
  tree_size: number;
  body_json: string;
  hash: Buffer;
  signature: Buffer;
  key_id: string;
}

export class SqliteJournalStore implements JournalStore {
  private readonly stmts;
  constructor(private readonly db: Db) {
    this.stmts = {
      readState: db.prepare('SELECT tree_size AS treeSize, frontier FROM journal_state WHERE id = 1'),
      writeState: db.prepare('UPDATE journal_state SET tree_size = ?, frontier = ? WHERE id = 1'),
      insertEntry: db.prepare(
        'INSERT INTO journal_entries (seq, time_ms, type, category, source, entry_json, leaf_hash) VALUES (@seq, @time_ms, @type, @category, @source, @entry_json, @leaf_hash)',
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
      insertCheckpoint: db.prepare(
        'INSERT INTO journal_checkpoints (tree_size, body_json, hash, signature, key_id) VALUES (@tree_size, @body_json, @hash, @signature, @key_id)',
      ),
    };
  }
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
  readState(): { treeSize: number; frontier: string[] } {
    const row = this.stmts.readState.get() as { treeSize: number; frontier: string };
    return { treeSize: row.treeSize, frontier: JSON.parse(row.frontier) as string[] };
  }
  writeState(treeSize: number, frontier: string[]): void {
    this.stmts.writeState.run(treeSize, JSON.stringify(frontier));
  }
  insertEntry(row: StoredEntryRow, subjects: readonly SubjectRef[]): void {
    this.stmts.insertEntry.run(row);
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
  insertCheckpoint(row: Omit<StoredCheckpointRow, 'id'>): number {
    return Number(this.stmts.insertCheckpoint.run(row).lastInsertRowid);
  }
}
