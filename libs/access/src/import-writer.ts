import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type JournalEntry, type JournalEntryInput, timeSlicer } from '@gatehouse/contracts';
import type { SealedCardholder } from './cardholder-sealing';
import type { CredentialRecord } from './index-data';
import { inTimeSlices } from './import-slices';
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

/**
 * What the worker writes: sent as JSON in parts (see `workerImportWriter`).
 * The cardholders come sealed, with their blind-index digests: the worker
 * holds no key, and no personal value crosses to it in clear.
 */
export interface ImportWork {
  entries: readonly JournalEntryInput[];
  cardholders: readonly SealedCardholder[];
  credentials: readonly CredentialRecord[];
}

/** Seals cardholders for the worker (the gateway's `AccessStore.sealCardholders`). */
export type CardholderSealer = (cardholders: readonly Cardholder[]) => SealedCardholder[];

/** What the worker receives; also what `import-worker.ts` reads. */
export interface ImportWorkerData extends ImportWorkerSettings {
  /** UTF-8 JSON of an `ImportWork`, in parts. */
  parts: Uint8Array[];
}

/**
 * What the worker sends back: the committed entries as UTF-8 JSON arrays of at
 * most `ENTRIES_PER_PART` (moved, not copied: the event loop receives bytes at
 * once and parses a part at a time when it announces them), then the outcome.
 */
export type ImportWorkerMessage = { entries: Uint8Array[] } | { ok: true } | { ok: false; error: string };

/** Committed entries per part of the worker's answer, and per announcement to live subscribers. */
export const ENTRIES_PER_PART = 100;

interface ImportJournal {
  pause(): void;
  resume(): void;
  /** Entries committed by another writer, to the journal's live subscribers. */
  announce(entries: readonly JournalEntry[]): void;
}

const WORKER_FILE = join(__dirname, 'import-worker.js');
/** Records per part of the payload: each part's JSON is made in one step, well within a slice. */
const RECORDS_PER_PART = 100;
/**
 * The cardholders sealed between card reads (AES-GCM and HMAC, and no write:
 * new people's wrapped keys go to the worker with their rows), one at a time
 * until each slice's time is used.
 */
const sealInSlices = (
  seal: CardholderSealer,
  cardholders: readonly Cardholder[],
): Promise<SealedCardholder[]> => inTimeSlices(cardholders, (c) => seal([c]), timeSlicer());

/** The worker runs from the build only (a worker thread cannot load TypeScript sources). */
export const importWorkerAvailable = (): boolean => existsSync(WORKER_FILE);

/**
 * JSON of `work` in parts encoded between card reads; the parts are moved to
 * the worker, not copied. Each list is taken out of `work` once encoded: only
 * the bytes stay alive while the worker writes.
 */
const encodeWork = async (work: Partial<ImportWork>): Promise<Uint8Array[]> => {
  const pause = timeSlicer();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const list = async (name: keyof ImportWork, prefix: string) => {
    const items = work[name] ?? [];
    delete work[name];
    parts.push(encoder.encode(`${prefix}"${name}":[`));
    for (let i = 0; i < items.length; i += RECORDS_PER_PART) {
      await pause();
      const json = JSON.stringify(items.slice(i, i + RECORDS_PER_PART)).slice(1, -1);
      parts.push(encoder.encode(i === 0 ? json : `,${json}`));
    }
    parts.push(encoder.encode(']'));
  };
  await list('entries', '{');
  await list('cardholders', ',');
  await list('credentials', ',');
  parts.push(encoder.encode('}'));
  return parts;
};

/**
 * Runs the import's transaction in a worker thread on its own connection, so the
 * event loop (card reads, decisions, the API) never waits on it. The gateway's
 * journal holds its commits meanwhile; the import's entries then go to live
 * subscribers (in parts, between turns of the loop), before the journal commits
 * what queued and continues the tree after them.
 */
export const workerImportWriter = (
  settings: ImportWorkerSettings,
  journal: ImportJournal,
  seal: CardholderSealer,
): ImportWriter => {
  // One import at a time: the journal's pause is not counted, so a second import must not resume it early.
  let previous: Promise<unknown> = Promise.resolve();
  return (entries, cardholders, credentials) => {
    const next = previous.then(async () =>
      writeInWorker(
        settings,
        journal,
        await encodeWork({
          entries,
          cardholders: await sealInSlices(seal, cardholders),
          credentials,
        }),
      ),
    );
    previous = next.catch(() => undefined);
    return next;
  };
};

const writeInWorker = async (
  settings: ImportWorkerSettings,
  journal: ImportJournal,
  parts: Uint8Array[],
): Promise<void> => {
  const committed: Uint8Array[] = [];
  journal.pause();
  try {
    await new Promise<void>((resolve, reject) => {
      const data: ImportWorkerData = { ...settings, parts };
      const worker = new Worker(WORKER_FILE, {
        workerData: data,
        transferList: parts.map((p) => p.buffer as ArrayBuffer),
      });
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      worker.on('message', (m: ImportWorkerMessage) => {
        if ('entries' in m) committed.push(...m.entries);
        else finish(m.ok ? undefined : new Error(m.error));
      });
      worker.once('error', (e) => finish(e));
      worker.once('exit', (code) => finish(new Error(`import worker exited with ${code} before reporting`)));
    });
    const pause = timeSlicer();
    const decoder = new TextDecoder();
    // Each part is let go once announced, so a 10,000-row import's bytes do not
    // all stay alive through the collections of the announcing.
    for (let part = committed.shift(); part !== undefined; part = committed.shift()) {
      await pause();
      journal.announce(JSON.parse(decoder.decode(part)) as JournalEntry[]);
    }
  } finally {
    journal.resume();
  }
};
