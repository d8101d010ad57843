import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-messages';

/**
 * A read pool worker: a generic "run this read-only SQL" executor on its own
 * connection, knowing nothing of any table. Cursors are pull-based: each `next`
 * answers with one more chunk, so a slow consumer holds back the scan instead
 * of filling memory.
 */

interface Cursor {
  rows: IterableIterator<unknown>;
  chunk: number;
}

/** Up to `n` rows from `rows`, and whether it ran out. */
const take = (rows: Iterator<unknown>, n: number): { rows: unknown[]; done: boolean } => {
  const taken: unknown[] = [];
  while (taken.length < n) {
    const step = rows.next();
    if (step.done) return { rows: taken, done: true };
    taken.push(step.value);
  }
  return { rows: taken, done: false };
};

const serve = (port: NonNullable<typeof parentPort>, data: ReadWorkerData): void => {
  const db = new Database(data.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('query_only = ON');
  const cursors = new Map<number, Cursor>();
  // WAL checkpoints need a connection that may write the database file; opened on first use.
  let checkpointer: Database.Database | undefined;

  const close = (id: number): void => {
    const cursor = cursors.get(id);
    cursors.delete(id);
    cursor?.rows.return?.();
  };

  const answer = (request: ReadRequest): ReadReply => {
    switch (request.op) {
      case 'checkpoint': {
        if (!checkpointer) {
          checkpointer = new Database(data.path, { fileMustExist: true });
          checkpointer.pragma('busy_timeout = 5000');
        }
        const [result] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as unknown[];
        return { id: request.id, rows: [result] };
      }
      case 'all':
        return { id: request.id, rows: db.prepare(request.sql).all(...request.params) };
      case 'open': {
        const rows = db.prepare(request.sql).iterate(...request.params);
        const out = take(rows, request.chunk);
        if (out.done) rows.return?.();
        else cursors.set(request.id, { rows, chunk: request.chunk });
        return { id: request.id, ...out };
      }
      case 'next': {
        const cursor = cursors.get(request.id);
        if (!cursor) return { id: request.id, rows: [], done: true };
        const out = take(cursor.rows, cursor.chunk);
        if (out.done) close(request.id);
        return { id: request.id, ...out };
      }
      case 'close':
        close(request.id);
        return { id: request.id, rows: [], done: true };
    }
  };

  port.on('message', (request: ReadRequest) => {
    try {
      port.postMessage(answer(request));
    } catch (error) {
      try {
        close(request.id);
      } catch {
        // The statement already failed; its cursor is gone either way.
      }
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ReadReply);
    }
  });
};

if (parentPort) serve(parentPort, workerData as ReadWorkerData);
