import './worker-aliases';
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { openDatabase } from '@gatehouse/storage';
import type { ImportWorkerData } from './import-writer';
import { AccessStore } from './store';

/** One import transaction on its own connection: every record and its journal entries, or nothing. */
const run = (data: ImportWorkerData): void => {
  const db = openDatabase({ path: data.sqlitePath, synchronous: data.synchronous });
  try {
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(data.signingKeyFile),
      systemClock,
      data.journal,
    );
    journal.attach();
    const store = new AccessStore(db);
    journal.appendAll(data.entries, () => {
      for (const c of data.cardholders) store.put('cardholders', c);
      for (const c of data.credentials) store.putCredential(c);
    });
  } finally {
    db.close();
  }
};

if (parentPort) {
  try {
    run(workerData as ImportWorkerData);
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
