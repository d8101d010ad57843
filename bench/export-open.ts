import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GCProfiler } from 'node:v8';
import { GatehouseBus, systemClock, type JournalEntry } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy, MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import { openDatabase } from '@gatehouse/storage';
import { JOURNAL_DEFAULTS, option, round, say } from './util';

const FIELDS = ['name', 'employeeNumber', 'department', 'directoryAccount'] as const;

/** What the V8 heap did while `work` ran: bytes allocated, scavenges, what they kept. */
export const heapDuring = async (work: () => Promise<void> | void) => {
  const profiler = new GCProfiler();
  const start = process.memoryUsage().heapUsed;
  profiler.start();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  const end = process.memoryUsage().heapUsed;
  const stats = profiler.stop()?.statistics ?? [];
  // Allocated = what each collection found in use, less what the previous one left, summed.
  let allocated = 0;
  let before = start;
  let scavenges = 0;
  let scavengeMicros = 0;
  let scavengeMaxMicros = 0;
  let survived = 0;
  let copiedMax = 0;
  for (const s of stats) {
    allocated += s.beforeGC.heapStatistics.usedHeapSize - before;
    before = s.afterGC.heapStatistics.usedHeapSize;
    if (s.gcType !== 'Scavenge') continue;
    scavenges += 1;
    scavengeMicros += s.cost;
    scavengeMaxMicros = Math.max(scavengeMaxMicros, s.cost);
    const young = s.afterGC.heapSpaceStatistics.find((x) => x.spaceName === 'new_space')!.spaceUsedSize;
    survived += young;
    // What one scavenge copied: kept in the young generation, or promoted (the old generation's growth).
    const old = (x: typeof s.beforeGC) =>
      x.heapSpaceStatistics.find((y) => y.spaceName === 'old_space')!.spaceUsedSize;
    copiedMax = Math.max(copiedMax, young + Math.max(0, old(s.afterGC) - old(s.beforeGC)));
  }
  allocated += end - before;
  return {
    allocated,
    scavenges,
    scavengeMs: scavengeMicros / 1000,
    scavengeMaxMs: scavengeMaxMicros / 1000,
    survivedPerScavenge: scavenges > 0 ? survived / scavenges : 0,
    copiedMax,
    cpuMs: (used.user + used.system) / 1000,
  };
};

/**
 * The export's opening of personal values, alone and measured by what it
 * allocates (not by the wall clock, which on the shared machine measures the
 * neighbours): `people` imported cardholders' entries (a whole record each,
 * its four personal fields sealed under the person's own key, as an import
 * journals them), read back as the export reads them (stored JSON), parsed
 * and opened (`Journal.openForView`) `rounds` times over, with the keyring's
 * cache smaller than the people, as on a site of 20,000.
 */
export const exportOpenBench = async (args: string[]): Promise<Record<string, number>> => {
  const people = option(args, 'people', 8000);
  const rounds = option(args, 'rounds', 3);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-export-open-'));
  try {
    const db = openDatabase({ path: join(dir, 'journal.db'), synchronous: 'normal' });
    const master = MasterKey.generate();
    const privacy = journalPrivacy(PrivacyKeyring.open(db, [master]));
    const store = new SqliteJournalStore(db);
    const journal = new Journal(
      store,
      loadOrCreateSigningKey(join(dir, 'j.pem')),
      systemClock,
      JOURNAL_DEFAULTS,
      new GatehouseBus(),
      privacy,
    );
    await journal.open();
    const pending: Promise<JournalEntry>[] = [];
    for (let i = 0; i < people; i++) {
      const id = `ch-${String(i).padStart(6, '0')}`;
      pending.push(
        journal.append({
          type: 'cardholder.created',
          source: 'access',
          subjects: [{ kind: 'person', id }],
          payload: {
            id,
            via: 'import',
            line: i + 2,
            record: {
              id,
              name: `Person ${i} Müller-Łukasiewicz`,
              employeeNumber: `E${100000 + i}`,
              department: 'Facilities',
              directoryAccount: `p${i}@example.org`,
              kind: 'employee',
              state: 'active',
              levelIds: ['lvl-1', 'lvl-2'],
              groupIds: [],
              privileged: false,
              watchList: false,
            },
          },
          personal: { personId: id, paths: FIELDS.map((f) => `record.${f}`) },
        }),
      );
    }
    const written = await Promise.all(pending);
    await journal.close();
    // A fresh keyring, as after a restart: its cache (4,096 keys) holds none of them yet.
    const reopened = new Journal(
      store,
      loadOrCreateSigningKey(join(dir, 'j.pem')),
      systemClock,
      JOURNAL_DEFAULTS,
      new GatehouseBus(),
      journalPrivacy(PrivacyKeyring.open(db, [master])),
    );
    const rows = db
      .prepare(
        "SELECT entry_json FROM journal_entries WHERE seq >= ? AND type = 'cardholder.created' ORDER BY seq",
      )
      .pluck()
      .all(written[0]!.seq) as string[];
    let opened = 0;
    let sink = 0;
    const open = () => {
      for (let r = 0; r < rounds; r++)
        for (const json of rows) {
          const seen = reopened.openForView(JSON.parse(json) as JournalEntry);
          if (seen.personal?.opened) opened += 1;
          sink += (seen.payload.record as { name: string }).name.length;
        }
    };
    // One warm-up round for the JIT, then the measured ones.
    for (const json of rows.slice(0, 500)) reopened.openForView(JSON.parse(json) as JournalEntry);
    globalThis.gc?.();
    const heap = await heapDuring(open);
    const lines = rows.length * rounds;
    if (opened !== lines || sink === 0) throw new Error(`opened ${opened} of ${lines}`);
    const figures = {
      lines,
      bytes_allocated_per_line: Math.round(heap.allocated / lines),
      scavenges_per_1000_lines: round((heap.scavenges * 1000) / lines, 2),
      scavenge_ms_total: round(heap.scavengeMs),
      scavenge_max_ms: round(heap.scavengeMaxMs, 2),
      new_space_after_scavenge_kb: Math.round(heap.survivedPerScavenge / 1024),
      cpu_us_per_line: round((heap.cpuMs * 1000) / lines, 1),
    };
    say(
      `opened ${lines} imported cardholders' entries (${people} people, ${rounds} rounds, keyring cache cold): ` +
        `${figures.bytes_allocated_per_line} B allocated per line, ${figures.scavenges_per_1000_lines} scavenges per 1,000 lines ` +
        `(${figures.scavenge_ms_total} ms in all, longest ${figures.scavenge_max_ms} ms), ${figures.cpu_us_per_line} µs CPU per line`,
    );
    db.close();
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
