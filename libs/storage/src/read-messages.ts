/** What the read pool and its worker threads (read-worker.ts) say to each other. */

export type ReadParams = readonly (string | number | bigint | Buffer | null)[];

export type ReadRequest =
  | { op: 'all'; id: number; sql: string; params: ReadParams }
  /** Starts a cursor and answers with its first `chunk` rows. */
  | { op: 'open'; id: number; sql: string; params: ReadParams; chunk: number }
  | { op: 'next'; id: number }
  | { op: 'close'; id: number }
  /** A PASSIVE WAL checkpoint (see ReadPool.takeOverCheckpoints). */
  | { op: 'checkpoint'; id: number };

export interface ReadReply {
  id: number;
  rows?: unknown[];
  /** For a cursor: no rows follow. */
  done?: boolean;
  error?: string;
}

export interface ReadWorkerData {
  /** The SQLite file, opened read-only by the worker. */
  path: string;
}
