import type { Worker } from 'node:worker_threads';
import { type Clock, every, systemClock } from '@gatehouse/contracts';
import type { ReadParams, ReadReply, ReadRequest, ReadWorkerData } from './read-messages';
import { startWorker } from './worker-thread';

/**
 * Heavy reads (search, export, reports, verification) run in worker threads on
 * their own read-only connections, so a half-second scan never stalls the event
 * loop that device paths depend on. WAL lets them read while the main
 * connection writes.
 *
 * The worker (read-worker.ts) is a generic "run this read-only SQL" executor and
 * knows nothing of any table. Streaming is pull-based (the caller asks for each
 * next chunk), so a slow HTTP client holds back the scan instead of filling memory.
 */

interface Pending {
  resolve: (reply: ReadReply) => void;
  reject: (error: Error) => void;
}

/** BLOBs cross the thread boundary as plain Uint8Array; callers get the Buffers the main connection gives. */
const asBuffers = (row: unknown): unknown => {
  if (typeof row !== 'object' || row === null) return row;
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v))
      record[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return record;
};

class ReadWorker {
  private worker!: Worker;
  readonly pending = new Map<number, Pending>();
  constructor(
    private readonly path: string,
    private readonly onCrash: (error: Error) => void,
  ) {
    this.start();
  }
  private start(): void {
    const workerData: ReadWorkerData = { path: this.path };
    this.worker = startWorker(__dirname, 'read-worker', { workerData });
    this.worker.unref();
    this.worker.on('message', (reply: ReadReply) => {
      if (reply.rows) reply.rows = reply.rows.map(asBuffers);
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(`read query failed: ${reply.error}`));
      else waiter.resolve(reply);
    });
    this.worker.on('error', (error) => {
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
      this.onCrash(error);
    });
  }
  send(message: ReadRequest): Promise<ReadReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

export class ReadPool {
  private readonly workers: ReadWorker[];
  private nextId = 1;
  private crashes = 0;
  private checkpointFailures = 0;
  private stopCheckpoints: (() => void) | undefined;

  constructor(path: string, size = 1) {
    this.workers = Array.from(
      { length: Math.max(1, size) },
      () => new ReadWorker(path, () => (this.crashes += 1)),
    );
  }

  /** The least busy worker: cursors stay on the worker that opened them. */
  private pick(): ReadWorker {
    return this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
  }

  all<T>(sql: string, params: ReadParams = []): Promise<T[]> {
    return this.allOn<T>(this.pick(), sql, params);
  }

  /** Streams rows in chunks; breaking out of the loop closes the cursor in the worker. */
  iterate<T>(sql: string, params: ReadParams = [], chunk = 500): AsyncGenerator<T[], void, undefined> {
    return this.iterateOn<T>(this.pick(), sql, params, chunk);
  }

  /**
   * Reads that all run on one worker, so each sees at least what the one before
   * it saw (a connection's snapshot never goes back; two workers' may differ):
   * for a reader that bounds later reads by what a first one returned.
   */
  pinned(): Pick<ReadPool, 'all' | 'iterate'> {
    const worker = this.pick();
    return {
      all: <T>(sql: string, params: ReadParams = []) => this.allOn<T>(worker, sql, params),
      iterate: <T>(sql: string, params: ReadParams = [], chunk = 500) =>
        this.iterateOn<T>(worker, sql, params, chunk),
    };
  }

  private async allOn<T>(worker: ReadWorker, sql: string, params: ReadParams): Promise<T[]> {
    const reply = await worker.send({ op: 'all', id: this.nextId++, sql, params });
    return (reply.rows ?? []) as T[];
  }

  private async *iterateOn<T>(
    worker: ReadWorker,
    sql: string,
    params: ReadParams,
    chunk: number,
  ): AsyncGenerator<T[], void, undefined> {
    const id = this.nextId++;
    let reply = await worker.send({ op: 'open', id, sql, params, chunk });
    let finished = reply.done === true;
    try {
      for (;;) {
        if ((reply.rows?.length ?? 0) > 0) yield reply.rows as T[];
        if (reply.done) return;
        reply = await worker.send({ op: 'next', id });
        finished = reply.done === true;
      }
    } finally {
      if (!finished) await worker.send({ op: 'close', id }).catch(() => undefined);
    }
  }

  /**
   * Moves WAL checkpoints off the event loop. SQLite runs a checkpoint on the
   * connection whose commit pushes the WAL past 1000 pages; after a large write
   * by another connection (an import in a worker thread) that is the event
   * loop's next small commit, which then copies the whole WAL into the database
   * and syncs it (hundreds of ms, measured by `npm run bench -- card-load`).
   * Here `db` stops checkpointing and a pool worker does it every `everyMs` of
   * the clock (PASSIVE: it never waits for, nor blocks, readers or the writer).
   * A checkpoint still running when the next falls due is not doubled; one that
   * fails is counted and the next turn tries again.
   */
  takeOverCheckpoints(
    db: { pragma(source: string): unknown },
    everyMs = 1000,
    clock: Clock = systemClock,
  ): void {
    db.pragma('wal_autocheckpoint = 0');
    const worker = this.workers[0]!;
    this.stopCheckpoints = every(clock, everyMs, () => worker.send({ op: 'checkpoint', id: this.nextId++ }), {
      background: true,
      onError: () => (this.checkpointFailures += 1),
    });
  }

  /** WAL checkpoints by the pool that failed (see takeOverCheckpoints). */
  get checkpointFailureCount(): number {
    return this.checkpointFailures;
  }

  get crashCount(): number {
    return this.crashes;
  }

  async close(): Promise<void> {
    this.stopCheckpoints?.();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
