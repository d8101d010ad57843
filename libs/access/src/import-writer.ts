import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JournalEntryInput } from '@gatehouse/contracts';
import type { CredentialRecord } from './index-data';
import type { Cardholder } from './model';

/** Writes an import's records and journal entries in one transaction. */
export type ImportWriter = (
  entries: readonly JournalEntryInput[],
  cardholders: readonly Cardholder[],
  credentials: readonly CredentialRecord[],
) => Promise<void>;

export interface ImportWorkerSettings {
  sqlitePath: string;
  synchronous: 'full' | 'normal';
  signingKeyFile: string;
  journal: {
    batchMaxEntries: number;
    batchMaxDelayMs: number;
    checkpointEveryEntries: number;
    checkpointEverySeconds: number;
  };
}

/** What the worker receives; also what `import-worker.ts` reads. */
export interface ImportWorkerData extends ImportWorkerSettings {
  entries: readonly JournalEntryInput[];
  cardholders: readonly Cardholder[];
  credentials: readonly CredentialRecord[];
}

interface PausableJournal {
  pause(): void;
  resume(): void;
}

const WORKER_FILE = join(__dirname, 'import-worker.js');

/** The worker runs from the build only (a worker thread cannot load TypeScript sources). */
export const importWorkerAvailable = (): boolean => existsSync(WORKER_FILE);

/**
 * Runs the import's transaction in a worker thread on its own connection, so the
 * event loop (card reads, decisions, the API) never waits on it. The gateway's
 * journal holds its commits meanwhile and continues the tree afterwards.
 */
export const workerImportWriter =
  (settings: ImportWorkerSettings, journal: PausableJournal): ImportWriter =>
  (entries, cardholders, credentials) =>
    new Promise<void>((resolve, reject) => {
      journal.pause();
      const data: ImportWorkerData = { ...settings, entries, cardholders, credentials };
      const worker = new Worker(WORKER_FILE, { workerData: data });
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        journal.resume();
        if (error) reject(error);
        else resolve();
      };
      worker.once('message', (m: { ok: boolean; error?: string }) =>
        finish(m.ok ? undefined : new Error(m.error ?? 'import failed')),
      );
      worker.once('error', (e) => finish(e));
      worker.once('exit', (code) =>
        finish(code === 0 ? undefined : new Error(`import worker exited with ${code}`)),
      );
    });
