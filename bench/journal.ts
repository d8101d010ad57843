import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GatehouseBus, systemClock, type JournalEntry, type JournalEntryInput } from '@gatehouse/contracts';
import {
  buildEntry,
  csvRow,
  Journal,
  JournalReader,
  leafHash,
  loadOrCreateSigningKey,
  serializeEntry,
  SqliteJournalStore,
} from '@gatehouse/journal';
import { openDatabase, ReadPool } from '@gatehouse/storage';
import { option, percentile, round, say } from './util';

const PEOPLE = 1000;

/** A realistic entry: an access decision about a person, a credential and a door. */
const input = (i: number): JournalEntryInput => ({
  type: i % 10 === 0 ? 'access.denied' : 'access.granted',
  source: `reader:door-${i % 50}-in`,
  subjects: [
    { kind: 'person', id: `p${i % PEOPLE}` },
    { kind: 'credential', id: `c${i % (PEOPLE * 3)}` },
    { kind: 'door', id: `door-${i % 50}` },
  ],
  payload: {
    reason: i % 10 === 0 ? 'outside-schedule' : 'granted',
    format: 'H10301',
    facility: 12,
    card: 10000 + (i % 30000),
  },
  sourceTime: new Date(1_760_000_000_000 + i * 50).toISOString(),
  timeSource: 'device',
});

const options = {
  batchMaxEntries: 1000,
  batchMaxDelayMs: 2,
  checkpointEveryEntries: 1000,
  checkpointEverySeconds: 60,
};

/** Reference: the same rows (bytes precomputed) inserted with plain prepared statements in batches of 1000. */
const rawInsert = (dir: string, entries: number): number => {
  const db = openDatabase({ path: join(dir, 'raw.db'), synchronous: 'full' });
  const rows = Array.from({ length: entries }, (_, i) => {
    const entry = buildEntry(input(i), i + 1, new Date());
    const json = serializeEntry(entry);
    return { entry, json, leaf: leafHash(json) };
  });
  const insertEntry = db.prepare(
    'INSERT INTO journal_entries (seq, time_ms, type, category, source, entry_json, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertSubject = db.prepare('INSERT INTO journal_subjects (kind, ref, seq) VALUES (?, ?, ?)');
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    db.transaction(() => {
      for (const r of rows.slice(i, i + 1000)) {
        insertEntry.run(r.entry.seq, Date.now(), r.entry.type, 'access', r.entry.source, r.json, r.leaf);
        for (const s of r.entry.subjects) insertSubject.run(s.kind, s.id, r.entry.seq);
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return entries / seconds;
};

const appendAll = async (journal: Journal, from: number, count: number): Promise<void> => {
  // Producers that never wait for each other: the journal's group commit batches them.
  const waves = 10;
  const per = Math.ceil(count / waves);
  for (let w = 0; w < waves; w++) {
    const pending: Promise<JournalEntry>[] = [];
    for (let i = from + w * per; i < Math.min(from + count, from + (w + 1) * per); i++)
      pending.push(journal.append(input(i)));
    await Promise.all(pending);
  }
};

export const journalBench = async (args: string[]): Promise<Record<string, number>> => {
  const appendCount = option(args, 'entries', 100_000);
  const queryCount = option(args, 'query-entries', 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-journal-'));
  try {
    say(
      `workload: ${appendCount} entries (3 subjects, ~300 B each) appended with synchronous=full, batches of 1000, a signed checkpoint every 1000`,
    );
    const raw = rawInsert(dir, appendCount);
    say(`raw SQLite batched insert of the same rows: ${Math.round(raw)} rows/s`);

    const path = join(dir, 'journal.db');
    const db = openDatabase({ path, synchronous: 'full' });
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      systemClock,
      options,
      new GatehouseBus(),
    );
    await journal.open();
    const started = performance.now();
    await appendAll(journal, 0, appendCount);
    const perSecond = appendCount / ((performance.now() - started) / 1000);
    say(
      `journal append (canonical JSON, leaf hash, Merkle edge, checkpoints, acknowledged after commit): ${Math.round(perSecond)} entries/s`,
    );
    say(`ratio journal/raw: ${round(perSecond / raw, 2)}`);

    say(`filling the journal to ${queryCount} entries for the query and export figures…`);
    for (let done = appendCount; done < queryCount; done += 100_000)
      await appendAll(journal, done, Math.min(100_000, queryCount - done));

    const pool = new ReadPool(path, 1);
    const reader = new JournalReader(pool);
    const times: number[] = [];
    const rawTimes: number[] = [];
    const rawQuery = db.prepare(
      'SELECT e.seq, e.entry_json FROM journal_subjects s0 JOIN journal_entries e ON e.seq = s0.seq WHERE s0.kind = ? AND s0.ref = ? ORDER BY s0.seq DESC LIMIT 51',
    );
    for (let q = 0; q < 300; q++) {
      const person = `p${(q * 37) % PEOPLE}`;
      let t = performance.now();
      const page = await reader.page({ subjects: [{ kind: 'person', id: person }] }, 50);
      times.push(performance.now() - t);
      if (page.items.length !== 50) throw new Error('query returned a short page');
      t = performance.now();
      rawQuery.all('person', person);
      rawTimes.push(performance.now() - t);
    }
    const queryP95 = percentile(times, 95);
    say(
      `first page of 50 filtered by person over ${queryCount} entries: p95 ${round(queryP95, 2)} ms (worker thread, JSON parsed)`,
    );
    say(
      `reference, the same SQL on the main thread, rows only: p95 ${round(percentile(rawTimes, 95), 2)} ms`,
    );

    // Event-loop lag while a full-range export streams (worker reads, CSV formatted on the main thread).
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    let bytes = 0;
    let rows = 0;
    const exportStart = performance.now();
    for await (const chunk of reader.exportRaw({})) {
      for (const json of chunk) bytes += csvRow(JSON.parse(json) as JournalEntry).length;
      rows += chunk.length;
      await new Promise((r) => setImmediate(r));
    }
    lag.disable();
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const lagP99 = lag.percentile(99) / 1e6;
    say(
      `full export of ${rows} entries as CSV (${round(bytes / 1e6)} MB) in ${round(exportSeconds)} s: event-loop lag p99 ${round(lagP99, 2)} ms`,
    );

    // Reference: the same scan on the event loop's own connection blocks it.
    const blockLag = monitorEventLoopDelay({ resolution: 1 });
    blockLag.enable();
    const tick = setInterval(() => undefined, 1);
    await new Promise((r) => setTimeout(r, 20));
    const stmt = db.prepare('SELECT entry_json FROM journal_entries ORDER BY seq');
    let scanned = 0;
    for (const _row of stmt.iterate()) if (++scanned >= 250_000) break;
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(tick);
    blockLag.disable();
    say(
      `reference, scanning 250,000 rows on the main connection instead: event-loop lag max ${round(blockLag.max / 1e6)} ms`,
    );

    await pool.close();
    await journal.close();
    db.close();
    return {
      entries_per_s: Math.round(perSecond),
      raw_rows_per_s: Math.round(raw),
      ratio: round(perSecond / raw, 2),
      query_p95_ms: round(queryP95, 2),
      query_raw_p95_ms: round(percentile(rawTimes, 95), 2),
      loop_lag_p99_ms: round(lagP99, 2),
      main_thread_scan_lag_ms: round(blockLag.max / 1e6, 1),
      query_entries: queryCount,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
