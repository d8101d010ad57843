import { Worker } from 'node:worker_threads';

/**
 * Heavy reads (search, export, reports, verification) run in worker threads on
 * their own read-only connections, so a half-second scan never stalls the event
 * loop that device paths depend on. WAL lets them read while the main
 * connection writes.
 *
 * The worker is a generic "run this read-only SQL" executor kept as source text
 * here: it runs the same under ts-jest and from the build, and knows nothing of
 * any table. Streaming is pull-based (the caller asks for each next chunk), so a
 * slow HTTP client holds back the scan instead of filling memory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');
const cursors = new Map();
const take = (it, n) => {
  const rows = [];
  while (rows.length < n) {
    const step = it.next();
    if (step.done) return { rows, done: true };
    rows.push(step.value);
  }
  return { rows, done: false };
};
parentPort.on('message', (msg) => {
  try {
    if (msg.op === 'all') {
      parentPort.postMessage({ id: msg.id, rows: db.prepare(msg.sql).all(...msg.params) });
    } else if (msg.op === 'open') {
      const it = db.prepare(msg.sql).iterate(...msg.params);
      const out = take(it, msg.chunk);
      if (out.done) it.return(); else cursors.set(msg.id, { it, chunk: msg.chunk });
      parentPort.postMessage({ id: msg.id, rows: out.rows, done: out.done });
    } else if (msg.op === 'next') {
      const cur = cursors.get(msg.id);
      if (!cur) { parentPort.postMessage({ id: msg.id, rows: [], done: true }); return; }
      const out = take(cur.it, cur.chunk);
      if (out.done) { cur.it.return(); cursors.delete(msg.id); }
      parentPort.postMessage({ id: msg.id, rows: out.rows, done: out.done });
    } else if (msg.op === 'close') {
      const cur = cursors.get(msg.id);
      if (cur) { cur.it.return(); cursors.delete(msg.id); }
      parentPort.postMessage({ id: msg.id, rows: [], done: true });
    }
  } catch (error) {
    const cur = cursors.get(msg.id);
    if (cur) { try { cur.it.return(); } catch {} cursors.delete(msg.id); }
    parentPort.postMessage({ id: msg.id, error: String(error && error.message || error) });
  }
});
`;

type Params = readonly (string | number | bigint | Buffer | null)[];
interface Reply {
  id: number;
  rows?: unknown[];
  done?: boolean;
  error?: string;
}
interface Pending {
  resolve: (reply: Reply) => void;
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
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: this.path, driverPath: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
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
  send(message: { op: string; id: number; [key: string]: unknown }): Promise<Reply> {
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

  all<T>(sql: string, params: Params = []): Promise<T[]> {
    return this.allOn<T>(this.pick(), sql, params);
  }

  /** Streams rows in chunks; breaking out of the loop closes the cursor in the worker. */
  iterate<T>(sql: string, params: Params = [], chunk = 500): AsyncGenerator<T[], void, undefined> {
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
      all: <T>(sql: string, params: Params = []) => this.allOn<T>(worker, sql, params),
      iterate: <T>(sql: string, params: Params = [], chunk = 500) =>
        this.iterateOn<T>(worker, sql, params, chunk),
    };
  }

  private async allOn<T>(worker: ReadWorker, sql: string, params: Params): Promise<T[]> {
    const reply = await worker.send({ op: 'all', id: this.nextId++, sql, params });
    return (reply.rows ?? []) as T[];
  }

  private async *iterateOn<T>(
    worker: ReadWorker,
    sql: string,
    params: Params,
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

  get crashCount(): number {
    return this.crashes;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
