import { journalRatioFigures } from './privacy-journal';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlindIndex, MasterKey, PrivacyKeyring, sealFields } from '@gatehouse/privacy';
import { type Db, openDatabase } from '@gatehouse/storage';
import { integratedOverhead } from './privacy-integrated';
import { SURNAMES, syntheticCardholder } from './privacy-people';
import { option, percentile, round, say } from './util';

type Person = ReturnType<typeof syntheticCardholder>;

const insertStatement = (db: Db) => db.prepare('INSERT INTO cardholders (id, data) VALUES (?, ?)');

/** Writes `people` in transactions of `batch`, returning the seconds taken. */
const timedWrites = (
  db: Db,
  people: readonly Person[],
  batch: number,
  write: (p: Person) => void,
): number => {
  const started = performance.now();
  for (let i = 0; i < people.length; i += batch)
    db.transaction(() => {
      for (const p of people.slice(i, i + batch)) write(p);
    })();
  return (performance.now() - started) / 1000;
};

const overhead = (dir: string, count: number, batch: number, label: string) => {
  const people = Array.from({ length: count }, (_, i) => syntheticCardholder(i));
  const plainDb = openDatabase({ path: join(dir, `plain-${label}.db`), synchronous: 'full' });
  const plainInsert = insertStatement(plainDb);
  const plain = timedWrites(plainDb, people, batch, (p) => plainInsert.run(p.id, JSON.stringify(p)));
  plainDb.close();

  const sealedDb = openDatabase({ path: join(dir, `sealed-${label}.db`), synchronous: 'full' });
  const keyring = PrivacyKeyring.open(sealedDb, [MasterKey.generate()]);
  const index = new BlindIndex(sealedDb, keyring);
  const sealedInsert = insertStatement(sealedDb);
  const sealed = timedWrites(sealedDb, people, batch, (p) => {
    const key = keyring.keyForWriting(p.id);
    const { name, employeeNumber, department, directoryAccount, ...rest } = p;
    // One envelope per record: records are read and written whole.
    const personal = sealFields(key, 'cardholder', { name, employeeNumber, department, directoryAccount });
    const doc = { ...rest, personal };
    index.indexPerson(p.id, { names: [p.name], cards: [p.card] });
    sealedInsert.run(p.id, JSON.stringify(doc));
  });
  sealedDb.close();
  return { plain, sealed, ratio: sealed / plain };
};

const searchP95 = (dir: string, people: number, queries: number): number => {
  const db = openDatabase({ path: join(dir, 'index.db'), synchronous: 'normal' });
  const index = new BlindIndex(db, PrivacyKeyring.open(db, [MasterKey.generate()]));
  for (let i = 0; i < people; i += 5000)
    db.transaction(() => {
      for (let j = i; j < Math.min(people, i + 5000); j++) {
        const p = syntheticCardholder(j);
        index.indexPerson(p.id, { names: [p.name], cards: [p.card] });
      }
    })();
  const times: number[] = [];
  for (let q = 0; q < queries; q++) {
    const p = syntheticCardholder((q * 7919) % people);
    // A surname, a full name, a family name: the searches an operator types.
    for (const text of [SURNAMES[q % 10]!, p.name, p.name.split('-')[1]!]) {
      const started = performance.now();
      const found = index.searchName(text);
      times.push(performance.now() - started);
      if (found.length === 0) throw new Error(`no result for ${text}`);
    }
  }
  db.close();
  return percentile(times, 95);
};

export const privacyBench = async (args: string[]): Promise<Record<string, number | string | null>> => {
  const writes = option(args, 'writes', 20_000);
  const people = option(args, 'people', 100_000);
  const integratedWrites = option(args, 'integrated-writes', 2000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-privacy-'));
  try {
    say(
      `workload: ${writes} cardholder writes (4 personal fields) to raw SQLite, synchronous=full, clear against sealed ` +
        '(person key made and wrapped, the 4 fields sealed as one envelope, name tokens and card in the blind index)',
    );
    const batched = overhead(dir, writes, 1000, 'batched');
    say(
      `batches of 1000 (an import): plain ${round(batched.plain, 2)} s, sealed ${round(batched.sealed, 2)} s, ratio ${round(batched.ratio, 2)}`,
    );
    const single = overhead(dir, Math.min(writes, 2000), 1, 'single');
    say(
      `one per transaction (an operator's edit): plain ${round(single.plain, 2)} s, sealed ${round(single.sealed, 2)} s, ratio ${round(single.ratio, 2)}`,
    );
    const integrated = await integratedOverhead(dir, integratedWrites, [10_000, people]);
    say(`indexing ${people} people for the search figure…`);
    const p95 = searchP95(dir, people, 300);
    say(`name search through the blind index over ${people} people: p95 ${round(p95, 2)} ms`);
    // The journal's half (bench/privacy-journal.ts): appends with sealed personal values against raw SQLite.
    const journal = await journalRatioFigures(args);
    return {
      // The figure: cardholder writes through the records (journal and store), sealed against clear.
      overhead_ratio: integrated.records_overhead_ratio,
      import_overhead_ratio: integrated.import_overhead_ratio,
      store_overhead_ratio: integrated.store_overhead_ratio,
      decision_p99_ratio: integrated.decision_p99_ratio,
      ...Object.fromEntries(Object.entries(integrated.start_ms).map(([k, v]) => [`start_ms_${k}`, v])),
      raw_sqlite_overhead_ratio: round(batched.ratio, 2),
      raw_sqlite_overhead_ratio_single_writes: round(single.ratio, 2),
      blind_index_search_p95_ms: round(p95, 2),
      ...journal,
      people,
      writes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
