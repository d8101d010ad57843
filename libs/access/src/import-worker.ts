import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { openDatabase } from '@gatehouse/storage';
import {
  ENTRIES_PER_PART,
  type ImportWork,
  type ImportWorkerData,
  type ImportWorkerMessage,
} from './import-writer';
import { NO_KEYS } from './cardholder-sealing';
import { AccessStore } from './store';

/** One import transaction on its own connection: every record and its journal entries, or nothing. */
const run = (data: ImportWorkerData) => {
  const decoder = new TextDecoder();
  const work = JSON.parse(data.parts.map((p) => decoder.decode(p)).join('')) as ImportWork;
  const db = openDatabase({ path: data.sqlitePath, synchronous: data.synchronous });
  try {
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(data.signingKeyFile),
      systemClock,
      data.journal,
    );
    journal.attach();
    const store = new AccessStore(db, NO_KEYS);
    return journal.appendAll(work.entries, () => {
      for (const c of work.cardholders) store.putSealedCardholder(c);
      for (const c of work.credentials) store.putCredential(c);
    });
  } finally {
    db.close();
  }
};

if (parentPort) {
  const port = parentPort;
  const send = (m: ImportWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    const committed = run(workerData as ImportWorkerData);
    const encoder = new TextEncoder();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < committed.length; i += ENTRIES_PER_PART)
      parts.push(encoder.encode(JSON.stringify(committed.slice(i, i + ENTRIES_PER_PART))));
    send(
      { entries: parts },
      parts.map((p) => p.buffer as ArrayBuffer),
    );
    send({ ok: true });
  } catch (error) {
    send({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
