import { join } from 'node:path';
import {
  AccessIndex,
  AccessService,
  AccessStore,
  applySitePlan,
  type Cardholder,
  CardholderImport,
  CardholderInput,
  type CardholderSealing,
  cardholderOf,
  privacySealing,
} from '@gatehouse/access';
import { type Actor, GatehouseBus, systemClock } from '@gatehouse/contracts';
import { MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import { type Db, openDatabase } from '@gatehouse/storage';
import { aDoor, aLevel, aSchedule, aZone } from '@gatehouse/testing';
import { syntheticCardholder } from './privacy-people';
import { benchJournal, percentile, round, say } from './util';

const actor: Actor = { kind: 'operator', name: 'bench', address: '127.0.0.1' };

/**
 * The same store path without encryption, the baseline: the personal fields
 * as plain JSON in the `sealed` column, the employee number itself as its
 * "digest", no blind index (a site without privacy would keep none). Only the
 * benchmark has it: the gateway always seals.
 */
const clearSealing: CardholderSealing = {
  seal: (c) => ({
    id: c.id,
    data: JSON.stringify({
      ...c,
      name: undefined,
      employeeNumber: undefined,
      department: undefined,
      directoryAccount: undefined,
    }),
    sealed: JSON.stringify({
      name: c.name,
      employeeNumber: c.employeeNumber,
      department: c.department,
      directoryAccount: c.directoryAccount,
    }),
    employeeNumberMac: c.employeeNumber === null ? null : Buffer.from(c.employeeNumber).toString('hex'),
    nameDigests: [],
  }),
  open: (_id, clear, sealed) => ({
    cardholder: cardholderOf(clear, JSON.parse(sealed ?? '{}') as Cardholder),
    opening: 'clear',
  }),
  employeeNumberMac: (n) => Buffer.from(n).toString('hex'),
  isErased: () => false,
  sealPhoto: (_id, data) => data.toString('base64'),
  openPhoto: (_id, sealed) => Buffer.from(sealed, 'base64'),
  searchName: () => [],
};

type Mode = 'clear' | 'sealed';
const MODES: readonly Mode[] = ['clear', 'sealed'];

const openStore = (
  dir: string,
  mode: Mode,
  label: string,
): { db: Db; store: AccessStore; keyring: PrivacyKeyring } => {
  const db = openDatabase({ path: join(dir, `${mode}-${label}.db`), synchronous: 'full' });
  // One master key per database: the records' sealing and the journal's share the keyring.
  const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
  const sealing = mode === 'clear' ? clearSealing : privacySealing(keyring);
  return { db, store: new AccessStore(db, sealing), keyring };
};

const person = (i: number): Cardholder => {
  const p = syntheticCardholder(i);
  return {
    id: p.id,
    name: p.name,
    employeeNumber: p.employeeNumber,
    department: p.department,
    directoryAccount: p.directoryAccount,
    kind: 'employee',
    state: 'active',
    privileged: false,
    watchListed: false,
    levelIds: ['staff'],
    groupIds: [],
    hasPhoto: false,
  };
};

/** Seconds to put `count` cardholders through the store in transactions of `batch`. */
const storeWrites = (store: AccessStore, count: number, batch: number): number => {
  const started = performance.now();
  for (let i = 0; i < count; i += batch)
    store.transaction(() => {
      for (let j = i; j < Math.min(count, i + batch); j++) store.put('cardholders', person(j));
    });
  return (performance.now() - started) / 1000;
};

/** Milliseconds from the store's rows to the decision index, as at start (read, open, index). */
const startMs = (store: AccessStore): number => {
  const started = performance.now();
  AccessIndex.build(store.snapshot());
  return performance.now() - started;
};

const site = {
  zones: [aZone({ id: 'lobby', name: 'Lobby' })],
  schedules: [aSchedule({ id: 'always', name: 'Always' })],
  doors: [
    aDoor({
      id: 'front',
      name: 'Front',
      zoneIn: 'lobby',
      readers: [
        { id: 'front-in', direction: 'entry' },
        { id: 'front-out', direction: 'exit' },
      ],
    }),
  ],
  levels: [aLevel({ id: 'staff', name: 'Staff', scheduleId: 'always', doorIds: ['front'] })],
  people: [],
};

/** Seconds for `count` operator creates through the records (journal entry and store write, each committed). */
const recordWrites = async (dir: string, mode: Mode, count: number, label: string) => {
  const { db, store, keyring } = openStore(dir, mode, `records-${label}`);
  const journal = benchJournal(db, dir, undefined, keyring);
  await journal.open();
  const access = new AccessService(store, journal, systemClock, new GatehouseBus());
  await applySitePlan(access.records, site, actor);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const p = person(i);
    const input = {
      id: p.id,
      name: p.name,
      employeeNumber: p.employeeNumber,
      department: p.department,
      directoryAccount: p.directoryAccount,
      levelIds: p.levelIds,
    };
    await access.records.createCardholder(CardholderInput.parse(input), actor);
  }
  const records = (performance.now() - started) / 1000;
  // The import of a file (in this thread: the records' default writer), for as many more people.
  const csv = [
    'employee_number,name,department,directory_account,levels,credential_format,credential_number',
    ...Array.from({ length: count }, (_, k) => {
      const p = person(count + k);
      return `${p.employeeNumber},${p.name},${p.department},"${p.directoryAccount}",staff,H10301,${k % 255}:${k}`;
    }),
  ].join('\n');
  const importStarted = performance.now();
  await new CardholderImport(access).apply(Buffer.from(csv), actor, 'bench.csv');
  const imported = (performance.now() - importStarted) / 1000;
  // Decisions on the index the records built, for the people just imported.
  const engine = access.engine;
  const at = Date.parse('2026-06-01T10:00:00Z');
  const requests = Array.from({ length: 50_000 }, (_, k) => ({
    readerId: k % 2 ? 'front-in' : 'front-out',
    format: 'H10301',
    number: `${(k % count) % 255}:${k % count}`,
    at,
  }));
  for (const r of requests.slice(0, 10_000)) engine.decide(r);
  const times = requests.map((r) => {
    const s = process.hrtime.bigint();
    engine.decide(r);
    return Number(process.hrtime.bigint() - s) / 1000;
  });
  await journal.close();
  db.close();
  return { records, imported, decisionP50: percentile(times, 50), decisionP99: percentile(times, 99) };
};

export interface IntegratedFigures {
  records_overhead_ratio: number;
  import_overhead_ratio: number;
  store_overhead_ratio: number;
  decision_p99_ratio: number;
  start_ms: Record<string, number>;
}

/** Cardholder writes, decisions and the start, with encryption against the same path without it, in one run. */
export const integratedOverhead = async (dir: string, writes: number, startPeople: readonly number[]) => {
  say(
    `integrated: the same AccessStore and records with the gateway's sealing against a clear baseline (no key, no AES-GCM, no HMAC, no blind index); synchronous=full`,
  );
  const byMode = {} as Record<Mode, Awaited<ReturnType<typeof recordWrites>> & { store: number }>;
  // Both modes twice, alternating, the second run kept: the first warms the JIT and the page cache for both.
  for (const pass of [0, 1])
    for (const mode of MODES) {
      const r = await recordWrites(dir, mode, pass === 0 ? Math.min(500, writes) : writes, `${pass}`);
      const { db, store } = openStore(dir, mode, `store-${pass}`);
      const storeSeconds = storeWrites(store, pass === 0 ? 5000 : writes * 5, 1000);
      db.close();
      if (pass === 1) byMode[mode] = { ...r, store: storeSeconds };
    }
  const ratio = (k: 'records' | 'imported' | 'store' | 'decisionP99') => byMode.sealed[k] / byMode.clear[k];
  for (const mode of MODES) {
    const m = byMode[mode];
    say(
      `${mode}: ${writes} creates through the records ${round(m.records, 2)} s; import of ${writes} rows ${round(m.imported, 2)} s; ` +
        `${writes * 5} store puts in batches of 1000 ${round(m.store, 2)} s; decision p50 ${round(m.decisionP50, 2)} µs, p99 ${round(m.decisionP99, 2)} µs`,
    );
  }
  const start_ms: Record<string, number> = {};
  for (const people of new Set(startPeople))
    for (const mode of MODES) {
      const { db, store } = openStore(dir, mode, `start-${people}`);
      storeWrites(store, people, 5000);
      startMs(store); // warm
      const ms = Math.min(startMs(store), startMs(store));
      start_ms[`${mode}_${people}`] = Math.round(ms);
      say(`start: ${people} people from the ${mode} store to the decision index: ${Math.round(ms)} ms`);
      db.close();
    }
  const figures: IntegratedFigures = {
    records_overhead_ratio: round(ratio('records'), 2),
    import_overhead_ratio: round(ratio('imported'), 2),
    store_overhead_ratio: round(ratio('store'), 2),
    decision_p99_ratio: round(ratio('decisionP99'), 2),
    start_ms,
  };
  return figures;
};
