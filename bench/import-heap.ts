import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService, CardholderImport, ScheduleInput, workerImportWriter } from '@gatehouse/access';
import { type Actor, GatehouseBus, systemClock } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy } from '@gatehouse/privacy';
import { openDatabase } from '@gatehouse/storage';
import { sealedAccessStore, testKeyring } from '@gatehouse/testing';
import { heapDuring } from './export-open';
import { JOURNAL_DEFAULTS, option, round, say } from './util';

const BENCH: Actor = { kind: 'system', name: 'bench' };

/** Cardholders with one H10301 card each, as card-load imports them. */
const peopleCsv = (prefix: string, count: number, fc: number): Buffer =>
  Buffer.from(
    [
      'employee_number,name,department,levels,credential_format,credential_number',
      ...Array.from(
        { length: count },
        (_, i) => `${prefix}${i},Person ${prefix}${i},Bench,all,H10301,${fc}:${i}`,
      ),
    ].join('\n'),
  );

/**
 * An import's heap, measured by what it allocates and what its scavenges copy
 * (not by the wall clock): a `rows`-row file of new cardholders planned, then
 * applied as the gateway applies it (sealing, the entries and records
 * committed by the import worker, the index), on a sealed store. The longest scavenge and the
 * most one copied are what a card waits for while an import starts.
 */
export const importHeapBench = async (args: string[]): Promise<Record<string, number>> => {
  const rows = option(args, 'rows', 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-import-heap-'));
  try {
    const db = openDatabase({ path: join(dir, 'site.db'), synchronous: 'normal' });
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      systemClock,
      JOURNAL_DEFAULTS,
      new GatehouseBus(),
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    const { store } = sealedAccessStore(db);
    const access = new AccessService(store, journal, systemClock, new GatehouseBus());
    // As the gateway writes an import: sealed here, committed by a worker thread on its own connection.
    access.records.useImportWriter(
      workerImportWriter(
        {
          sqlitePath: join(dir, 'site.db'),
          synchronous: 'normal',
          signingKeyFile: join(dir, 'k.pem'),
          journal: JOURNAL_DEFAULTS,
        },
        journal,
        (cardholders) => store.sealCardholders(cardholders),
      ),
    );
    await access.records.saveSchedule(
      ScheduleInput.parse({
        id: 'always',
        name: 'Always',
        timeZone: 'UTC',
        intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
      }),
      BENCH,
      'create',
    );
    await access.records.saveLevel(
      { id: 'all', name: 'All', scheduleId: 'always', doorIds: [] },
      BENCH,
      'create',
    );
    const importer = new CardholderImport(access);
    // A warm-up file for the JIT, then the measured ones.
    await importer.apply(peopleCsv('W', 500, 10), BENCH, 'warm.csv');
    const csv = peopleCsv('N', rows, 20);
    globalThis.gc?.();
    let planned: unknown = null;
    const before = process.memoryUsage().heapUsed;
    const plan = await heapDuring(async () => {
      planned = await importer.plan(csv);
    });
    globalThis.gc?.();
    const retainedByPlan = process.memoryUsage().heapUsed - before;
    if (!planned) throw new Error('no plan');
    planned = null;
    globalThis.gc?.();
    const apply = await heapDuring(async () => {
      await importer.apply(csv, BENCH, 'people.csv');
    });
    await journal.close();
    db.close();
    const figures = {
      rows,
      plan_bytes_allocated_per_row: Math.round(plan.allocated / rows),
      plan_bytes_retained_per_row: Math.round(retainedByPlan / rows),
      plan_scavenges: plan.scavenges,
      plan_scavenge_max_ms: round(plan.scavengeMaxMs, 2),
      plan_scavenge_copied_max_kb: Math.round(plan.copiedMax / 1024),
      apply_bytes_allocated_per_row: Math.round(apply.allocated / rows),
      apply_scavenges: apply.scavenges,
      apply_scavenge_ms_total: round(apply.scavengeMs),
      apply_scavenge_max_ms: round(apply.scavengeMaxMs, 2),
      apply_scavenge_copied_max_kb: Math.round(apply.copiedMax / 1024),
      apply_cpu_us_per_row: round((apply.cpuMs * 1000) / rows, 1),
    };
    say(
      `import of ${rows} new cardholders: plan ${figures.plan_bytes_allocated_per_row} B allocated and ${figures.plan_bytes_retained_per_row} B kept per row; ` +
        `apply (plan, sealing, commit, index) ${figures.apply_bytes_allocated_per_row} B per row, ${figures.apply_scavenges} scavenges ` +
        `(longest ${figures.apply_scavenge_max_ms} ms, the most one copied ${figures.apply_scavenge_copied_max_kb} KB)`,
    );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
