import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, systemClock, type JournalEntry, type JournalEntryInput } from '@gatehouse/contracts';
import {
  buildEntry,
  Journal,
  leafHash,
  loadOrCreateSigningKey,
  serializeEntry,
  SqliteJournalStore,
} from '@gatehouse/journal';
import { journalPrivacy, MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import { openDatabase } from '@gatehouse/storage';
import { syntheticCardholder } from './privacy-people';
import { JOURNAL_DEFAULTS, option, round, say } from './util';

const PEOPLE = 1000;
const FIELDS = ['name', 'employeeNumber', 'department', 'directoryAccount'] as const;

/** A cardholder change as records journal it: the four personal fields, named for sealing when `sealed`. */
const input = (i: number, sealed: boolean): JournalEntryInput => {
  const c = syntheticCardholder(i % PEOPLE);
  const changes = Object.fromEntries(FIELDS.map((f) => [f, { from: null, to: `${c[f]}` }]));
  return {
    type: 'cardholder.updated',
    source: 'access',
    subjects: [{ kind: 'person', id: c.id }],
    payload: { id: c.id, changes, via: 'bench' },
    ...(sealed ? { personal: { personId: c.id, paths: FIELDS.map((f) => `changes.${f}.to`) } } : {}),
  };
};

/** Reference: the clear rows (bytes precomputed) inserted with plain prepared statements, batches of 1000. */
const rawRowsPerSecond = (dir: string, entries: number): number => {
  const db = openDatabase({ path: join(dir, 'raw.db'), synchronous: 'full' });
  const rows = Array.from({ length: entries }, (_, i) => {
    const json = serializeEntry(buildEntry(input(i, false), i + 1, new Date()));
    return { seq: i + 1, json, leaf: leafHash(json), id: `ch-${i % PEOPLE}` };
  });
  const insertEntry = db.prepare(
    'INSERT INTO journal_entries (seq, time_ms, type, category, source, entry_json, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertSubject = db.prepare('INSERT INTO journal_subjects (kind, ref, seq) VALUES (?, ?, ?)');
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    db.transaction(() => {
      for (const r of rows.slice(i, i + 1000)) {
        insertEntry.run(r.seq, Date.now(), 'cardholder.updated', 'cardholder', 'access', r.json, r.leaf);
        insertSubject.run('person', r.id, r.seq);
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return entries / seconds;
};

/** Entries appended per second through the journal, sealed (per-person keys) or clear as before issue 12. */
const journalPerSecond = async (dir: string, entries: number, sealed: boolean): Promise<number> => {
  const name = sealed ? 'sealed' : 'clear';
  const db = openDatabase({ path: join(dir, `${name}.db`), synchronous: 'full' });
  const privacy = sealed ? journalPrivacy(PrivacyKeyring.open(db, [MasterKey.generate()])) : undefined;
  const journal = new Journal(
    new SqliteJournalStore(db),
    loadOrCreateSigningKey(join(dir, `${name}.pem`)),
    systemClock,
    JOURNAL_DEFAULTS,
    new GatehouseBus(),
    privacy,
  );
  await journal.open();
  // The people's keys exist already (made with their records), as on a running site.
  if (sealed) for (let i = 0; i < PEOPLE; i++) privacy!.sealValues(`ch-${i}`, { warm: 'x' });
  const started = performance.now();
  const waves = 10;
  const per = Math.ceil(entries / waves);
  for (let w = 0; w < waves; w++) {
    const pending: Promise<JournalEntry>[] = [];
    for (let i = w * per; i < Math.min(entries, (w + 1) * per); i++)
      pending.push(journal.append(input(i, sealed)));
    await Promise.all(pending);
  }
  const perSecond = entries / ((performance.now() - started) / 1000);
  await journal.close();
  db.close();
  return perSecond;
};

/**
 * `journal_ratio` of the privacy bench (issue 12): journal append of entries
 * holding four personal values each, sealed under per-person keys with salted
 * commitments, against raw SQLite inserts of the same (clear) rows, in the
 * same run; beside it the ratio of the same journal without sealing, as the
 * journal was before, so "no worse than today's" is read from one run.
 */
export const journalRatioFigures = async (args: string[]): Promise<Record<string, number>> => {
  const entries = option(args, 'journal-entries', 50_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-privacy-journal-'));
  try {
    say(
      `workload: ${entries} cardholder entries (4 personal values each, ${PEOPLE} people) appended with synchronous=full, batches of 1000`,
    );
    const raw = rawRowsPerSecond(dir, entries);
    say(`raw SQLite batched insert of the same clear rows: ${Math.round(raw)} rows/s`);
    const clear = await journalPerSecond(dir, entries, false);
    say(
      `journal append, values in clear (before issue 12): ${Math.round(clear)} entries/s, ratio ${round(clear / raw, 2)}`,
    );
    const sealed = await journalPerSecond(dir, entries, true);
    say(
      `journal append, 4 values sealed with salted commitments: ${Math.round(sealed)} entries/s, ratio ${round(sealed / raw, 2)}`,
    );
    return {
      journal_ratio: round(sealed / raw, 2),
      journal_ratio_clear: round(clear / raw, 2),
      journal_sealed_entries_per_s: Math.round(sealed),
      journal_clear_entries_per_s: Math.round(clear),
      journal_raw_rows_per_s: Math.round(raw),
      journal_entries: entries,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
